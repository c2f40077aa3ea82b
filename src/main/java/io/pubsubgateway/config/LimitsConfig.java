package io.pubsubgateway.config;

/** The {@code limits.*} keys; 0 disables a rate or timeout. */
public record LimitsConfig(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxConnections,
                           int publishPerSecond, int idleTimeoutSeconds, int outboundQueueBytes,
                           int maxChannelLength, int replyTimeoutMs) {
  /** Without {@code replyTimeoutMs} (the default, 30 s). */
  public LimitsConfig(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxConnections, int publishPerSecond,
                      int idleTimeoutSeconds, int outboundQueueBytes, int maxChannelLength) {
    this(maxFrameBytes, maxSubscriptionsPerConnection, maxConnections, publishPerSecond, idleTimeoutSeconds,
      outboundQueueBytes, maxChannelLength, DEFAULT_REPLY_TIMEOUT_MS);
  }

  public static final int DEFAULT_REPLY_TIMEOUT_MS = 30_000;
}
