package io.pubsubgateway.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The last messages of a channel with history, as returned by {@link GatewayClient#history}.
 *
 * @param offset   the offset of the channel's last message when read (0 when it has none yet)
 * @param epoch    the stream's epoch
 * @param messages oldest first; each message's headers carry its {@code offset} and {@code epoch}
 *                 besides the publisher's, as in live messages
 */
public record HistoryPage(long offset, String epoch, List<GatewayMessage> messages) {

  /** The page of a {@code history} answer frame's body. */
  static HistoryPage fromJson(String channel, JsonObject body) {
    String epoch = body.getString("epoch");
    List<GatewayMessage> messages = new ArrayList<>();
    JsonArray list = body.getJsonArray("messages", new JsonArray());
    for (int i = 0; i < list.size(); i++) {
      JsonObject m = list.getJsonObject(i);
      Map<String, String> headers = new LinkedHashMap<>(GatewayMessage.headers(m.getJsonObject("headers")));
      headers.put(GatewayMessage.OFFSET, String.valueOf(m.getLong("offset")));
      headers.put(GatewayMessage.EPOCH, epoch);
      messages.add(new GatewayMessage(channel, m.getValue("body"), Map.copyOf(headers)));
    }
    return new HistoryPage(body.getLong("offset", 0L), epoch, List.copyOf(messages));
  }
}
