package io.pubsubgateway.transport;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Open connections per user on this node, under {@code limits.maxConnectionsPerUser}. Counted per
 * node, not across the cluster: a cluster-wide count would cost a Hazelcast round trip on every
 * handshake and need cleaning up when a node dies with its users' connections counted, while a
 * node's own count is exact (every connection it holds is counted once and released when it
 * closes) and dies with the node. The effective limit of a user in a cluster is thus N × the limit
 * for N nodes. Anonymous connections (the empty user) and a limit of 0 are not counted.
 *
 * <p>Thread-safe: every server verticle of the node shares one; only users with open connections
 * have an entry.
 */
public final class UserConnections {
  private final int limit;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  /** @param limit {@code limits.maxConnectionsPerUser}; 0 = unlimited */
  public UserConnections(int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0");
    }
    this.limit = limit;
  }

  /** Counts one more connection of {@code user}; false (and nothing counted) when the user is at the limit. */
  public boolean tryAcquire(String user) {
    if (!counted(user)) {
      return true;
    }
    boolean[] taken = new boolean[1];
    counts.compute(user, (u, n) -> {
      int open = n == null ? 0 : n;
      if (open >= limit) {
        return n;
      }
      taken[0] = true;
      return open + 1;
    });
    return taken[0];
  }

  /** A connection {@link #tryAcquire} counted closed (or never opened). */
  public void release(String user) {
    if (counted(user)) {
      counts.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }
  }

  /** True when {@code user} has {@code limit} connections open: the next {@link #tryAcquire} fails. */
  public boolean atLimit(String user) {
    return counted(user) && count(user) >= limit;
  }

  /** Connections of {@code user} counted now. */
  public int count(String user) {
    return counts.getOrDefault(user, 0);
  }

  /** Users with at least one counted connection. */
  public int users() {
    return counts.size();
  }

  private boolean counted(String user) {
    return limit > 0 && user != null && !user.isEmpty();
  }
}
