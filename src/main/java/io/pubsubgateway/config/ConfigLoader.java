package io.pubsubgateway.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the configuration: defaults (from {@link ConfigSchema}) &lt; the YAML file &lt;
 * {@code GATEWAY_*} environment variables &lt; {@code --set key.path=value}. The file is read with
 * vertx-config's YAML store; every layer is checked against the schema, so an unknown key or a
 * wrong type fails with a {@link ConfigException} naming the key and where it came from. The merged
 * values then become the typed records ({@link ConfigRecords}), each section validated by its own
 * parser ({@link HttpSection}, {@link AuthSection}, {@link ClusterSection}, {@link ChannelsSection},
 * {@link EndpointSections}).
 */
public final class ConfigLoader {
  public static final String DEFAULT_FILE = "conf/gateway.yaml";

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
    return ConfigRecords.build(new ConfigValues(values));
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
      ConfigSchema.Key<?> key = ConfigSchema.key(path);
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

  private static Object checkType(ConfigSchema.Key<?> key, Object value, String source) {
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

  private static int checkBounds(ConfigSchema.Key<?> key, long v, String source) {
    if (v < key.min() || v > key.max()) {
      throw key.invalid("must be between " + key.min() + " and " + key.max() + ", got " + v + " " + source);
    }
    return (int) v;
  }

  private static ConfigException typeError(ConfigSchema.Key<?> key, String expected, Object value, String source) {
    String kind = value instanceof String ? "string \"" + value + "\"" : value.getClass().getSimpleName()
      .replace("JsonObject", "object").replace("JsonArray", "list").toLowerCase(Locale.ROOT) + " " + value;
    return key.invalid("expected " + expected + ", got " + kind + " " + source);
  }

  private static void applyEnv(Map<String, String> env, Map<String, Object> values) {
    Map<String, ConfigSchema.Key<?>> byEnv = new HashMap<>();
    for (ConfigSchema.Key<?> k : ConfigSchema.keys().values()) {
      byEnv.put(k.envName(), k);
      byEnv.put(k.compactEnvName(), k);
    }
    for (Map.Entry<String, String> e : env.entrySet()) {
      if (!e.getKey().startsWith("GATEWAY_")) {
        continue;
      }
      ConfigSchema.Key<?> key = byEnv.get(e.getKey());
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
      ConfigSchema.Key<?> key = ConfigSchema.key(path);
      if (key == null) {
        throw new ConfigException(path + ": unknown key (from --set)");
      }
      values.put(path, parseText(key, set.substring(eq + 1), "from --set"));
    }
  }

  /** Parses a value given as text (environment or command line); lists are comma-separated. */
  private static Object parseText(ConfigSchema.Key<?> key, String text, String source) {
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
        throw key.invalid("can only be set in the config file, not " + source);
    }
  }
}
