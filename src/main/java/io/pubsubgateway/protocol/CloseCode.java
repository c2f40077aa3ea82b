package io.pubsubgateway.protocol;

/**
 * WebSocket close codes the gateway sends. RFC 6455 codes for protocol-level closes; application
 * codes in two ranges: 4000-4499 the client may reconnect (with a fresh token where the reason says
 * so), 4500-4999 terminal (do not reconnect without a change on the client's side).
 */
public enum CloseCode {
  /** RFC 6455: normal closure. */
  NORMAL(1000, "normal"),
  /** RFC 6455: the node is shutting down; reconnect to another node. */
  GOING_AWAY(1001, "node shutting down"),
  /** RFC 6455: the client sent a binary frame; the protocol is JSON text frames. */
  UNSUPPORTED_DATA(1003, "binary frames are not supported"),
  /** RFC 6455: a single frame larger than the hard cap (4 x limits.maxFrameBytes). */
  MESSAGE_TOO_BIG(1009, "frame too large"),
  /** The token's {@code exp} passed: reconnect with a fresh token. */
  TOKEN_EXPIRED(4001, "token expired"),
  /** No frame from the client within limits.idleTimeoutSeconds: reconnect and ping. */
  IDLE_TIMEOUT(4002, "idle timeout"),
  /** The connection's pending writes exceeded limits.outboundQueueBytes: read faster, reconnect. */
  SLOW_CONSUMER(4003, "slow consumer: outbound queue full"),
  /** Closed by an operator through {@code POST /api/disconnect} with {@code "reconnect": true}. */
  DISCONNECTED_RECONNECT(4004, "disconnected by server, reconnect"),
  /**
   * The node sees fewer cluster members than {@code cluster.minMembers}: it is cut off from the
   * majority. Reconnect (to another node: this one refuses handshakes with 503 until the quorum is
   * back) and recover what was missed.
   */
  QUORUM_LOST(4005, "cluster quorum lost"),
  /**
   * SockJS's raw WebSocket endpoint only: the connect hook ({@code auth.connectHook}) did not answer properly and
   * {@code auth.connectHookFailure} is {@code reject}; reconnect later. (A WebSocket handshake gets
   * HTTP 503 instead.)
   */
  CONNECT_HOOK_FAILED(4006, "connect hook failed"),
  /** Closed by an operator through {@code POST /api/disconnect}: do not reconnect on your own. */
  DISCONNECTED(4501, "disconnected by server"),
  /**
   * SockJS's raw WebSocket endpoint only: the connect hook refused the connection; the close reason is the hook's
   * {@code code: message} (cut to fit). Do not reconnect as is. (A WebSocket handshake gets HTTP 403
   * with that text as its body instead.)
   */
  CONNECT_REFUSED(4502, "refused by the connect hook");

  private final int code;
  private final String reason;

  CloseCode(int code, String reason) {
    this.code = code;
    this.reason = reason;
  }

  public short code() {
    return (short) code;
  }

  /** A reason phrase; always shorter than the 123-byte limit of a close frame. */
  public String reason() {
    return reason;
  }

  /** The code's name in snake case, as used in metric labels ({@code slow_consumer}). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** True for codes after which a client should not reconnect on its own. */
  public boolean terminal() {
    return isTerminal(code);
  }

  /** True for any close code in the terminal range 4500-4999 (also codes this enum does not name). */
  public static boolean isTerminal(int code) {
    return code >= 4500 && code <= 4999;
  }
}
