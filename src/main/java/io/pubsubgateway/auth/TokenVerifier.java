package io.pubsubgateway.auth;

import io.vertx.core.Future;

/** Verifies a connection token. Implementations are thread-safe and never block. */
public interface TokenVerifier {
  /**
   * Verifies {@code token}; fails with an {@link AuthException} whose message says why (never
   * containing the token).
   */
  Future<Principal> verify(String token);
}
