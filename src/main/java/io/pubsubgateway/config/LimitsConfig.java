package io.pubsubgateway.config;

/** The {@code limits.*} keys; 0 disables a rate or timeout. */
public record LimitsConfig(int maxFrameBytes, int maxSubscriptionsPerConnection, int maxConnections,
                           int publishPerSecond, int idleTimeoutSeconds, int outboundQueueBytes,
                           int maxChannelLength) {
}
