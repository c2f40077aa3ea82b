package io.pubsubgateway.session;

/**
 * A token bucket of {@code ratePerSecond} tokens refilled continuously, holding at most one
 * second's worth. Rate 0 means unlimited. Not thread-safe: one connection's event loop owns it.
 */
final class TokenBucket {
  private final double rate;
  private double tokens;
  private long lastNanos;

  TokenBucket(int ratePerSecond, long nowNanos) {
    this.rate = ratePerSecond;
    this.tokens = ratePerSecond;
    this.lastNanos = nowNanos;
  }

  /** Takes one token; false when the bucket is empty. */
  boolean tryTake(long nowNanos) {
    if (rate <= 0) {
      return true;
    }
    tokens = Math.min(rate, tokens + (nowNanos - lastNanos) * rate / 1e9);
    lastNanos = nowNanos;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
