package io.pubsubgateway.config;

import io.vertx.core.json.JsonArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every configuration key with its type, default and bounds. A default is written once, as a
 * {@code DEFAULT_*} constant of its section's record ({@link HttpConfig#DEFAULT_PORT}); the table
 * here names it. The configuration reference ({@code src/docs/configuration.md}) and the comments of
 * {@code conf/gateway.yaml} follow this table.
 */
public final class ConfigSchema {

  /** Value types a key can have. */
  public enum Type { STRING, INT, BOOL, STRING_LIST, RULES }

  /** One key. {@code min}/{@code max} bound INT values. */
  public record Key(String path, Type type, Object defaultValue, long min, long max) {
    /** {@code GATEWAY_} + the path upper-cased, dots and camel-case humps turned into underscores. */
    public String envName() {
      return "GATEWAY_" + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The same without splitting camel case ({@code GATEWAY_HTTP_ALLOWEDORIGINS}), also accepted. */
    public String compactEnvName() {
      return "GATEWAY_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
    }
  }

  public static final String CHANNELS = "channels";

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  static {
    str("http.host", HttpConfig.DEFAULT_HOST);
    integer("http.port", HttpConfig.DEFAULT_PORT, 0, 65535);
    str("http.path", HttpConfig.DEFAULT_PATH);
    list("http.allowedOrigins", HttpConfig.DEFAULT_ALLOWED_ORIGINS);
    integer("http.instances", HttpConfig.DEFAULT_INSTANCES, 0, 256);
    bool("http.tls.enabled", TlsConfig.DEFAULT_ENABLED);
    str("http.tls.certFile", null);
    str("http.tls.keyFile", null);
    str("http.tls.keyStoreFile", null);
    str("http.tls.keyStorePassword", null);
    str("auth.jwt.algorithm", JwtConfig.DEFAULT_ALGORITHM);
    str("auth.jwt.secret", null);
    str("auth.jwt.secretFile", null);
    str("auth.jwt.publicKeyFile", null);
    str("auth.jwt.issuer", null);
    str("auth.jwt.audience", null);
    integer("auth.jwt.leewaySeconds", JwtConfig.DEFAULT_LEEWAY_SECONDS, 0, 3600);
    bool("auth.allowAnonymous", AuthConfig.DEFAULT_ALLOW_ANONYMOUS);
    bool("cluster.enabled", ClusterConfig.DEFAULT_ENABLED);
    str("cluster.hazelcastConfig", ClusterConfig.DEFAULT_HAZELCAST_CONFIG);
    str("cluster.host", ClusterConfig.DEFAULT_HOST);
    integer("cluster.port", ClusterConfig.DEFAULT_PORT, 0, 65535);
    str("cluster.name", null);
    str("cluster.addressPrefix", ClusterConfig.DEFAULT_ADDRESS_PREFIX);
    integer("cluster.minMembers", ClusterConfig.DEFAULT_MIN_MEMBERS, 1, ClusterConfig.MAX_MIN_MEMBERS);
    integer("limits.maxFrameBytes", LimitsConfig.DEFAULT_MAX_FRAME_BYTES, 256, 16 * 1024 * 1024);
    integer("limits.maxSubscriptionsPerConnection", LimitsConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION, 1, 1_000_000);
    integer("limits.maxConnections", LimitsConfig.DEFAULT_MAX_CONNECTIONS, 1, 10_000_000);
    integer("limits.publishPerSecond", LimitsConfig.DEFAULT_PUBLISH_PER_SECOND, 0, 100_000_000);
    integer("limits.idleTimeoutSeconds", LimitsConfig.DEFAULT_IDLE_TIMEOUT_SECONDS, 0, 86400);
    integer("limits.outboundQueueBytes", LimitsConfig.DEFAULT_OUTBOUND_QUEUE_BYTES, 4096, 1024 * 1024 * 1024);
    integer("limits.maxChannelLength", LimitsConfig.DEFAULT_MAX_CHANNEL_LENGTH, 1, 1024);
    integer("limits.replyTimeoutMs", LimitsConfig.DEFAULT_REPLY_TIMEOUT_MS, 100, 600_000);
    bool("sockjs.enabled", SockJsConfig.DEFAULT_ENABLED);
    str("sockjs.path", SockJsConfig.DEFAULT_PATH);
    bool("demo.enabled", GatewayConfig.DEFAULT_DEMO);
    bool("api.enabled", ApiConfig.DEFAULT_ENABLED);
    list("api.keys", ApiConfig.DEFAULT_KEYS);
    integer("api.maxBodyBytes", ApiConfig.DEFAULT_MAX_BODY_BYTES, 1024, 64 * 1024 * 1024);
    integer("api.clusterTimeoutMs", ApiConfig.DEFAULT_CLUSTER_TIMEOUT_MS, 100, 60_000);
    bool("metrics.enabled", MetricsConfig.DEFAULT_ENABLED);
    str("metrics.path", MetricsConfig.DEFAULT_PATH);
    bool("metrics.vertx", MetricsConfig.DEFAULT_VERTX);
    str("logging.format", LoggingConfig.DEFAULT_FORMAT);
    KEYS.put(CHANNELS, new Key(CHANNELS, Type.RULES, new JsonArray(), 0, 0));
  }

  private ConfigSchema() {
  }

  private static void str(String path, String def) {
    KEYS.put(path, new Key(path, Type.STRING, def, 0, 0));
  }

  private static void integer(String path, int def, long min, long max) {
    KEYS.put(path, new Key(path, Type.INT, def, min, max));
  }

  private static void bool(String path, boolean def) {
    KEYS.put(path, new Key(path, Type.BOOL, def, 0, 0));
  }

  private static void list(String path, List<String> def) {
    KEYS.put(path, new Key(path, Type.STRING_LIST, new JsonArray(def), 0, 0));
  }

  /** All keys, in documentation order. */
  public static Map<String, Key> keys() {
    return Collections.unmodifiableMap(KEYS);
  }

  /** The key for a dotted path, or null. */
  public static Key key(String path) {
    return KEYS.get(path);
  }

  /** True when {@code path} is a proper prefix of some key (a section such as {@code auth.jwt}). */
  public static boolean isSection(String path) {
    String prefix = path + ".";
    for (String k : KEYS.keySet()) {
      if (k.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
