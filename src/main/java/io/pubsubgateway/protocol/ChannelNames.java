package io.pubsubgateway.protocol;

/**
 * Channel name rules: 1 to {@code maxLength} characters from {@code A-Z a-z 0-9 . _ - : / @ = + , ~};
 * names starting with {@code __vertx.} (event-bus internals) or {@code __pubsub.} (the gateway's own
 * node-to-node addresses) are never reachable.
 */
public final class ChannelNames {
  /** Default and upper bound of {@code limits.maxChannelLength}. */
  public static final int DEFAULT_MAX_LENGTH = 255;

  private ChannelNames() {
  }

  /** Returns null when valid, or the error code that rejects the name. */
  public static ErrorCode check(String name, int maxLength) {
    if (name.isEmpty()) {
      return ErrorCode.INVALID_ADDRESS;
    }
    if (name.length() > maxLength) {
      return ErrorCode.MAX_ADDRESS_LENGTH_REACHED;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!allowed(name.charAt(i))) {
        return ErrorCode.INVALID_ADDRESS;
      }
    }
    if (isInternal(name)) {
      return ErrorCode.ACCESS_DENIED;
    }
    return null;
  }

  /** True for event-bus internal addresses (Vert.x's and the gateway's). */
  public static boolean isInternal(String address) {
    return address.startsWith("__vertx.") || address.startsWith("__pubsub.");
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
      || c == '.' || c == '_' || c == '-' || c == ':' || c == '/' || c == '@' || c == '=' || c == '+'
      || c == ',' || c == '~';
  }
}
