package io.pubsubgateway.config;

/** The {@code limits.*} keys; 0 disables a rate or timeout. */
public record LimitsConfig(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxConnections,
                           int publishPerSecond, int idleTimeoutSeconds, int outboundQueueBytes,
                           int maxChannelLength, int replyTimeoutMs) {
  public static final int DEFAULT_MAX_FRAME_BYTES = 65536;
  public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 128;
  public static final int DEFAULT_MAX_CONNECTIONS = 10000;
  public static final int DEFAULT_PUBLISH_PER_SECOND = 1000;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
  public static final int DEFAULT_OUTBOUND_QUEUE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_CHANNEL_LENGTH = 255;
  public static final int DEFAULT_REPLY_TIMEOUT_MS = 30_000;

  /** Without {@code replyTimeoutMs} (the default, 30 s). */
  public LimitsConfig(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxConnections, int publishPerSecond,
                      int idleTimeoutSeconds, int outboundQueueBytes, int maxChannelLength) {
    this(maxFrameBytes, maxSubscriptionsPerConnection, maxConnections, publishPerSecond, idleTimeoutSeconds,
      outboundQueueBytes, maxChannelLength, DEFAULT_REPLY_TIMEOUT_MS);
  }
}
