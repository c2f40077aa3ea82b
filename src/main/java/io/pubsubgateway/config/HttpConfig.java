package io.pubsubgateway.config;

import java.util.List;

/** The {@code http.*} keys. */
public record HttpConfig(String host, int port, String path, List<String> allowedOrigins, int instances,
                         TlsConfig tls) {
  /** {@code wss} when TLS is enabled, else {@code ws}. */
  public String scheme() {
    return tls.enabled() ? "wss" : "ws";
  }
}
