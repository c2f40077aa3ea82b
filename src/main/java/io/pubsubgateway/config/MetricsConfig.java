package io.pubsubgateway.config;

/**
 * The {@code metrics.*} keys: Prometheus metrics at {@code path}; {@code vertx} adds the Vert.x
 * (HTTP server, pools, event loops) and JVM metrics of vertx-micrometer-metrics.
 */
public record MetricsConfig(boolean enabled, String path, boolean vertx) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_PATH = "/metrics";
  public static final boolean DEFAULT_VERTX = true;
}
