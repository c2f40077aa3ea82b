package io.pubsubgateway.client;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * When a {@link GatewayClient} refreshes its token on a live connection: at a random point between
 * {@value #MIN_FRACTION} and {@value #MAX_FRACTION} of the token's lifetime ({@code iat} to
 * {@code exp}, read from the JWT's payload without verifying it: the gateway verifies), so that
 * the clients of one token issuer do not refresh in step; after a refused or failed refresh, again
 * after a growing delay, at most {@value #MAX_RETRIES} times, and always before the expiry when
 * there is time left. A token without {@code exp} is never refreshed. Pure functions of their
 * arguments (the clock and the random draw are passed in).
 */
final class RefreshSchedule {
  static final double MIN_FRACTION = 0.8;
  static final double MAX_FRACTION = 0.9;
  /** Consecutive failed refreshes retried before the client waits for the expiry (4001) and reconnects. */
  static final int MAX_RETRIES = 5;
  static final long FIRST_RETRY_MS = 1000;
  static final long MAX_RETRY_MS = 30_000;

  private RefreshSchedule() {
  }

  /**
   * A token's lifetime, epoch seconds; {@code issuedAt} is the token's {@code iat}, or when the
   * client obtained it if it has none.
   */
  record Lifetime(long issuedAt, long expiresAt) {
  }

  /**
   * The lifetime of a JWT from its payload ({@code exp}, {@code iat}), or null when it has no
   * {@code exp} or is not a readable JWT.
   *
   * @param nowMs the time the client obtained the token (used when it has no {@code iat})
   */
  static Lifetime lifetime(String jwt, long nowMs) {
    if (jwt == null) {
      return null;
    }
    String[] parts = jwt.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      return lifetime(payload.getValue("exp"), payload.getValue("iat"), nowMs);
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** The lifetime from an {@code exp} (the refresh ack's, or a payload's) and an optional {@code iat}. */
  static Lifetime lifetime(Object exp, Object iat, long nowMs) {
    if (!(exp instanceof Number e)) {
      return null;
    }
    long issued = iat instanceof Number i ? i.longValue() : nowMs / 1000;
    return new Lifetime(Math.min(issued, e.longValue()), e.longValue());
  }

  /**
   * Milliseconds from {@code nowMs} until the refresh of a token of {@code lifetime}: at
   * {@code MIN_FRACTION + random × (MAX_FRACTION - MIN_FRACTION)} of the lifetime, at the earliest a
   * tenth of the lifetime from now (a client whose clock runs ahead of the issuer's does not refresh
   * in a loop).
   *
   * @param random uniform in [0, 1)
   */
  static long delayMs(Lifetime lifetime, long nowMs, double random) {
    long lifetimeMs = Math.max(1, (lifetime.expiresAt() - lifetime.issuedAt()) * 1000);
    double fraction = MIN_FRACTION + random * (MAX_FRACTION - MIN_FRACTION);
    long at = lifetime.issuedAt() * 1000 + Math.round(lifetimeMs * fraction);
    return Math.max(Math.max(1, lifetimeMs / 10), at - nowMs);
  }

  /**
   * Milliseconds until retry {@code attempt} (1 for the first) after a refused or failed refresh,
   * or -1 when no retry is left: {@code FIRST_RETRY_MS} doubling up to {@code MAX_RETRY_MS}, and
   * while the token has time left, at most half of it.
   */
  static long retryDelayMs(int attempt, Lifetime current, long nowMs) {
    if (attempt > MAX_RETRIES) {
      return -1;
    }
    long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempt - 1, 20));
    long left = current == null ? 0 : current.expiresAt() * 1000 - nowMs;
    if (left > 0) {
      delay = Math.min(delay, left / 2);
    }
    return Math.max(1, delay);
  }
}
