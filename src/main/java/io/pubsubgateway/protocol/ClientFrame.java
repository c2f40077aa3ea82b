package io.pubsubgateway.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A decoded client frame.
 *
 * @param type    the frame type
 * @param address the channel ({@code null} for ping and refresh)
 * @param body    the JSON body of a publish (any JSON value, possibly null); the token (a non-empty
 *                string) of a refresh
 * @param headers string headers (never null; empty when absent)
 * @param id      optional request id (extension): when present the gateway answers with an
 *                {@code ack} or an {@code err} carrying the same id
 * @param replyAddress of a {@code send}: where the reply goes back to this connection, or null
 */
public record ClientFrame(FrameType type, String address, Object body, JsonObject headers, Object id,
                          String replyAddress) {
  /** Reply addresses (of {@code send}) are at most this long, as in vertx-web's bridge. */
  public static final int MAX_REPLY_ADDRESS_LENGTH = 36;

  /** A frame without a reply address. */
  public ClientFrame(FrameType type, String address, Object body, JsonObject headers, Object id) {
    this(type, address, body, headers, id, null);
  }
}
