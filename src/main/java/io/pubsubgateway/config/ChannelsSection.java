package io.pubsubgateway.config;

import io.pubsubgateway.channel.Access;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.channel.ChannelRule;
import io.pubsubgateway.channel.Hook;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code channels} list: one {@link ChannelRule} per entry, in order (a rule's index names its
 * namespace), each field checked with its path ({@code channels[2].history.size}).
 */
final class ChannelsSection {
  private static final Set<String> RULE_FIELDS = Set.of("pattern", "subscribe", "publish", "presence", "joinLeave",
    "history", "recovery", "subscribeHook", "publishHook", "hookTimeoutMs", "hookFailure");
  /** Upper bound of history.size: a ringbuffer of this many messages per channel. */
  static final int MAX_HISTORY_SIZE = 100_000;

  private ChannelsSection() {
  }

  static List<ChannelRule> parse(JsonArray list) {
    List<ChannelRule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = ConfigSchema.CHANNELS.path() + "[" + i + "]";
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
        options(rule, i, at), HookSettings.rule(rule, "subscribeHook", at), HookSettings.rule(rule, "publishHook", at)));
    }
    return List.copyOf(rules);
  }

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
}
