package io.pubsubgateway.config;

/** The {@code auth.*} keys. */
public record AuthConfig(JwtConfig jwt, boolean allowAnonymous) {
}
