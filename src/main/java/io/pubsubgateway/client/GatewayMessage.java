package io.pubsubgateway.client;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message received on a subscribed channel (or read from its history).
 *
 * @param channel the channel
 * @param body    the JSON body: JsonObject, JsonArray, String, Number, Boolean or null
 * @param headers the message headers (empty when none); on a channel with history they include
 *                {@value #OFFSET}, {@value #EPOCH} and (from gateways that send it) {@value #MID}, set
 *                by the gateway
 */
public record GatewayMessage(String channel, Object body, Map<String, String> headers) {
  /** Header of messages on channels with history: the message's offset in the channel's stream (decimal). */
  public static final String OFFSET = "offset";
  /** Header of messages on channels with history: the stream's epoch. */
  public static final String EPOCH = "epoch";
  /** Header of messages on channels with history: the message's id, unique per stream entry. */
  public static final String MID = "mid";

  /** The message's offset in its channel's stream, or -1 on a channel without history. */
  public long offset() {
    String value = headers.get(OFFSET);
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A frame's {@code headers} object as an immutable map of strings (empty when absent). */
  static Map<String, String> headers(JsonObject json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    Map<String, String> map = new LinkedHashMap<>();
    json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
    return Map.copyOf(map);
  }
}
