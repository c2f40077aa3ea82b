package io.pubsubgateway.client;

import java.util.Map;

/**
 * A message received on a subscribed channel.
 *
 * @param channel the channel
 * @param body    the JSON body: JsonObject, JsonArray, String, Number, Boolean or null
 * @param headers the message headers (empty when none)
 */
public record GatewayMessage(String channel, Object body, Map<String, String> headers) {
}
