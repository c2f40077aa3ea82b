package io.pubsubgateway.events;

import io.vertx.core.Future;

import java.util.List;

/**
 * For each channel, the set of nodes holding subscribers to it, cluster-wide; each operation is
 * atomic on its channel, so of several nodes changing one channel's set at once exactly one sees
 * it go from empty to non-empty, and exactly one from non-empty to empty.
 *
 * <p>Implementations: {@link MemoryOccupancyStore} (a standalone node) and
 * {@link HazelcastOccupancyStore} (a map with entry processors). Thread-safe; the futures may
 * complete on any thread.
 */
public interface OccupancyStore {

  /** Adds this node to the channel's set; true when the set was empty (the channel became occupied). */
  Future<Boolean> claim(String channel);

  /** Removes this node from the channel's set; true when that emptied it (the channel became vacated). */
  Future<Boolean> release(String channel);

  /**
   * Adds this node to the channel's set again (after a merge); true when this node is then the first
   * of the set in id order, which makes one holder announce the channel again.
   */
  Future<Boolean> reclaim(String channel);

  /** Removes a departed node from every set; completes with the channels whose set this call emptied. */
  Future<List<String>> removeNode(String node);
}
