package io.pubsubgateway.config;

import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The merged value of every key (defaults, file, environment, {@code --set}), already checked
 * against its {@link ConfigSchema} type and bounds, read by the section parsers through the
 * schema's typed keys. Every key of the schema has a value of its type (null only for strings
 * without default).
 */
final class ConfigValues {
  private final Map<String, Object> values;

  /** {@code values}: dotted path to a value of the key's type, as the loader's type check left it. */
  ConfigValues(Map<String, Object> values) {
    this.values = values;
  }

  /** The key's value; null only for a string key that has no default and was not set. */
  @SuppressWarnings("unchecked") // the loader stores for every key a value of the key's type (ConfigSchema.Key)
  <T> T get(ConfigSchema.Key<T> key) {
    return (T) values.get(key.path());
  }

  /** A string key's value; fails naming the key when it is missing or blank. */
  String required(ConfigSchema.Key<String> key) {
    String s = get(key);
    if (s == null || s.isBlank()) {
      throw key.invalid("must not be empty");
    }
    return s;
  }

  /** A list-of-strings key's value, as an immutable list. */
  List<String> strings(ConfigSchema.Key<JsonArray> key) {
    List<String> list = new ArrayList<>();
    get(key).forEach(o -> list.add((String) o));
    return List.copyOf(list);
  }
}
