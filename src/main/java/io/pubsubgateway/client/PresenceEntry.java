package io.pubsubgateway.client;

import io.vertx.core.json.JsonObject;

/**
 * One connection subscribed to a channel with {@code presence: true}, as listed by
 * {@link GatewayClient#presence(String)}.
 *
 * @param client the connection's id (unique per connection)
 * @param user   the token's {@code sub} ("" when anonymous)
 * @param node   the id of the gateway node holding the connection
 * @param info   the token's {@code info} claim, or null
 */
public record PresenceEntry(String client, String user, String node, JsonObject info) {

  static PresenceEntry fromJson(JsonObject json) {
    return new PresenceEntry(json.getString("client"), json.getString("user"), json.getString("node"),
      json.getJsonObject("info"));
  }
}
