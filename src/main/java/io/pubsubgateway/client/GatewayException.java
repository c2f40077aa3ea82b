package io.pubsubgateway.client;

/**
 * A failed client operation. {@link #code()} is the gateway's wire error code (e.g.
 * {@code access_denied}) for refusals by the gateway, or one of the client-side codes below.
 */
public final class GatewayException extends RuntimeException {
  /** The client is not connected (publish fails fast instead of buffering). */
  public static final String DISCONNECTED = "disconnected";
  /** The local write queue is full (publish fails fast instead of buffering). */
  public static final String WRITE_QUEUE_FULL = "write_queue_full";
  /** No answer within the request timeout. */
  public static final String TIMEOUT = "timeout";
  /** The client was closed, by the application or for good (see the state listener). */
  public static final String CLOSED = "closed";
  /** The gateway refused the token at the handshake (HTTP 401/403): terminal. */
  public static final String AUTH_REJECTED = "auth_rejected";
  /**
   * A {@code wss://} server's certificate was refused (not trusted, or not issued for the URL's
   * host): terminal, fix the trust settings ({@link GatewayClientOptions#setTrustPemFile(String)}).
   */
  public static final String CERTIFICATE_REJECTED = "certificate_rejected";
  /** No node could be reached within the reconnect policy. */
  public static final String UNREACHABLE = "unreachable";

  private final String code;

  public GatewayException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }

  @Override
  public String toString() {
    return code + ": " + getMessage();
  }
}
