package io.pubsubgateway.cli;

import io.pubsubgateway.client.GatewayException;

/** A CLI failure with its exit status; the message is printed as one line. */
public final class CliFailure extends RuntimeException {
  static final int BAD_INPUT = 2;
  static final int REFUSED = 3;
  static final int TOKEN_REJECTED = 4;
  static final int UNREACHABLE = 5;

  private final int status;

  CliFailure(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }

  /** Maps a client failure to the documented exit status. */
  static CliFailure of(String what, Throwable cause) {
    if (cause instanceof GatewayException g) {
      int status = switch (g.code()) {
        case GatewayException.AUTH_REJECTED -> TOKEN_REJECTED;
        case GatewayException.UNREACHABLE, GatewayException.DISCONNECTED, GatewayException.TIMEOUT,
          GatewayException.CERTIFICATE_REJECTED -> UNREACHABLE;
        default -> REFUSED;
      };
      String hint = g.code().equals(GatewayException.CERTIFICATE_REJECTED)
        ? " (--trust PEM to trust the node's certificate or CA; --insecure for development)" : "";
      return new CliFailure(status, what + ": " + g.code() + ": " + g.getMessage() + hint);
    }
    return new CliFailure(1, what + ": " + cause);
  }
}
