package io.pubsubgateway.config;

/** The {@code auth.*} keys. */
public record AuthConfig(JwtConfig jwt, boolean allowAnonymous) {
  public static final boolean DEFAULT_ALLOW_ANONYMOUS = false;
}
