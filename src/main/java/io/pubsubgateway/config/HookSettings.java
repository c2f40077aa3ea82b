package io.pubsubgateway.config;

import io.pubsubgateway.channel.Hook;
import io.vertx.core.json.JsonObject;

/**
 * The hook keys: a channel rule's {@code subscribeHook}, {@code publishHook}, {@code hookTimeoutMs}
 * and {@code hookFailure}, and {@code auth.connectHook} with its {@code connectHookTimeoutMs} and
 * {@code connectHookFailure}. An address must be a non-empty string, a timeout an integer between
 * {@value Hook#MIN_TIMEOUT_MS} and {@value Hook#MAX_TIMEOUT_MS} ms, a failure mode
 * {@code reject} or {@code accept}.
 */
final class HookSettings {
  private HookSettings() {
  }

  /** The rule's hook named {@code field}, or null; {@code at} is the rule's path ({@code channels[2]}). */
  static Hook rule(JsonObject rule, String field, String at) {
    Object address = rule.getValue(field);
    boolean anyHook = rule.containsKey("subscribeHook") || rule.containsKey("publishHook");
    if (!anyHook) {
      for (String setting : new String[] {"hookTimeoutMs", "hookFailure"}) {
        if (rule.containsKey(setting)) {
          throw new ConfigException(at + "." + setting + ": needs subscribeHook or publishHook");
        }
      }
      return null;
    }
    int timeoutMs = timeout(rule.getValue("hookTimeoutMs"), at + ".hookTimeoutMs");
    boolean accept = acceptOnFailure(rule.getValue("hookFailure"), at + ".hookFailure");
    if (!rule.containsKey(field)) {
      return null;
    }
    return new Hook(address(address, at + "." + field), timeoutMs, accept);
  }

  /** {@code auth.connectHook} with its settings, or null when it is not set. */
  static Hook connect(String address, int timeoutMs, String failure) {
    if (address == null) {
      return null;
    }
    return new Hook(address(address, ConfigSchema.AUTH_CONNECT_HOOK.path()), timeoutMs,
      acceptOnFailure(failure, ConfigSchema.AUTH_CONNECT_HOOK_FAILURE.path()));
  }

  private static String address(Object value, String path) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw new ConfigException(path + ": must be a non-empty event-bus address, got " + value);
    }
    return s.trim();
  }

  private static int timeout(Object value, String path) {
    if (value == null) {
      return Hook.DEFAULT_TIMEOUT_MS;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < Hook.MIN_TIMEOUT_MS
      || ((Number) value).longValue() > Hook.MAX_TIMEOUT_MS) {
      throw new ConfigException(path + ": must be an integer between " + Hook.MIN_TIMEOUT_MS + " and "
        + Hook.MAX_TIMEOUT_MS + " (milliseconds), got " + value);
    }
    return ((Number) value).intValue();
  }

  private static boolean acceptOnFailure(Object value, String path) {
    if (value == null || "reject".equals(value)) {
      return false;
    }
    if ("accept".equals(value)) {
      return true;
    }
    throw new ConfigException(path + ": must be reject or accept, got " + value);
  }
}
