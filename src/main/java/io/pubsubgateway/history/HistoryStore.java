package io.pubsubgateway.history;

import io.pubsubgateway.config.ChannelOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The message history of channels whose namespace has {@code history.size > 0}: a stream per
 * channel in which every message gets the next offset (1, 2, 3... per channel, cluster-wide), and
 * an epoch that changes when the stream was lost and started again from offset 1. Keeps the last
 * {@code history.size} messages, each for {@code history.ttl}.
 *
 * <p>Implementations: {@link MemoryHistoryStore} (a standalone node) and
 * {@link HazelcastHistoryStore} (a ringbuffer per channel in the cluster, with a backup).
 * Thread-safe; futures may complete on any thread.
 */
public interface HistoryStore {

  /** Where a stream stands: the last assigned offset (0 before the first message) and its epoch. */
  record Position(long offset, String epoch) {
  }

  /** One stored message: its offset and {@code {"body": ..., "headers"?: {...}}}. */
  record Entry(long offset, JsonObject message) {
  }

  /**
   * Messages read from a stream: {@code entries} in offset order, from the first still retained
   * at or after the requested offset, and the stream's position when read.
   */
  record Page(Position top, List<Entry> entries) {
  }

  /** Appends {@code message} ({@code {"body", "headers"?}}); completes with its offset and the epoch. */
  Future<Position> append(String channel, ChannelOptions options, JsonObject message);

  /** The stream's current position. */
  Future<Position> top(String channel, ChannelOptions options);

  /** Up to {@code limit} messages with offsets from {@code fromOffset} on (fewer when the stream ends). */
  Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit);
}
