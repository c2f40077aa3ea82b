package io.pubsubgateway.config;

import io.vertx.core.json.JsonArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every configuration key with its type, default and bounds: the one place defaults live. The
 * configuration reference ({@code src/docs/configuration.md}) and the comments of
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
    str("http.host", "127.0.0.1");
    integer("http.port", 8080, 0, 65535);
    str("http.path", "/ws");
    list("http.allowedOrigins", List.of("*"));
    integer("http.instances", 0, 0, 256);
    bool("http.tls.enabled", false);
    str("http.tls.certFile", null);
    str("http.tls.keyFile", null);
    str("http.tls.keyStoreFile", null);
    str("http.tls.keyStorePassword", null);
    str("auth.jwt.algorithm", "HS256");
    str("auth.jwt.secret", null);
    str("auth.jwt.secretFile", null);
    str("auth.jwt.publicKeyFile", null);
    str("auth.jwt.issuer", null);
    str("auth.jwt.audience", null);
    integer("auth.jwt.leewaySeconds", 5, 0, 3600);
    bool("auth.allowAnonymous", false);
    bool("cluster.enabled", true);
    str("cluster.hazelcastConfig", "conf/cluster.xml");
    str("cluster.host", "127.0.0.1");
    integer("cluster.port", 0, 0, 65535);
    str("cluster.name", null);
    str("cluster.addressPrefix", "");
    integer("cluster.minMembers", ClusterConfig.DEFAULT_MIN_MEMBERS, 1, ClusterConfig.MAX_MIN_MEMBERS);
    integer("limits.maxFrameBytes", 65536, 256, 16 * 1024 * 1024);
    integer("limits.maxSubscriptionsPerConnection", 128, 1, 1_000_000);
    integer("limits.maxConnections", 10000, 1, 10_000_000);
    integer("limits.publishPerSecond", 1000, 0, 100_000_000);
    integer("limits.idleTimeoutSeconds", 60, 0, 86400);
    integer("limits.outboundQueueBytes", 1024 * 1024, 4096, 1024 * 1024 * 1024);
    integer("limits.maxChannelLength", 255, 1, 1024);
    integer("limits.replyTimeoutMs", LimitsConfig.DEFAULT_REPLY_TIMEOUT_MS, 100, 600_000);
    bool("sockjs.enabled", true);
    str("sockjs.path", "/eventbus");
    bool("demo.enabled", false);
    bool("api.enabled", false);
    list("api.keys", List.of());
    integer("api.maxBodyBytes", 1024 * 1024, 1024, 64 * 1024 * 1024);
    integer("api.clusterTimeoutMs", 3000, 100, 60_000);
    bool("metrics.enabled", true);
    str("metrics.path", "/metrics");
    bool("metrics.vertx", true);
    str("logging.format", "text");
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
