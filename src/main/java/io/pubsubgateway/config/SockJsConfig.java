package io.pubsubgateway.config;

/**
 * The {@code sockjs.*} keys: a SockJS endpoint at {@code path} for Vert.x's official event-bus
 * client ({@code @vertx/eventbus-bridge-client.js}), running the same sessions as {@code http.path}.
 */
public record SockJsConfig(boolean enabled, String path) {
  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_PATH = "/eventbus";
}
