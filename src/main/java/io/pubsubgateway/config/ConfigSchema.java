package io.pubsubgateway.config;

import io.pubsubgateway.channel.Hook;
import io.vertx.core.json.JsonArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every configuration key with its type, default and bounds, each declared once as a typed
 * constant ({@link #LIMITS_MAX_FRAME_BYTES}) that the section parsers read through
 * {@link ConfigValues#get}: a misspelt key does not compile. A default is written once, as a
 * {@code DEFAULT_*} constant of its section's record ({@link HttpConfig#DEFAULT_PORT}); the
 * declaration here names it. The configuration reference ({@code src/docs/configuration.md}) and
 * the comments of {@code conf/gateway.yaml} follow this table.
 */
public final class ConfigSchema {

  /** Value types a key can have. */
  public enum Type { STRING, INT, BOOL, STRING_LIST, RULES }

  /**
   * One key; {@code T} is the Java type of its value ({@code String}, {@code Integer},
   * {@code Boolean}, {@code JsonArray} for lists), which the loader's type check guarantees.
   * {@code min}/{@code max} bound INT values.
   */
  public record Key<T>(String path, Type type, T defaultValue, long min, long max) {
    /** {@code GATEWAY_} + the path upper-cased, dots and camel-case humps turned into underscores. */
    public String envName() {
      return "GATEWAY_" + path.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** The same without splitting camel case ({@code GATEWAY_HTTP_ALLOWEDORIGINS}), also accepted. */
    public String compactEnvName() {
      return "GATEWAY_" + path.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** A configuration error about this key: {@code path: problem}. */
    ConfigException invalid(String problem) {
      return new ConfigException(path + ": " + problem);
    }
  }

  // Initialised before the keys below: each declaration adds itself, in this (documentation) order.
  private static final Map<String, Key<?>> KEYS = new LinkedHashMap<>();

  public static final Key<String> HTTP_HOST = str("http.host", HttpConfig.DEFAULT_HOST);
  public static final Key<Integer> HTTP_PORT = integer("http.port", HttpConfig.DEFAULT_PORT, 0, 65535);
  public static final Key<String> HTTP_PATH = str("http.path", HttpConfig.DEFAULT_PATH);
  public static final Key<JsonArray> HTTP_ALLOWED_ORIGINS = list("http.allowedOrigins",
    HttpConfig.DEFAULT_ALLOWED_ORIGINS);
  public static final Key<Integer> HTTP_INSTANCES = integer("http.instances", HttpConfig.DEFAULT_INSTANCES, 0, 256);
  public static final Key<Boolean> HTTP_TLS_ENABLED = bool("http.tls.enabled", TlsConfig.DEFAULT_ENABLED);
  public static final Key<String> HTTP_TLS_CERT_FILE = str("http.tls.certFile");
  public static final Key<String> HTTP_TLS_KEY_FILE = str("http.tls.keyFile");
  public static final Key<String> HTTP_TLS_KEY_STORE_FILE = str("http.tls.keyStoreFile");
  public static final Key<String> HTTP_TLS_KEY_STORE_PASSWORD = str("http.tls.keyStorePassword");
  public static final Key<String> AUTH_JWT_ALGORITHM = str("auth.jwt.algorithm", JwtConfig.DEFAULT_ALGORITHM);
  public static final Key<String> AUTH_JWT_SECRET = str("auth.jwt.secret");
  public static final Key<String> AUTH_JWT_SECRET_FILE = str("auth.jwt.secretFile");
  public static final Key<String> AUTH_JWT_PUBLIC_KEY_FILE = str("auth.jwt.publicKeyFile");
  public static final Key<String> AUTH_JWT_ISSUER = str("auth.jwt.issuer");
  public static final Key<String> AUTH_JWT_AUDIENCE = str("auth.jwt.audience");
  public static final Key<Integer> AUTH_JWT_LEEWAY_SECONDS = integer("auth.jwt.leewaySeconds",
    JwtConfig.DEFAULT_LEEWAY_SECONDS, 0, 3600);
  public static final Key<Boolean> AUTH_ALLOW_ANONYMOUS = bool("auth.allowAnonymous",
    AuthConfig.DEFAULT_ALLOW_ANONYMOUS);
  public static final Key<String> AUTH_CONNECT_HOOK = str("auth.connectHook");
  public static final Key<Integer> AUTH_CONNECT_HOOK_TIMEOUT_MS = integer("auth.connectHookTimeoutMs",
    AuthConfig.DEFAULT_CONNECT_HOOK_TIMEOUT_MS, Hook.MIN_TIMEOUT_MS, Hook.MAX_TIMEOUT_MS);
  public static final Key<String> AUTH_CONNECT_HOOK_FAILURE = str("auth.connectHookFailure",
    AuthConfig.DEFAULT_CONNECT_HOOK_FAILURE);
  public static final Key<Boolean> CLUSTER_ENABLED = bool("cluster.enabled", ClusterConfig.DEFAULT_ENABLED);
  public static final Key<String> CLUSTER_HAZELCAST_CONFIG = str("cluster.hazelcastConfig",
    ClusterConfig.DEFAULT_HAZELCAST_CONFIG);
  public static final Key<String> CLUSTER_HOST = str("cluster.host", ClusterConfig.DEFAULT_HOST);
  public static final Key<Integer> CLUSTER_PORT = integer("cluster.port", ClusterConfig.DEFAULT_PORT, 0, 65535);
  public static final Key<String> CLUSTER_NAME = str("cluster.name");
  public static final Key<String> CLUSTER_ADDRESS_PREFIX = str("cluster.addressPrefix",
    ClusterConfig.DEFAULT_ADDRESS_PREFIX);
  public static final Key<Integer> CLUSTER_MIN_MEMBERS = integer("cluster.minMembers",
    ClusterConfig.DEFAULT_MIN_MEMBERS, 1, ClusterConfig.MAX_MIN_MEMBERS);
  public static final Key<Integer> CLUSTER_GAP_WAIT_MS = integer("cluster.gapWaitMs", ClusterConfig.DEFAULT_GAP_WAIT_MS,
    0, 60_000);
  public static final Key<Integer> LIMITS_MAX_FRAME_BYTES = integer("limits.maxFrameBytes",
    LimitsConfig.DEFAULT_MAX_FRAME_BYTES, 256, 16 * 1024 * 1024);
  public static final Key<Integer> LIMITS_MAX_SUBSCRIPTIONS_PER_CONNECTION = integer(
    "limits.maxSubscriptionsPerConnection", LimitsConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_CONNECTION, 1, 1_000_000);
  public static final Key<Integer> LIMITS_MAX_CONNECTIONS = integer("limits.maxConnections",
    LimitsConfig.DEFAULT_MAX_CONNECTIONS, 1, 10_000_000);
  public static final Key<Integer> LIMITS_PUBLISH_PER_SECOND = integer("limits.publishPerSecond",
    LimitsConfig.DEFAULT_PUBLISH_PER_SECOND, 0, 100_000_000);
  public static final Key<Integer> LIMITS_IDLE_TIMEOUT_SECONDS = integer("limits.idleTimeoutSeconds",
    LimitsConfig.DEFAULT_IDLE_TIMEOUT_SECONDS, 0, 86400);
  public static final Key<Integer> LIMITS_OUTBOUND_QUEUE_BYTES = integer("limits.outboundQueueBytes",
    LimitsConfig.DEFAULT_OUTBOUND_QUEUE_BYTES, 4096, 1024 * 1024 * 1024);
  public static final Key<Integer> LIMITS_MAX_CHANNEL_LENGTH = integer("limits.maxChannelLength",
    LimitsConfig.DEFAULT_MAX_CHANNEL_LENGTH, 1, 1024);
  public static final Key<Integer> LIMITS_REPLY_TIMEOUT_MS = integer("limits.replyTimeoutMs",
    LimitsConfig.DEFAULT_REPLY_TIMEOUT_MS, 100, 600_000);
  public static final Key<Integer> LIMITS_SLOW_CONSUMER_GRACE_MS = integer("limits.slowConsumerGraceMs",
    LimitsConfig.DEFAULT_SLOW_CONSUMER_GRACE_MS, 0, 600_000);
  public static final Key<Integer> LIMITS_MAX_CONNECTIONS_PER_USER = integer("limits.maxConnectionsPerUser",
    LimitsConfig.DEFAULT_MAX_CONNECTIONS_PER_USER, 0, 10_000_000);
  public static final Key<Boolean> SOCKJS_ENABLED = bool("sockjs.enabled", SockJsConfig.DEFAULT_ENABLED);
  public static final Key<String> SOCKJS_PATH = str("sockjs.path", SockJsConfig.DEFAULT_PATH);
  public static final Key<Boolean> DEMO_ENABLED = bool("demo.enabled", GatewayConfig.DEFAULT_DEMO);
  public static final Key<Boolean> API_ENABLED = bool("api.enabled", ApiConfig.DEFAULT_ENABLED);
  public static final Key<JsonArray> API_KEYS = list("api.keys", ApiConfig.DEFAULT_KEYS);
  public static final Key<Integer> API_MAX_BODY_BYTES = integer("api.maxBodyBytes", ApiConfig.DEFAULT_MAX_BODY_BYTES,
    1024, 64 * 1024 * 1024);
  public static final Key<Integer> API_CLUSTER_TIMEOUT_MS = integer("api.clusterTimeoutMs",
    ApiConfig.DEFAULT_CLUSTER_TIMEOUT_MS, 100, 60_000);
  public static final Key<Boolean> METRICS_ENABLED = bool("metrics.enabled", MetricsConfig.DEFAULT_ENABLED);
  public static final Key<String> METRICS_PATH = str("metrics.path", MetricsConfig.DEFAULT_PATH);
  public static final Key<Boolean> METRICS_VERTX = bool("metrics.vertx", MetricsConfig.DEFAULT_VERTX);
  public static final Key<String> EVENTS_ADDRESS = str("events.address");
  public static final Key<String> EVENTS_WEBHOOK_URL = str("events.webhook.url");
  public static final Key<String> EVENTS_WEBHOOK_SECRET = str("events.webhook.secret");
  public static final Key<String> EVENTS_WEBHOOK_SECRET_FILE = str("events.webhook.secretFile");
  public static final Key<Integer> EVENTS_WEBHOOK_QUEUE_SIZE = integer("events.webhook.queueSize",
    WebhookConfig.DEFAULT_QUEUE_SIZE, 1, 10_000_000);
  public static final Key<Integer> EVENTS_WEBHOOK_BATCH_SIZE = integer("events.webhook.batchSize",
    WebhookConfig.DEFAULT_BATCH_SIZE, 1, 10_000);
  public static final Key<Integer> EVENTS_WEBHOOK_BATCH_DELAY_MS = integer("events.webhook.batchDelayMs",
    WebhookConfig.DEFAULT_BATCH_DELAY_MS, 0, 60_000);
  public static final Key<Integer> EVENTS_WEBHOOK_TIMEOUT_MS = integer("events.webhook.timeoutMs",
    WebhookConfig.DEFAULT_TIMEOUT_MS, 100, 600_000);
  public static final Key<Integer> EVENTS_WEBHOOK_MAX_ATTEMPTS = integer("events.webhook.maxAttempts",
    WebhookConfig.DEFAULT_MAX_ATTEMPTS, 1, 100);
  public static final Key<Integer> EVENTS_WEBHOOK_RETRY_DELAY_MS = integer("events.webhook.retryDelayMs",
    WebhookConfig.DEFAULT_RETRY_DELAY_MS, 1, 600_000);
  public static final Key<Integer> EVENTS_WEBHOOK_MAX_RETRY_DELAY_MS = integer("events.webhook.maxRetryDelayMs",
    WebhookConfig.DEFAULT_MAX_RETRY_DELAY_MS, 1, 3_600_000);
  public static final Key<String> LOGGING_FORMAT = str("logging.format", LoggingConfig.DEFAULT_FORMAT);
  /** The channel rules: a list of objects, only in the file ({@link ChannelsSection} checks each). */
  public static final Key<JsonArray> CHANNELS = add(new Key<>("channels", Type.RULES, new JsonArray(), 0, 0));

  private ConfigSchema() {
  }

  /** A string key without a default (null when not set). */
  private static Key<String> str(String path) {
    return str(path, null);
  }

  private static Key<String> str(String path, String def) {
    return add(new Key<>(path, Type.STRING, def, 0, 0));
  }

  private static Key<Integer> integer(String path, int def, long min, long max) {
    return add(new Key<>(path, Type.INT, def, min, max));
  }

  private static Key<Boolean> bool(String path, boolean def) {
    return add(new Key<>(path, Type.BOOL, def, 0, 0));
  }

  private static Key<JsonArray> list(String path, List<String> def) {
    return add(new Key<>(path, Type.STRING_LIST, new JsonArray(def), 0, 0));
  }

  private static <T> Key<T> add(Key<T> key) {
    if (KEYS.putIfAbsent(key.path(), key) != null) {
      throw new IllegalStateException("config key declared twice: " + key.path());
    }
    return key;
  }

  /** All keys, in documentation order. */
  public static Map<String, Key<?>> keys() {
    return Collections.unmodifiableMap(KEYS);
  }

  /** The key for a dotted path, or null. */
  public static Key<?> key(String path) {
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
