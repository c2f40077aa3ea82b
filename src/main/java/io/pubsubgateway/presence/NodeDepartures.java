package io.pubsubgateway.presence;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.pubsubgateway.history.HazelcastHistoryStore;
import io.pubsubgateway.hub.ChannelPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Cleans up after a node that left the cluster (crashed or stopped): every remaining node removes
 * the departed node's presence entries (each entry is removed by exactly one of them, which then
 * publishes its {@code leave} event on channels with join/leave) and forgets cached stream epochs,
 * as a lost partition may have taken a stream with it.
 *
 * <p>Hazelcast reports a crashed member once it missed heartbeats for
 * {@code hazelcast.max.no.heartbeat.seconds} (10 s in {@code conf/cluster.xml}); a stopping member at once.
 */
public final class NodeDepartures implements MembershipListener {
  private static final Logger LOG = LoggerFactory.getLogger(NodeDepartures.class);
  /**
   * The member attribute in which vertx-hazelcast keeps the Vert.x node id ({@code ClusterManager.getNodeId()},
   * the id in presence entries); it differs from the Hazelcast member's UUID.
   */
  static final String VERTX_NODE_ID = "__vertx.nodeId";
  private final PresenceManager presence;
  private final HazelcastHistoryStore history;
  private final ChannelPublisher publisher;
  private UUID registration;

  public NodeDepartures(PresenceManager presence, HazelcastHistoryStore history, ChannelPublisher publisher) {
    this.presence = presence;
    this.history = history;
    this.publisher = publisher;
  }

  public void start(HazelcastInstance hz) {
    registration = hz.getCluster().addMembershipListener(this);
  }

  public void stop(HazelcastInstance hz) {
    if (registration != null && hz.getLifecycleService().isRunning()) {
      hz.getCluster().removeMembershipListener(registration);
    }
  }

  @Override
  public void memberAdded(MembershipEvent event) {
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    history.forgetEpochs();
    String node = event.getMember().getAttribute(VERTX_NODE_ID);
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
