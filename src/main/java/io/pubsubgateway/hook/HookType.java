package io.pubsubgateway.hook;

/** What a hook is asked about: the {@code type} field of its request. */
public enum HookType {
  CONNECT("connect"),
  SUBSCRIBE("subscribe"),
  PUBLISH("publish"),
  /** A client's {@code send} to a channel of a rule with a {@code publishHook}. */
  SEND("send");

  private final String wire;

  HookType(String wire) {
    this.wire = wire;
  }

  /** The request's {@code type}. */
  public String wire() {
    return wire;
  }

  /** Whether an accept may carry a replacement {@code body}. */
  boolean replacesBody() {
    return this == PUBLISH || this == SEND;
  }
}
