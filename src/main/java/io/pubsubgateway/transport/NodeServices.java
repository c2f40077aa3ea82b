package io.pubsubgateway.transport;

import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.presence.PresenceManager;

/** The node-wide parts every server verticle instance uses. Thread-safe, each of them. */
public record NodeServices(ChannelHub channelHub, TokenVerifier verifier, NodeState state, GatewayMetrics metrics,
                           PresenceManager presence, String nodeId) {
}
