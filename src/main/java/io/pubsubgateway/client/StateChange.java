package io.pubsubgateway.client;

/**
 * A state change of a {@link GatewayClient}.
 *
 * @param state  the new state
 * @param url    the node URL concerned (null when none)
 * @param code   the WebSocket close code or HTTP status behind it, or -1
 * @param reason why, for DISCONNECTED and CLOSED (null otherwise)
 */
public record StateChange(ClientState state, String url, int code, String reason) {
}
