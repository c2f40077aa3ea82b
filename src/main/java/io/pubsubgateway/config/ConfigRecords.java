package io.pubsubgateway.config;

import java.util.Locale;

import static io.pubsubgateway.config.ConfigSchema.CHANNELS;
import static io.pubsubgateway.config.ConfigSchema.DEMO_ENABLED;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_IDLE_TIMEOUT_SECONDS;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_MAX_CHANNEL_LENGTH;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_MAX_CONNECTIONS;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_MAX_CONNECTIONS_PER_USER;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_MAX_FRAME_BYTES;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_MAX_SUBSCRIPTIONS_PER_CONNECTION;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_OUTBOUND_QUEUE_BYTES;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_PUBLISH_PER_SECOND;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_REPLY_TIMEOUT_MS;
import static io.pubsubgateway.config.ConfigSchema.LIMITS_SLOW_CONSUMER_GRACE_MS;
import static io.pubsubgateway.config.ConfigSchema.LOGGING_FORMAT;

/**
 * Turns the merged, type-checked values into the typed, validated records, section by section:
 * {@code http}, {@code auth}, {@code cluster}, {@code limits}, {@code channels}, {@code api},
 * {@code metrics}, {@code logging}, {@code sockjs}, {@code demo}, {@code events}. The order is fixed, so of several
 * mistakes the same one is reported first.
 */
final class ConfigRecords {
  private ConfigRecords() {
  }

  static GatewayConfig build(ConfigValues v) {
    HttpConfig http = HttpSection.parse(v);
    AuthConfig auth = AuthSection.parse(v);
    ClusterConfig cluster = ClusterSection.parse(v);
    LimitsConfig limits = new LimitsConfig(v.get(LIMITS_MAX_FRAME_BYTES),
      v.get(LIMITS_MAX_SUBSCRIPTIONS_PER_CONNECTION), v.get(LIMITS_MAX_CONNECTIONS),
      v.get(LIMITS_PUBLISH_PER_SECOND), v.get(LIMITS_IDLE_TIMEOUT_SECONDS),
      v.get(LIMITS_OUTBOUND_QUEUE_BYTES), v.get(LIMITS_MAX_CHANNEL_LENGTH),
      v.get(LIMITS_REPLY_TIMEOUT_MS), v.get(LIMITS_SLOW_CONSUMER_GRACE_MS), v.get(LIMITS_MAX_CONNECTIONS_PER_USER));
    String path = http.path();
    return new GatewayConfig(http, auth, cluster, limits, ChannelsSection.parse(v.get(CHANNELS)),
      EndpointSections.api(v, path), EndpointSections.metrics(v, path), logging(v), EndpointSections.sockjs(v, path),
      v.get(DEMO_ENABLED), EventsSection.parse(v));
  }

  private static LoggingConfig logging(ConfigValues v) {
    String format = v.required(LOGGING_FORMAT).toLowerCase(Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw LOGGING_FORMAT.invalid("must be text or json, got " + format);
    }
    return new LoggingConfig(format.equals("json"));
  }
}
