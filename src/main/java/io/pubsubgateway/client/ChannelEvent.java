package io.pubsubgateway.client;

import io.vertx.core.json.JsonObject;

/**
 * A {@code join} or {@code leave} event of a channel whose namespace has {@code joinLeave: true}:
 * a connection subscribed to or left the channel, on any node (a node that crashed makes its
 * connections leave once the cluster removed it). Delivered to
 * {@link Subscription#eventHandler(io.vertx.core.Handler)}.
 *
 * @param channel the channel
 * @param type    join or leave
 * @param client  the connection's id (unique per connection, as in {@link PresenceEntry#client()})
 * @param user    the token's {@code sub} of that connection ("" when anonymous)
 * @param info    the token's {@code info} claim, or null
 */
public record ChannelEvent(String channel, Type type, String client, String user, JsonObject info) {

  /** What happened. */
  public enum Type {
    /** A connection subscribed. */
    JOIN,
    /** A connection unsubscribed, disconnected, or its node left the cluster. */
    LEAVE
  }

  /** The event of a {@code join}/{@code leave} frame, or null for another frame type. */
  static ChannelEvent fromFrame(JsonObject frame) {
    Type type = switch (frame.getString("type", "")) {
      case "join" -> Type.JOIN;
      case "leave" -> Type.LEAVE;
      default -> null;
    };
    if (type == null) {
      return null;
    }
    JsonObject body = frame.getValue("body") instanceof JsonObject b ? b : new JsonObject();
    return new ChannelEvent(frame.getString("address"), type, body.getString("client"), body.getString("user"),
      body.getJsonObject("info"));
  }
}
