package io.pubsubgateway.config;

/**
 * Turns the merged, type-checked values into the typed, validated records, section by section:
 * {@code http}, {@code auth}, {@code cluster}, {@code limits}, {@code channels}, {@code api},
 * {@code metrics}, {@code logging}, {@code sockjs}, {@code demo}. The order is fixed, so of several
 * mistakes the same one is reported first.
 */
final class ConfigRecords {
  private ConfigRecords() {
  }

  static GatewayConfig build(ConfigValues v) {
    HttpConfig http = HttpSection.parse(v);
    AuthConfig auth = AuthSection.parse(v);
    ClusterConfig cluster = ClusterSection.parse(v);
    LimitsConfig limits = new LimitsConfig(v.integer("limits.maxFrameBytes"),
      v.integer("limits.maxSubscriptionsPerConnection"), v.integer("limits.maxConnections"),
      v.integer("limits.publishPerSecond"), v.integer("limits.idleTimeoutSeconds"),
      v.integer("limits.outboundQueueBytes"), v.integer("limits.maxChannelLength"),
      v.integer("limits.replyTimeoutMs"));
    String path = http.path();
    return new GatewayConfig(http, auth, cluster, limits, ChannelsSection.parse(v.list(ConfigSchema.CHANNELS)),
      EndpointSections.api(v, path), EndpointSections.metrics(v, path), logging(v), EndpointSections.sockjs(v, path),
      v.bool("demo.enabled"));
  }

  private static LoggingConfig logging(ConfigValues v) {
    String format = v.required("logging.format").toLowerCase(java.util.Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("logging.format: must be text or json, got " + format);
    }
    return new LoggingConfig(format.equals("json"));
  }
}
