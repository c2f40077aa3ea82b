package io.pubsubgateway.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * Exponential backoff with jitter: attempt n (from 1) waits {@code min(maxDelay, minDelay * 2^(n-1))}
 * reduced by a random fraction of up to {@code jitter}. {@code maxAttempts} bounds consecutive failed
 * attempts ({@link #UNLIMITED} for no bound, 0 for no reconnect at all). Immutable.
 */
public record ReconnectPolicy(Duration minDelay, Duration maxDelay, int maxAttempts, double jitter) {
  public static final int UNLIMITED = -1;
  public static final Duration DEFAULT_MIN_DELAY = Duration.ofMillis(200);
  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
  public static final double DEFAULT_JITTER = 0.5;
  /** 200 ms doubling to 10 s, half jitter, forever. */
  public static final ReconnectPolicy DEFAULT =
    new ReconnectPolicy(DEFAULT_MIN_DELAY, DEFAULT_MAX_DELAY, UNLIMITED, DEFAULT_JITTER);
  /** Never reconnect: the first failure is final. */
  public static final ReconnectPolicy NONE = new ReconnectPolicy(DEFAULT_MIN_DELAY, DEFAULT_MAX_DELAY, 0, 0);

  public ReconnectPolicy {
    Objects.requireNonNull(minDelay, "minDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (minDelay.isNegative() || maxDelay.compareTo(minDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= minDelay <= maxDelay");
    }
    if (maxAttempts < UNLIMITED) {
      throw new IllegalArgumentException("maxAttempts must be >= 0 or UNLIMITED (-1)");
    }
    if (jitter < 0 || jitter > 1) {
      throw new IllegalArgumentException("jitter must be within [0, 1]");
    }
  }

  /** The delay before attempt {@code attempt} (1 for the first retry). */
  public Duration delay(int attempt, Random random) {
    long min = minDelay.toMillis();
    long base = maxDelay.toMillis();
    if (attempt < 31) {
      base = Math.min(base, min << Math.max(0, attempt - 1));
    }
    return Duration.ofMillis(Math.round(base * (1 - jitter * random.nextDouble())));
  }

  /** True when another attempt is allowed after {@code failedAttempts} consecutive failures. */
  public boolean allows(int failedAttempts) {
    return maxAttempts == UNLIMITED || failedAttempts <= maxAttempts;
  }
}
