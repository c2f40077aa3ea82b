package io.pubsubgateway.config;

import io.pubsubgateway.channel.Access;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.channel.ChannelRule;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Loads the configuration: defaults (from {@link ConfigSchema}) &lt; the YAML file &lt;
 * {@code GATEWAY_*} environment variables &lt; {@code --set key.path=value}. The file is read with
 * vertx-config's YAML store; every layer is checked against the schema, so an unknown key or a
 * wrong type fails with a {@link ConfigException} naming the key and where it came from.
 */
public final class ConfigLoader {
  public static final String DEFAULT_FILE = "conf/gateway.yaml";
  private static final Set<String> ALGORITHMS = Set.of("HS256", "RS256", "ES256");
  private static final int MIN_SECRET_BYTES = 32;

  private ConfigLoader() {
  }

  /** Reads {@code file} and applies the overrides; fails with a {@link ConfigException}. */
  public static Future<GatewayConfig> load(Vertx vertx, String file, Map<String, String> env, List<String> sets) {
    return readYaml(vertx, file).map(json -> build(json, file, env, sets));
  }

  /** Builds a configuration from an already parsed file tree and the overrides. */
  public static GatewayConfig build(JsonObject fileTree, String source, Map<String, String> env, List<String> sets) {
    Map<String, Object> values = new LinkedHashMap<>();
    ConfigSchema.keys().values().forEach(k -> values.put(k.path(), k.defaultValue()));
    walk(fileTree, "", values, "in " + source);
    applyEnv(env, values);
    applySets(sets, values);
    return toRecords(values);
  }

  private static Future<JsonObject> readYaml(Vertx vertx, String file) {
    if (!Files.isReadable(Path.of(file))) {
      return Future.failedFuture(new ConfigException("config file " + file + ": cannot read (missing or not readable)"));
    }
    ConfigStoreOptions store = new ConfigStoreOptions().setType("file").setFormat("yaml")
      .setConfig(new JsonObject().put("path", file));
    ConfigRetriever retriever = ConfigRetriever.create(vertx,
      new ConfigRetrieverOptions().setIncludeDefaultStores(false).setScanPeriod(-1).addStore(store));
    return retriever.getConfig()
      .eventually(() -> {
        retriever.close();
        return Future.succeededFuture();
      })
      .recover(err -> Future.failedFuture(new ConfigException("config file " + file + ": cannot parse YAML: "
        + (ConfigException.root(err) instanceof ClassCastException ? "the top level must be a mapping of keys"
        : ConfigException.rootMessage(err)))));
  }

