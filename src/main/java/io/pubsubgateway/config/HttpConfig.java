package io.pubsubgateway.config;

import java.util.List;

/** The {@code http.*} keys. */
public record HttpConfig(String host, int port, String path, List<String> allowedOrigins, int instances,
                         TlsConfig tls) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  public static final String DEFAULT_PATH = "/ws";
  /** Any origin. */
  public static final List<String> DEFAULT_ALLOWED_ORIGINS = List.of("*");
  /** One server verticle instance per core. */
  public static final int DEFAULT_INSTANCES = 0;

  /** {@code wss} when TLS is enabled, else {@code ws}. */
  public String scheme() {
    return tls.enabled() ? "wss" : "ws";
  }
}
