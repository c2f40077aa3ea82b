package io.pubsubgateway.protocol;

/**
 * Error codes sent in {@code {"type":"err","body":"<code>"}} frames. The wire form is the snake_case
 * {@link #code()}; the first nine are the codes of vertx-web's event-bus bridge, the rest are
 * documented extensions.
 */
public enum ErrorCode {
  ACCESS_DENIED("access_denied"),
  INVALID_JSON("invalid_json"),
  MISSING_TYPE("missing_type"),
  INVALID_TYPE("invalid_type"),
  MISSING_ADDRESS("missing_address"),
  FRAME_TOO_LARGE("frame_too_large"),
  MAX_HANDLERS_REACHED("max_handlers_reached"),
  MAX_ADDRESS_LENGTH_REACHED("max_address_length_reached"),
  RATE_LIMITED("rate_limited"),
  /** Extension: the address has characters outside the documented channel charset. */
  INVALID_ADDRESS("invalid_address"),
  /** Extension: a field has the wrong JSON type (e.g. {@code headers} not an object). */
  INVALID_FRAME("invalid_frame"),
  /** Extension: the gateway could not complete the request (e.g. the cluster registration failed). */
  INTERNAL_ERROR("internal_error"),
  /** Extension: history or presence asked of a channel whose namespace does not keep it. */
  NOT_AVAILABLE("not_available"),
  /**
   * Extension, sent without an id: the gateway ended the subscription to the {@code address}
   * because it cannot prove the continuity of the channel's stream on this node (a gap gone from the
   * history, a new epoch, a merge after a network split). Subscribe again with {@code since.offset},
   * {@code since.epoch} and {@code since.mid}: the ack's {@code recovered} says whether nothing was lost.
   */
  INSUFFICIENT_STATE("insufficient_state"),
  /**
   * Extension: a {@code refresh} was refused (missing, malformed, badly signed or expired token,
   * another {@code sub}, or an anonymous connection); the connection keeps its current token.
   */
  INVALID_TOKEN("invalid_token");

  private final String code;

  ErrorCode(String code) {
    this.code = code;
  }

  /** The snake_case form used on the wire. */
  public String code() {
    return code;
  }
}