  private static void walk(JsonObject tree, String prefix, Map<String, Object> values, String source) {
    for (Map.Entry<String, Object> e : tree) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      ConfigSchema.Key key = ConfigSchema.key(path);
      if (key != null) {
        values.put(path, checkType(key, e.getValue(), source));
      } else if (e.getValue() instanceof JsonObject section && ConfigSchema.isSection(path)) {
        walk(section, path, values, source);
      } else if (e.getValue() == null && ConfigSchema.isSection(path)) {
        // an empty section ("limits:" with nothing below) keeps its defaults
      } else {
        throw new ConfigException(path + ": unknown key " + source);
      }
    }
  }

  private static Object checkType(ConfigSchema.Key key, Object value, String source) {
    if (value == null) {
      return key.defaultValue();
    }
    switch (key.type()) {
      case STRING:
        if (value instanceof String) {
          return value;
        }
        throw typeError(key, "a string", value, source);
      case INT:
        if (value instanceof Integer || value instanceof Long) {
          return checkBounds(key, ((Number) value).longValue(), source);
        }
        throw typeError(key, "an integer", value, source);
      case BOOL:
        if (value instanceof Boolean) {
          return value;
        }
        throw typeError(key, "true or false", value, source);
      case STRING_LIST:
        if (value instanceof JsonArray list && list.stream().allMatch(v -> v instanceof String)) {
          return list;
        }
        throw typeError(key, "a list of strings", value, source);
      case RULES:
        if (value instanceof JsonArray list) {
          return list;
        }
        throw typeError(key, "a list of rules", value, source);
      default:
        throw new IllegalStateException(key.type().name());
    }
  }

  private static int checkBounds(ConfigSchema.Key key, long v, String source) {
    if (v < key.min() || v > key.max()) {
      throw new ConfigException(key.path() + ": must be between " + key.min() + " and " + key.max()
        + ", got " + v + " " + source);
    }
    return (int) v;
  }

  private static ConfigException typeError(ConfigSchema.Key key, String expected, Object value, String source) {
    String kind = value instanceof String ? "string \"" + value + "\"" : value.getClass().getSimpleName()
      .replace("JsonObject", "object").replace("JsonArray", "list").toLowerCase(Locale.ROOT) + " " + value;
    return new ConfigException(key.path() + ": expected " + expected + ", got " + kind + " " + source);
  }

  private static void applyEnv(Map<String, String> env, Map<String, Object> values) {
    Map<String, ConfigSchema.Key> byEnv = new HashMap<>();
    for (ConfigSchema.Key k : ConfigSchema.keys().values()) {
      byEnv.put(k.envName(), k);
      byEnv.put(k.compactEnvName(), k);
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith("GATEWAY_")) {
        continue;
      }
      ConfigSchema.Key key = byEnv.get(e.getKey());
      if (key == null) {
        throw new ConfigException("environment variable " + e.getKey() + ": no such config key");
      }
      values.put(key.path(), parseText(key, e.getValue(), "from environment variable " + e.getKey()));
    }
  }

  private static void applySets(List<String> sets, Map<String, Object> values) {
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set " + set + ": expected key.path=value");
      }
      String path = set.substring(0, eq).trim();
      ConfigSchema.Key key = ConfigSchema.key(path);
      if (key == null) {
        throw new ConfigException(path + ": unknown key (from --set)");
      }
      values.put(path, parseText(key, set.substring(eq + 1), "from --set"));
    }
  }

  /** Parses a value given as text (environment or command line); lists are comma-separated. */
  private static Object parseText(ConfigSchema.Key key, String text, String source) {
    String t = text.trim();
    switch (key.type()) {
      case STRING:
        return t.isEmpty() ? null : t;
      case INT:
        try {
          return checkBounds(key, Long.parseLong(t), source);
        } catch (NumberFormatException e) {
          throw typeError(key, "an integer", text, source);
        }
      case BOOL:
        if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
          return Boolean.parseBoolean(t);
        }
        throw typeError(key, "true or false", text, source);
      case STRING_LIST:
        JsonArray list = new JsonArray();
        for (String part : t.split(",")) {
          if (!part.isBlank()) {
            list.add(part.trim());
          }
        }
        return list;
      default:
        throw new ConfigException(key.path() + ": can only be set in the config file, not " + source);
    }
  }

  private static GatewayConfig toRecords(Map<String, Object> v) {
    String path = str(v, "http.path");
    if (path == null || !path.startsWith("/")) {
      throw new ConfigException("http.path: must start with '/', got " + path);
    }
    HttpConfig http = new HttpConfig(required(v, "http.host"), (Integer) v.get("http.port"), path,
      strings(v, "http.allowedOrigins"), (Integer) v.get("http.instances"), tls(v));
    AuthConfig auth = new AuthConfig(jwt(v), (Boolean) v.get("auth.allowAnonymous"));
    boolean clustered = (Boolean) v.get("cluster.enabled");
    String hzConfig = required(v, "cluster.hazelcastConfig");
    if (clustered && !Files.isReadable(Path.of(hzConfig))) {
      throw new ConfigException("cluster.hazelcastConfig: cannot read " + hzConfig);
    }
    String prefix = str(v, "cluster.addressPrefix");
    ClusterConfig cluster = new ClusterConfig(clustered, hzConfig, required(v, "cluster.host"),
      (Integer) v.get("cluster.port"), str(v, "cluster.name"), prefix == null ? "" : prefix,
      (Integer) v.get("cluster.minMembers"));
    if (!clustered && cluster.minMembers() > 1) {
      throw new ConfigException("cluster.minMembers: must be 1 when cluster.enabled is false (a standalone node is "
        + "its own quorum), got " + cluster.minMembers());
    }
    LimitsConfig limits = new LimitsConfig((Integer) v.get("limits.maxFrameBytes"),
      (Integer) v.get("limits.maxSubscriptionsPerConnection"), (Integer) v.get("limits.maxConnections"),
      (Integer) v.get("limits.publishPerSecond"), (Integer) v.get("limits.idleTimeoutSeconds"),
      (Integer) v.get("limits.outboundQueueBytes"), (Integer) v.get("limits.maxChannelLength"),
      (Integer) v.get("limits.replyTimeoutMs"));
    return new GatewayConfig(http, auth, cluster, limits, rules((JsonArray) v.get(ConfigSchema.CHANNELS)),
      api(v, path), metrics(v, path), logging(v), sockjs(v, path), (Boolean) v.get("demo.enabled"));
  }

  private static ApiConfig api(Map<String, Object> v, String wsPath) {
    boolean enabled = (Boolean) v.get("api.enabled");
    List<String> keys = strings(v, "api.keys");
    if (enabled && keys.isEmpty()) {
      throw new ConfigException("api.keys: at least one key is needed when api.enabled is true");
    }
    for (String key : keys) {
      if (key.length() < ApiConfig.MIN_KEY_LENGTH) {
        throw new ConfigException("api.keys: each key must be at least " + ApiConfig.MIN_KEY_LENGTH
          + " characters (got one of " + key.length() + ")");
      }
    }
    if (enabled && (wsPath.equals("/api") || wsPath.startsWith("/api/"))) {
      throw new ConfigException("http.path: " + wsPath + " collides with the server API under /api");
    }
    return new ApiConfig(enabled, keys, (Integer) v.get("api.maxBodyBytes"), (Integer) v.get("api.clusterTimeoutMs"));
  }

  private static MetricsConfig metrics(Map<String, Object> v, String wsPath) {
    String path = required(v, "metrics.path");
    if (!path.startsWith("/") || path.startsWith("/api/") || path.startsWith("/health/") || path.equals(wsPath)) {
      throw new ConfigException("metrics.path: must start with '/' and differ from http.path, /api and /health, got "
        + path);
    }
    return new MetricsConfig((Boolean) v.get("metrics.enabled"), path, (Boolean) v.get("metrics.vertx"));
  }

  private static SockJsConfig sockjs(Map<String, Object> v, String wsPath) {
    String path = required(v, "sockjs.path");
    if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.equals(wsPath)
      || path.startsWith(wsPath + "/") || List.of("/api", "/health", "/metrics", "/sdk", "/demo").stream()
      .anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
      throw new ConfigException("sockjs.path: must start with '/', not end with one, and differ from http.path,"
        + " /api, /health, /metrics, /sdk and /demo, got " + path);
    }
    return new SockJsConfig((Boolean) v.get("sockjs.enabled"), path);
  }

  private static LoggingConfig logging(Map<String, Object> v) {
    String format = required(v, "logging.format").toLowerCase(java.util.Locale.ROOT);
    if (!format.equals("text") && !format.equals("json")) {
      throw new ConfigException("logging.format: must be text or json, got " + format);
    }
    return new LoggingConfig(format.equals("json"));
  }

  private static TlsConfig tls(Map<String, Object> v) {
    String cert = str(v, "http.tls.certFile");
    String key = str(v, "http.tls.keyFile");
    String store = str(v, "http.tls.keyStoreFile");
    String password = str(v, "http.tls.keyStorePassword");
    if (!(Boolean) v.get("http.tls.enabled")) {
      return new TlsConfig(false, cert, key, store, password);
    }
    boolean pem = cert != null || key != null;
    if (pem && store != null) {
      throw new ConfigException("http.tls.keyStoreFile: set either the PEM pair (http.tls.certFile, http.tls.keyFile)"
        + " or a keystore (http.tls.keyStoreFile), not both");
    }
    if (!pem && store == null) {
      throw new ConfigException("http.tls.certFile: missing: http.tls.enabled needs a PEM certificate and key"
        + " (http.tls.certFile, http.tls.keyFile) or a keystore (http.tls.keyStoreFile)");
    }
    if (pem && cert == null) {
      throw new ConfigException("http.tls.certFile: missing: http.tls.keyFile needs its PEM certificate chain");
    }
    if (pem && key == null) {
      throw new ConfigException("http.tls.keyFile: missing: http.tls.certFile needs its PEM private key");
    }
    if (store != null && password == null) {
      throw new ConfigException("http.tls.keyStorePassword: missing: the keystore http.tls.keyStoreFile needs its password");
    }
    if (pem) {
      checkReadable("http.tls.certFile", cert);
      checkReadable("http.tls.keyFile", key);
    } else {
      checkReadable("http.tls.keyStoreFile", store);
    }
    return new TlsConfig(true, cert, key, store, password);
  }

  private static void checkReadable(String key, String file) {
    Path path = Path.of(file);
    if (!Files.exists(path)) {
      throw new ConfigException(key + ": " + file + " does not exist");
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(key + ": cannot read " + file + " (not a readable file)");
    }
  }

  private static JwtConfig jwt(Map<String, Object> v) {
    String algorithm = required(v, "auth.jwt.algorithm");
    if (!ALGORITHMS.contains(algorithm)) {
      throw new ConfigException("auth.jwt.algorithm: must be one of HS256, RS256, ES256, got " + algorithm);
    }
    String secret = null;
    String publicKey = null;
    if (algorithm.equals("HS256")) {
      secret = secret(v);
    } else {
      String keyFile = str(v, "auth.jwt.publicKeyFile");
      if (keyFile == null) {
        throw new ConfigException("auth.jwt.publicKeyFile: missing: " + algorithm + " needs a PEM public key file");
      }
      publicKey = readFile("auth.jwt.publicKeyFile", keyFile);
      if (!publicKey.contains("-----BEGIN PUBLIC KEY-----")) {
        throw new ConfigException("auth.jwt.publicKeyFile: " + keyFile + " holds no PEM public key (BEGIN PUBLIC KEY)");
      }
    }
    return new JwtConfig(algorithm, secret, publicKey, str(v, "auth.jwt.issuer"), str(v, "auth.jwt.audience"),
      (Integer) v.get("auth.jwt.leewaySeconds"));
  }

  private static String secret(Map<String, Object> v) {
    String secret = str(v, "auth.jwt.secret");
    String file = str(v, "auth.jwt.secretFile");
    String key = "auth.jwt.secret";
    if (secret != null && file != null) {
      throw new ConfigException("auth.jwt.secret: set either auth.jwt.secret or auth.jwt.secretFile, not both");
    }
    if (file != null) {
      key = "auth.jwt.secretFile";
      try {
        secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      } catch (NoSuchFileException e) {
        throw new ConfigException("auth.jwt.secretFile: " + file + " does not exist"
          + " (scripts/start-node.sh creates a random dev secret there on first start)");
      } catch (IOException e) {
        throw new ConfigException("auth.jwt.secretFile: cannot read " + file + ": " + e.getMessage());
      }
    }
    if (secret == null || secret.isEmpty()) {
      throw new ConfigException("auth.jwt.secret: missing: HS256 needs auth.jwt.secret or auth.jwt.secretFile");
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES || secret.chars().distinct().count() < 8) {
      throw new ConfigException(key + ": an HS256 secret must be at least " + MIN_SECRET_BYTES
        + " bytes of random text (refusing a short or placeholder secret)");
    }
    return secret;
  }

  private static List<ChannelRule> rules(JsonArray list) {
    List<ChannelRule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = ConfigSchema.CHANNELS + "[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject rule)) {
        throw new ConfigException(at + ": expected a rule object {pattern, subscribe, publish}");
      }
      for (String field : rule.fieldNames()) {
        if (!RULE_FIELDS.contains(field)) {
          throw new ConfigException(at + "." + field + ": unknown key");
        }
      }
      if (!(rule.getValue("pattern") instanceof String pattern) || pattern.isEmpty()) {
        throw new ConfigException(at + ".pattern: missing or not a string");
      }
      rules.add(new ChannelRule(ChannelPattern.of(pattern), access(rule, "subscribe", at), access(rule, "publish", at),
        options(rule, i, at)));
    }
    return List.copyOf(rules);
  }

  private static final Set<String> RULE_FIELDS = Set.of("pattern", "subscribe", "publish", "presence", "joinLeave",
    "history", "recovery");
  /** Upper bound of history.size: a ringbuffer of this many messages per channel. */
  static final int MAX_HISTORY_SIZE = 100_000;

  private static ChannelOptions options(JsonObject rule, int index, String at) {
    boolean presence = flag(rule, "presence", at);
    boolean joinLeave = flag(rule, "joinLeave", at);
    boolean recovery = flag(rule, "recovery", at);
    int size = 0;
    int ttl = 0;
    Object history = rule.getValue("history");
    if (history != null) {
      if (!(history instanceof JsonObject h)) {
        throw new ConfigException(at + ".history: expected {size, ttl}");
      }
      for (String field : h.fieldNames()) {
        if (!field.equals("size") && !field.equals("ttl")) {
          throw new ConfigException(at + ".history." + field + ": unknown key");
        }
      }
      Object sizeValue = h.getValue("size");
      if (!(sizeValue instanceof Integer || sizeValue instanceof Long) || ((Number) sizeValue).longValue() < 0
        || ((Number) sizeValue).longValue() > MAX_HISTORY_SIZE) {
        throw new ConfigException(at + ".history.size: must be an integer between 0 and " + MAX_HISTORY_SIZE
          + ", got " + sizeValue);
      }
      size = ((Number) sizeValue).intValue();
      if (size > 0) {
        ttl = Durations.seconds(h.getValue("ttl"), at + ".history.ttl");
      }
    }
    if (recovery && size == 0) {
      throw new ConfigException(at + ".recovery: needs history (history.size > 0 and history.ttl)");
    }
    if (!presence && !joinLeave && size == 0) {
      return ChannelOptions.NONE;
    }
    return new ChannelOptions(index, presence, joinLeave, size, ttl, recovery);
  }

  private static boolean flag(JsonObject rule, String field, String at) {
    Object value = rule.getValue(field);
    if (value == null) {
      return false;
    }
    if (!(value instanceof Boolean b)) {
      throw new ConfigException(at + "." + field + ": expected true or false, got " + value);
    }
    return b;
  }

  private static Access access(JsonObject rule, String field, String at) {
    Object value = rule.getValue(field);
    if (value == null) {
      return Access.TOKEN;
    }
    if (value instanceof String s) {
      for (Access a : Access.values()) {
        if (a.name().equalsIgnoreCase(s)) {
          return a;
        }
      }
    }
    throw new ConfigException(at + "." + field + ": must be token, all or none, got " + value);
  }

  private static String readFile(String key, String file) {
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(key + ": cannot read " + file + ": " + e.getClass().getSimpleName());
    }
  }

  private static String str(Map<String, Object> v, String key) {
    return (String) v.get(key);
  }

  private static String required(Map<String, Object> v, String key) {
    String s = str(v, key);
    if (s == null || s.isBlank()) {
      throw new ConfigException(key + ": must not be empty");
    }
    return s;
  }

  private static List<String> strings(Map<String, Object> v, String key) {
    List<String> list = new ArrayList<>();
    ((JsonArray) v.get(key)).forEach(o -> list.add((String) o));
    return List.copyOf(list);
  }
}
