package io.pubsubgateway.transport;

import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.presence.PresenceManager;

/**
 * The node-wide parts every server verticle instance uses, handed over by the node. Thread-safe,
 * each of them.
 *
 * @param gate the node's connection slots, its readiness to accept connections, and its registry of server loops
 */
public record NodeServices(ChannelHub channelHub, TokenVerifier verifier, ConnectionGate gate, GatewayMetrics metrics,
                           PresenceManager presence, String nodeId) {
}
