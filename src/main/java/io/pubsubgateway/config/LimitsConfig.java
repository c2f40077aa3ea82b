package io.pubsubgateway.config;

/**
 * The {@code limits.*} keys; 0 disables a rate or timeout.
 *
 * @param slowConsumerGraceMs   how long a connection closed as a slow consumer (4003) gets to read its
 *                              backlog and the close frame before it is dropped
 * @param maxConnectionsPerUser open connections of one user ({@code sub}) per node; 0 = unlimited
 */
public record LimitsConfig(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxConnections,
                           int publishPerSecond, int idleTimeoutSeconds, int outboundQueueBytes,
                           int maxChannelLength, int replyTimeoutMs, int slowConsumerGraceMs,
                           int maxConnectionsPerUser) {
  public static final int DEFAULT_MAX_FRAME_BYTES = 65536;
  public static final int DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION = 128;
  public static final int DEFAULT_MAX_CONNECTIONS = 10000;
  public static final int DEFAULT_PUBLISH_PER_SECOND = 1000;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 60;
  public static final int DEFAULT_OUTBOUND_QUEUE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_CHANNEL_LENGTH = 255;
  public static final int DEFAULT_REPLY_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_SLOW_CONSUMER_GRACE_MS = 5000;
  public static final int DEFAULT_MAX_CONNECTIONS_PER_USER = 0;

  /** With the default of {@code maxConnectionsPerUser} (unlimited). */
  public LimitsConfig(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxConnections, int publishPerSecond,
                      int idleTimeoutSeconds, int outboundQueueBytes, int maxChannelLength, int replyTimeoutMs,
                      int slowConsumerGraceMs) {
    this(maxFrameBytes, maxSubscriptionsPerConnection, maxConnections, publishPerSecond, idleTimeoutSeconds,
      outboundQueueBytes, maxChannelLength, replyTimeoutMs, slowConsumerGraceMs, DEFAULT_MAX_CONNECTIONS_PER_USER);
  }

  /** With the defaults of {@code replyTimeoutMs} (30 s), {@code slowConsumerGraceMs} (5 s) and {@code maxConnectionsPerUser}. */
  public LimitsConfig(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxConnections, int publishPerSecond,
                      int idleTimeoutSeconds, int outboundQueueBytes, int maxChannelLength) {
    this(maxFrameBytes, maxSubscriptionsPerConnection, maxConnections, publishPerSecond, idleTimeoutSeconds,
      outboundQueueBytes, maxChannelLength, DEFAULT_REPLY_TIMEOUT_MS, DEFAULT_SLOW_CONSUMER_GRACE_MS);
  }
}
