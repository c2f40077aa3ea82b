package io.pubsubgateway.config;

import io.pubsubgateway.channel.Hook;

/**
 * The {@code auth.*} keys.
 *
 * @param connectHook {@code auth.connectHook} with its timeout and failure mode, or null when not set
 */
public record AuthConfig(JwtConfig jwt, boolean allowAnonymous, Hook connectHook) {
  public static final boolean DEFAULT_ALLOW_ANONYMOUS = false;
  public static final int DEFAULT_CONNECT_HOOK_TIMEOUT_MS = Hook.DEFAULT_TIMEOUT_MS;
  public static final String DEFAULT_CONNECT_HOOK_FAILURE = Hook.DEFAULT_FAILURE;

  /** Without a connect hook. */
  public AuthConfig(JwtConfig jwt, boolean allowAnonymous) {
    this(jwt, allowAnonymous, null);
  }
}
