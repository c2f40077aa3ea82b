package io.pubsubgateway.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

/**
 * The quorum rule ({@code cluster.minMembers}): a node that sees fewer data members than the
 * minimum is isolated — cut off from the majority of its cluster, or alone before the others joined.
 * {@link #check()} runs on every membership change and once a second; a transition calls
 * {@code onLost} (with the reason) or {@code onRegained}, each once per transition.
 *
 * <p>Publishes need more: Hazelcast removes the members of the other side one at a time, about
 * {@code hazelcast.max.no.heartbeat.seconds} after the cut, and an append waiting for a backup on a
 * removed member completes as soon as the first is removed — while the second still counts. So
 * {@link #present()} also asks that enough members were heard from recently ({@code recentlyActive}:
 * Hazelcast's recently-active split-brain protection, a few heartbeats of tolerance), which turns
 * false seconds after a cut, long before any member is removed.
 *
 * <p>Threading: thread-safe.
 */
public final class ClusterQuorum {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterQuorum.class);
  private final int minMembers;
  private final IntSupplier members;
  private final Consumer<String> onLost;
  private final Runnable onRegained;
  private final BooleanSupplier recentlyActive;
  private volatile boolean present = true;

  /**
   * @param members the current number of data members (called on every check)
   */
  public ClusterQuorum(int minMembers, IntSupplier members, BooleanSupplier recentlyActive, Consumer<String> onLost,
                       Runnable onRegained) {
    this.minMembers = minMembers;
    this.recentlyActive = recentlyActive;
    this.members = members;
    this.onLost = onLost;
    this.onRegained = onRegained;
  }

  /** A quorum that is always present (standalone nodes, {@code cluster.minMembers: 1}). */
  public static ClusterQuorum none() {
    return new ClusterQuorum(1, () -> 1, () -> true, reason -> { }, () -> { });
  }

  /**
   * Whether the node may publish: it counts enough members, and enough of them were heard from
   * recently. Read on every publish.
   */
  public boolean present() {
    return present && recentlyActive.getAsBoolean();
  }

  /** Whether the node counts enough members (what readiness and isolation follow). */
  public boolean members() {
    return present;
  }

  /**
   * The quorum as of the cluster's member list right now (a check first): for the decision after a
   * history append, which may complete because a member was just removed, before the membership
   * event reached this node's listeners.
   */
  public boolean presentNow() {
    check();
    return present();
  }

  public int minMembers() {
    return minMembers;
  }

  /** Re-evaluates the rule; fires the transition, if any. */
  public void check() {
    if (minMembers <= 1) {
      return;
    }
    int seen = members.getAsInt();
    boolean now = seen >= minMembers;
    String reason = null;
    synchronized (this) {
      if (now == present) {
        return;
      }
      present = now;
      if (!now) {
        reason = "no cluster quorum: " + seen + " of at least " + minMembers + " members (cluster.minMembers)";
      }
    }
    if (now) {
      LOG.info("cluster quorum regained: {} members (cluster.minMembers {}): serving again", seen, minMembers);
      onRegained.run();
    } else {
      LOG.warn("{}: not ready, refusing connections, closing every client with 4005", reason);
      onLost.accept(reason);
    }
  }
}
