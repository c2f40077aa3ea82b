package io.pubsubgateway.auth;

/** A rejected token. The message is safe to log: it never contains the token. */
public final class AuthException extends Exception {
  public AuthException(String message) {
    super(message, null, false, false);
  }
}
