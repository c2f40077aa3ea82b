package io.pubsubgateway.history;

import io.pubsubgateway.channel.ChannelOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The message history of channels whose namespace has {@code history.size > 0}: a stream per
 * channel in which every message gets the next offset (1, 2, 3... per channel, cluster-wide), and
 * an epoch that changes when the stream was lost and started again from offset 1. Keeps the last
 * {@code history.size} messages, each for {@code history.ttl}.
 *
 * <p>Streams expire: a channel's stream (its epoch and messages) is deleted once no node retains the
 * channel and nothing was appended to it for its namespace's {@code history.ttl} plus a grace
 * ({@link StreamExpiry}); the next use starts a new stream, with a new epoch, from offset 1. A node
 * retains a channel while it has local subscribers of it.
 *
 * <p>Implementations: {@link MemoryHistoryStore} (a standalone node) and
 * {@link HazelcastHistoryStore} (a ringbuffer per channel in the cluster, with a backup).
 * Thread-safe; futures may complete on any thread.
 */
public interface HistoryStore {

  /** Where a stream stands: the last assigned offset (0 before the first message) and its epoch. */
  record Position(long offset, String epoch) {
  }

  /**
   * One stored message: its offset and the message as it was appended ({@code {"body": ..., "headers"?: {...},
   * "mid": ...}}; every field kept as given).
   */
  record Entry(long offset, JsonObject message) {
  }

  /**
   * Messages read from a stream: {@code entries} in offset order, from the first still retained
   * at or after the requested offset, and the stream's position when read.
   */
  record Page(Position top, List<Entry> entries) {
  }

  /**
   * Appends {@code message} ({@code {"body", "headers"?, "mid"}}, stored as given); completes with its offset
   * and the epoch of the stream it was appended to. Keeps the stream alive for another {@code history.ttl}.
   */
  Future<Position> append(String channel, ChannelOptions options, JsonObject message);

  /** The stream's current position; a channel without a stream gets one (a new epoch, offset 0). */
  Future<Position> top(String channel, ChannelOptions options);

  /** Up to {@code limit} messages with offsets from {@code fromOffset} on (fewer when the stream ends). */
  Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit);

  /**
   * This node has a local subscriber of {@code channel} (a channel with history): its stream does not expire
   * until the matching {@link #release}. The hub calls it once per channel per node when the first local
   * subscriber arrives; implementations count, so nested calls need as many releases. Never blocks.
   */
  void retain(String channel, ChannelOptions options);

  /** The last local subscriber of {@code channel} left: undoes one {@link #retain}. Never blocks. */
  void release(String channel);

  /** Starts what the store runs in the background (expiry timers and listeners); called once by the node. */
  default void start() {
  }

  /** Stops what {@link #start} started. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * The cluster's membership changed (members joined or left, or this node merged into another part
   * of the cluster): a stream may have been lost, so what the store caches about streams may be stale.
   * Called on Hazelcast's event threads; must not block. Default: nothing (a standalone store has no
   * cluster).
   */
  default void membershipChanged() {
  }

  /**
   * Sizes of this node's per-channel state, by name (e.g. {@code streams}, {@code appenders},
   * {@code retained}): for tests and metrics, to show that unused channels leave nothing behind.
   */
  Map<String, Integer> localSizes();
}
