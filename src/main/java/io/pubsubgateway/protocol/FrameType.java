package io.pubsubgateway.protocol;

/** Types of frames a client sends. */
public enum FrameType {
  REGISTER("register"),
  UNREGISTER("unregister"),
  PUBLISH("publish"),
  /** Point to point to one event-bus consumer, with an optional reply (request/reply). */
  SEND("send"),
  PING("ping"),
  /** Extension: the last messages of a channel with history. */
  HISTORY("history"),
  /** Extension: the subscribers of a channel with presence. */
  PRESENCE("presence"),
  /** Extension: a new token for the connection ({@code token}), without reconnecting. */
  REFRESH("refresh");

  private final String wire;

  FrameType(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  /** The type for a wire name, or null when unknown. */
  public static FrameType fromWire(String name) {
    for (FrameType t : values()) {
      if (t.wire.equals(name)) {
        return t;
      }
    }
    return null;
  }
}
