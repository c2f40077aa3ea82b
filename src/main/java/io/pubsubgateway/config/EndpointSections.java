package io.pubsubgateway.config;

import java.util.List;

import static io.pubsubgateway.config.ConfigSchema.API_CLUSTER_TIMEOUT_MS;
import static io.pubsubgateway.config.ConfigSchema.API_ENABLED;
import static io.pubsubgateway.config.ConfigSchema.API_KEYS;
import static io.pubsubgateway.config.ConfigSchema.API_MAX_BODY_BYTES;
import static io.pubsubgateway.config.ConfigSchema.HTTP_PATH;
import static io.pubsubgateway.config.ConfigSchema.METRICS_ENABLED;
import static io.pubsubgateway.config.ConfigSchema.METRICS_PATH;
import static io.pubsubgateway.config.ConfigSchema.METRICS_VERTX;
import static io.pubsubgateway.config.ConfigSchema.SOCKJS_ENABLED;
import static io.pubsubgateway.config.ConfigSchema.SOCKJS_PATH;

/**
 * The {@code api.*}, {@code metrics.*} and {@code sockjs.*} keys: the sections that mount routes
 * beside {@code http.path}; each checks that its paths do not collide with it or with each other.
 */
final class EndpointSections {
  private EndpointSections() {
  }

  static ApiConfig api(ConfigValues v, String wsPath) {
    boolean enabled = v.get(API_ENABLED);
    List<String> keys = v.strings(API_KEYS);
    if (enabled && keys.isEmpty()) {
      throw API_KEYS.invalid("at least one key is needed when api.enabled is true");
    }
    for (String key : keys) {
      if (key.length() < ApiConfig.MIN_KEY_LENGTH) {
        throw API_KEYS.invalid("each key must be at least " + ApiConfig.MIN_KEY_LENGTH
          + " characters (got one of " + key.length() + ")");
      }
    }
    if (enabled && (wsPath.equals("/api") || wsPath.startsWith("/api/"))) {
      throw HTTP_PATH.invalid(wsPath + " collides with the server API under /api");
    }
    return new ApiConfig(enabled, keys, v.get(API_MAX_BODY_BYTES), v.get(API_CLUSTER_TIMEOUT_MS));
  }

  static MetricsConfig metrics(ConfigValues v, String wsPath) {
    String path = v.required(METRICS_PATH);
    if (!path.startsWith("/") || path.startsWith("/api/") || path.startsWith("/health/") || path.equals(wsPath)) {
      throw METRICS_PATH.invalid("must start with '/' and differ from http.path, /api and /health, got " + path);
    }
    return new MetricsConfig(v.get(METRICS_ENABLED), path, v.get(METRICS_VERTX));
  }

  static SockJsConfig sockjs(ConfigValues v, String wsPath) {
    String path = v.required(SOCKJS_PATH);
    if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.equals(wsPath)
      || path.startsWith(wsPath + "/") || List.of("/api", "/health", "/metrics", "/sdk", "/demo").stream()
      .anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
      throw SOCKJS_PATH.invalid("must start with '/', not end with one, and differ from http.path,"
        + " /api, /health, /metrics, /sdk and /demo, got " + path);
    }
    return new SockJsConfig(v.get(SOCKJS_ENABLED), path);
  }
}
