package io.pubsubgateway.config;

import io.pubsubgateway.channel.ChannelRule;

import java.util.List;

/** The whole, validated configuration of a node. Immutable. */
public record GatewayConfig(HttpConfig http, AuthConfig auth, ClusterConfig cluster, LimitsConfig limits,
                            List<ChannelRule> channels, ApiConfig api, MetricsConfig metrics, LoggingConfig logging,
                            SockJsConfig sockjs, boolean demo,
                            EventsConfig events) {
  /** {@code demo.enabled}: the demo signs tokens for anyone, so it is off unless asked for. */
  public static final boolean DEFAULT_DEMO = false;
}
