package io.pubsubgateway.config;

import io.vertx.core.json.JsonArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The merged value of every key (defaults, file, environment, {@code --set}), already checked
 * against its {@link ConfigSchema} type and bounds, read by the section parsers. Keys are dotted
 * paths; every key of the schema has a value of its type (null only for strings without default).
 */
final class ConfigValues {
  private final Map<String, Object> values;

  ConfigValues(Map<String, Object> values) {
    this.values = values;
  }

  /** A string key's value, or null. */
  String str(String key) {
    return (String) values.get(key);
  }

  /** A string key's value; fails when it is missing or blank. */
  String required(String key) {
    String s = str(key);
    if (s == null || s.isBlank()) {
      throw new ConfigException(key + ": must not be empty");
    }
    return s;
  }

  List<String> strings(String key) {
    List<String> list = new ArrayList<>();
    ((JsonArray) values.get(key)).forEach(o -> list.add((String) o));
    return List.copyOf(list);
  }

  int integer(String key) {
    return (Integer) values.get(key);
  }

  boolean bool(String key) {
    return (Boolean) values.get(key);
  }

  /** A key whose value is a list of objects ({@code channels}). */
  JsonArray list(String key) {
    return (JsonArray) values.get(key);
  }
}
