package io.pubsubgateway.events;

import io.vertx.core.json.JsonObject;

/**
 * One event for backends, as published on {@code events.address} and posted to the webhook
 * (src/docs/events.md describes the JSON). Fields that do not apply to the type are null and left
 * out of the JSON.
 *
 * @param id      unique per event: the emitting node's id, {@code -}, and a sequence number of that node
 * @param time    when the node emitted it, epoch milliseconds
 * @param node    the id of the node that emitted it (for connection events, the node holding the connection)
 * @param user    the connection's user (token {@code sub}, "" when anonymous); connection events only
 * @param client  the connection's id (as in presence entries); connection events only
 * @param channel the channel; subscribe, unsubscribe, occupied and vacated only
 * @param code    the close code; disconnect only
 * @param reason  the close reason ("" when none); disconnect only
 */
public record GatewayEvent(EventType type, String id, long time, String node, String user, String client,
                           String channel, Integer code, String reason) {

  /** The event as JSON: {@code type}, {@code id}, {@code time}, {@code node}, then the fields that apply. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("type", type.wire()).put("id", id).put("time", time).put("node", node);
    putIfSet(json, "user", user);
    putIfSet(json, "client", client);
    putIfSet(json, "channel", channel);
    putIfSet(json, "code", code);
    putIfSet(json, "reason", reason);
    return json;
  }

  private static void putIfSet(JsonObject json, String field, Object value) {
    if (value != null) {
      json.put(field, value);
    }
  }
}
