package io.pubsubgateway.presence;

import io.pubsubgateway.cluster.ClusterMembership;
import io.pubsubgateway.hub.ChannelPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up the presence of a node that left the cluster (crashed, stopped, or cut off by a
 * partition): every remaining node removes the departed node's presence entries (each entry is
 * removed by exactly one of them, which then publishes its {@code leave} event on channels with
 * join/leave).
 *
 * <p>Hazelcast reports a crashed member once it missed heartbeats for
 * {@code hazelcast.max.no.heartbeat.seconds} (10 s in {@code conf/cluster.xml}); a stopping member at once.
 */
public final class NodeDepartures implements ClusterMembership.Observer {
  private static final Logger LOG = LoggerFactory.getLogger(NodeDepartures.class);
  private final PresenceManager presence;
  private final ChannelPublisher publisher;

  public NodeDepartures(PresenceManager presence, ChannelPublisher publisher) {
    this.presence = presence;
    this.publisher = publisher;
  }

  @Override
  public void memberLeft(String node) {
    if (node == null) {
      return; // not a Vert.x node: it held no connections
    }
    presence.removeNode(node).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("presence entries of departed node {} not removed: {}", node, ar.cause().toString());
        return;
      }
      if (!ar.result().isEmpty()) {
        LOG.info("removed {} presence entries of departed node {}", ar.result().size(), node);
      }
      for (PresenceManager.Presence p : ar.result()) {
        if (publisher.options(p.channel()).joinLeave()) {
          publisher.event(p.channel(), "leave", p.toJson());
        }
      }
    });
  }
}
