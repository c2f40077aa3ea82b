package io.pubsubgateway.history;

/**
 * When an unused stream expires, shared by both stores. A stream expires when no node retains its
 * channel and nothing was appended to it for {@code history.ttl} plus a grace of
 * {@code ceil(ttl / 4) + 1 s} (e.g. ttl 2 s: 4 s; 5 m: 6 m 16 s; 1 d: 1 d 6 h 1 s).
 *
 * <p>The grace comes from how the cluster store keeps a stream alive: a node refreshes ("touches") the
 * time-to-live of the channel's epoch entry at most once per {@link #touchIntervalMs} — before an append
 * when its last touch is older than that, and periodically while it retains the channel — so the last
 * append may come up to a quarter of the ttl after the last touch. An entry time-to-live of
 * ttl + grace then still lasts at least ttl after the last append (the extra second covers the append's
 * round trip and Hazelcast's whole-second expiry times): a stream is never deleted while it can still
 * hold a message.
 */
public final class StreamExpiry {
  private StreamExpiry() {
  }

  /** The grace after {@code ttlSeconds}: a quarter of it, rounded up, plus one second. */
  public static int graceSeconds(int ttlSeconds) {
    return (ttlSeconds + 3) / 4 + 1;
  }

  /** How long an unused stream lives: {@code ttl + grace}, the time-to-live of its epoch entry. */
  public static int idleSeconds(int ttlSeconds) {
    return ttlSeconds + graceSeconds(ttlSeconds);
  }

  /** How often at most a node refreshes a stream's time-to-live: a quarter of the ttl. */
  public static long touchIntervalMs(int ttlSeconds) {
    return ttlSeconds * 1000L / 4;
  }

  /**
   * How long a node keeps its view of a channel it neither retains nor uses: the touch interval, at most a
   * minute (after that an append needs a touch anyway, which reloads the epoch in the same operation).
   */
  public static long forgetAfterMs(int ttlSeconds) {
    return Math.min(touchIntervalMs(ttlSeconds), 60_000L);
  }
}
