package io.pubsubgateway.transport;

import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.events.EventSink;
import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.presence.PresenceManager;

/**
 * The node-wide parts every server verticle instance uses, handed over by the node. Thread-safe,
 * each of them.
 *
 * @param gate   the node's connection slots, its readiness to accept connections, and its registry of server loops
 * @param events where the sessions report connects, disconnects, subscribes and unsubscribes
 */
public record NodeServices(ChannelHub channelHub, TokenVerifier verifier, ConnectionGate gate, GatewayMetrics metrics,
                           PresenceManager presence, String nodeId, EventSink events) {
  /** Without connection events. */
  public NodeServices(ChannelHub channelHub, TokenVerifier verifier, ConnectionGate gate, GatewayMetrics metrics,
                      PresenceManager presence, String nodeId) {
    this(channelHub, verifier, gate, metrics, presence, nodeId, EventSink.NONE);
  }
}
