package io.pubsubgateway.protocol;

/** A client frame that cannot be accepted; carries the wire error code to send back. */
public final class ProtocolException extends Exception {
  private final ErrorCode code;
  private final String address;
  private final Object id;

  public ProtocolException(ErrorCode code, String message, String address, Object id) {
    super(message, null, false, false);
    this.code = code;
    this.address = address;
    this.id = id;
  }

  public ErrorCode code() {
    return code;
  }

  /** The address the frame named, when it could be read. */
  public String address() {
    return address;
  }

  /** The request id the frame carried, when it could be read. */
  public Object id() {
    return id;
  }
}
