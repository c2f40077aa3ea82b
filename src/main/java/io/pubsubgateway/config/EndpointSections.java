package io.pubsubgateway.config;

import java.util.List;

/**
 * The {@code api.*}, {@code metrics.*} and {@code sockjs.*} keys: the sections that mount routes
 * beside {@code http.path}; each checks that its paths do not collide with it or with each other.
 */
final class EndpointSections {
  private EndpointSections() {
  }

  static ApiConfig api(ConfigValues v, String wsPath) {
    boolean enabled = v.bool("api.enabled");
    List<String> keys = v.strings("api.keys");
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
    return new ApiConfig(enabled, keys, v.integer("api.maxBodyBytes"), v.integer("api.clusterTimeoutMs"));
  }

  static MetricsConfig metrics(ConfigValues v, String wsPath) {
    String path = v.required("metrics.path");
    if (!path.startsWith("/") || path.startsWith("/api/") || path.startsWith("/health/") || path.equals(wsPath)) {
      throw new ConfigException("metrics.path: must start with '/' and differ from http.path, /api and /health, got "
        + path);
    }
    return new MetricsConfig(v.bool("metrics.enabled"), path, v.bool("metrics.vertx"));
  }

  static SockJsConfig sockjs(ConfigValues v, String wsPath) {
    String path = v.required("sockjs.path");
    if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.equals(wsPath)
      || path.startsWith(wsPath + "/") || List.of("/api", "/health", "/metrics", "/sdk", "/demo").stream()
      .anyMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
      throw new ConfigException("sockjs.path: must start with '/', not end with one, and differ from http.path,"
        + " /api, /health, /metrics, /sdk and /demo, got " + path);
    }
    return new SockJsConfig(v.bool("sockjs.enabled"), path);
  }
}
