package io.pubsubgateway.cluster;

import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.presence.PresenceManager;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

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
  private final Function<String, ChannelOptions> options;
  private final Events events;

  /** Publishes a join/leave event on a channel: the node's {@code ChannelPublisher#event}. Thread-safe. */
  @FunctionalInterface
  public interface Events {
    void event(String channel, String type, JsonObject body);
  }

  /**
   * @param options the options of a channel's namespace: a leave is published where {@code joinLeave} is on
   * @param events  where the leave events go
   */
  public NodeDepartures(PresenceManager presence, Function<String, ChannelOptions> options, Events events) {
    this.presence = presence;
    this.options = options;
    this.events = events;
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
        if (options.apply(p.channel()).joinLeave()) {
          events.event(p.channel(), "leave", p.toJson());
        }
      }
    });
  }
}
