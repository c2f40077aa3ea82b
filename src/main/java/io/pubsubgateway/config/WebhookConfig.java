package io.pubsubgateway.config;

/**
 * The {@code events.webhook.*} keys: events are POSTed to {@code url} in batches of at most
 * {@code batchSize}, signed with HMAC-SHA256 under {@code secret}, from a queue of at most
 * {@code queueSize} events; a failed batch is tried up to {@code maxAttempts} times in all, after
 * {@code retryDelayMs}, doubling up to {@code maxRetryDelayMs}; a request gets {@code timeoutMs}.
 * {@code batchDelayMs} is how long the first event of a batch waits for others.
 */
public record WebhookConfig(String url, String secret, int queueSize, int batchSize, int batchDelayMs, int timeoutMs,
                            int maxAttempts, int retryDelayMs, int maxRetryDelayMs) {
  /** Shortest accepted secret, in characters. */
  public static final int MIN_SECRET_LENGTH = 16;
  public static final int DEFAULT_QUEUE_SIZE = 10_000;
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int DEFAULT_BATCH_DELAY_MS = 100;
  public static final int DEFAULT_TIMEOUT_MS = 5000;
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  public static final int DEFAULT_RETRY_DELAY_MS = 500;
  public static final int DEFAULT_MAX_RETRY_DELAY_MS = 30_000;

  /** The wait before attempt {@code attempt} (2, 3, ...): {@code retryDelayMs * 2^(attempt-2)}, capped. */
  public long retryDelay(int attempt) {
    long delay = retryDelayMs;
    for (int i = 2; i < attempt && delay < maxRetryDelayMs; i++) {
      delay *= 2;
    }
    return Math.min(delay, maxRetryDelayMs);
  }

  @Override
  public String toString() {
    return "WebhookConfig[url=" + url + ", secret=(hidden)]";
  }
}
