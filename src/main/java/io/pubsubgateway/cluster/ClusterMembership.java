package io.pubsubgateway.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.core.LifecycleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This node's view of its Hazelcast cluster, and the one place that hears of its changes: members
 * that join or leave (crash, stop, or are cut off by a partition), and this node merging into another
 * part of the cluster after a partition healed. Each change is handed to the registered
 * {@link Observer}s: presence clean-up, history caches, the quorum, the hub's repair.
 *
 * <p>Threading: observers are called on Hazelcast's event threads; they must be thread-safe and
 * must not block.
 */
public final class ClusterMembership implements MembershipListener, LifecycleListener {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);
  /**
   * The member attribute in which vertx-hazelcast keeps the Vert.x node id ({@code ClusterManager.getNodeId()},
   * the id in presence entries and event-bus registrations); it differs from the Hazelcast member's UUID.
   */
  public static final String VERTX_NODE_ID = "__vertx.nodeId";

  /** Reactions to membership changes. */
  public interface Observer {
    /** A member left the cluster as this node sees it; {@code vertxNodeId} is null for non-Vert.x members. */
    default void memberLeft(String vertxNodeId) {
    }

    /** A member joined the cluster as this node sees it; {@code vertxNodeId} is null for non-Vert.x members. */
    default void memberJoined(String vertxNodeId) {
    }

    /** Members joined or left, or this node merged into another part of the cluster ({@code merged}). */
    default void changed(boolean merged) {
    }

    /** An observer that runs {@code action} on every change. */
    static Observer onChange(Runnable action) {
      return new Observer() {
        @Override
        public void changed(boolean merged) {
          action.run();
        }
      };
    }
  }

  private final HazelcastInstance hz;
  private final List<Observer> observers = new CopyOnWriteArrayList<>();
  private UUID membershipRegistration;
  private UUID lifecycleRegistration;

  public ClusterMembership(HazelcastInstance hz) {
    this.hz = hz;
  }

  public ClusterMembership observe(Observer observer) {
    observers.add(observer);
    return this;
  }

  public void start() {
    membershipRegistration = hz.getCluster().addMembershipListener(this);
    lifecycleRegistration = hz.getLifecycleService().addLifecycleListener(this);
  }

  public void stop() {
    if (hz.getLifecycleService().isRunning()) {
      if (membershipRegistration != null) {
        hz.getCluster().removeMembershipListener(membershipRegistration);
      }
      if (lifecycleRegistration != null) {
        hz.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
      }
    }
  }

  /** Data members of the cluster as this node sees it (lite members hold no data and do not count). */
  public int dataMembers() {
    if (!hz.getLifecycleService().isRunning()) {
      return 0;
    }
    int n = 0;
    for (Member m : hz.getCluster().getMembers()) {
      if (!m.isLiteMember()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    LOG.info("cluster member joined: {} ({} data members)", event.getMember().getAddress(), dataMembers());
    String node = event.getMember().getAttribute(VERTX_NODE_ID);
    for (Observer o : observers) {
      try {
        o.memberJoined(node);
      } catch (RuntimeException e) {
        LOG.error("membership observer failed", e);
      }
    }
    notifyChanged(false);
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    LOG.info("cluster member left: {} ({} data members)", event.getMember().getAddress(), dataMembers());
    String node = event.getMember().getAttribute(VERTX_NODE_ID);
    for (Observer o : observers) {
      try {
        o.memberLeft(node);
      } catch (RuntimeException e) {
        LOG.error("membership observer failed", e);
      }
    }
    notifyChanged(false);
  }

  @Override
  public void stateChanged(LifecycleEvent event) {
    if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
      LOG.info("merged into the cluster after a partition ({} data members)", dataMembers());
      notifyChanged(true);
    } else if (event.getState() == LifecycleEvent.LifecycleState.MERGING) {
      LOG.info("merging into another part of the cluster after a partition healed");
    }
  }

  private void notifyChanged(boolean merged) {
    for (Observer o : observers) {
      try {
        o.changed(merged);
      } catch (RuntimeException e) {
        LOG.error("membership observer failed", e);
      }
    }
  }
}
