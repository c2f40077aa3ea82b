package io.pubsubgateway.config;

import java.util.List;

/** The {@code http.*} keys. */
public record HttpConfig(String host, int port, String path, List<String> allowedOrigins, int instances) {
}
