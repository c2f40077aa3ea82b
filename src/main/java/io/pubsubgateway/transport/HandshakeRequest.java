package io.pubsubgateway.transport;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;

import java.util.List;

/** Reads the token out of a WebSocket handshake: {@code Authorization: Bearer} first, then {@code ?token=}. */
final class HandshakeRequest {
  private HandshakeRequest() {
  }

  /** The token, or null when the request carries none. */
  static String token(MultiMap headers, String query) {
    String auth = headers.get("Authorization");
    if (auth != null) {
      String trimmed = auth.trim();
      if (trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String token = trimmed.substring(7).trim();
        return token.isEmpty() ? null : token;
      }
    }
    if (query != null && !query.isEmpty()) {
      List<String> values = new QueryStringDecoder(query, false).parameters().get("token");
      if (values != null && !values.isEmpty() && !values.get(0).isEmpty()) {
        return values.get(0);
      }
    }
    return null;
  }
}
