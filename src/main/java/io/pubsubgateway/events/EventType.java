package io.pubsubgateway.events;

/** The kinds of {@link GatewayEvent}, with their wire names (the {@code type} field). */
public enum EventType {
  /** A connection was accepted (after its token was checked). */
  CONNECT("connect"),
  /** A connection closed, whoever closed it; carries the close {@code code} and {@code reason}. */
  DISCONNECT("disconnect"),
  /** A connection's subscription to a channel was registered (just before its ack). */
  SUBSCRIBE("subscribe"),
  /** A connection's subscription ended: unregister, resync, or disconnect (then before the disconnect). */
  UNSUBSCRIBE("unsubscribe"),
  /** A channel got its first subscriber in the cluster. */
  CHANNEL_OCCUPIED("channel.occupied"),
  /** A channel lost its last subscriber in the cluster. */
  CHANNEL_VACATED("channel.vacated");

  private final String wire;

  EventType(String wire) {
    this.wire = wire;
  }

  /** The {@code type} field's value. */
  public String wire() {
    return wire;
  }
}
