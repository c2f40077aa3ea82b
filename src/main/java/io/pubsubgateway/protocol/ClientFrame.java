package io.pubsubgateway.protocol;

import io.vertx.core.json.JsonObject;

/**
 * A decoded client frame.
 *
 * @param type    the frame type
 * @param address the channel ({@code null} for ping)
 * @param body    the JSON body of a publish (any JSON value, possibly null)
 * @param headers string headers (never null; empty when absent)
 * @param id      optional request id (extension): when present the gateway answers with an
 *                {@code ack} or an {@code err} carrying the same id
 */
public record ClientFrame(FrameType type, String address, Object body, JsonObject headers, Object id) {
}
