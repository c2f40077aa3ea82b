package io.pubsubgateway.session;

import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.events.EventSink;
import io.pubsubgateway.hook.HookClient;
import io.pubsubgateway.hub.ChannelPublisher;
import io.pubsubgateway.hub.LocalHub;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.presence.PresenceManager;

/**
 * What the sessions of one event loop share: the loop's hub and flusher, and the node's publisher,
 * permissions, limits, metrics, presence, and id, the token verifier of the handshake (for
 * {@code refresh} frames), the hook client of channel hooks (null when no rule has a hook), and where
 * connection events go.
 */
public record SessionServices(LocalHub hub, FlushBatcher flusher, ChannelPublisher publisher, Permissions permissions,
                              LimitsConfig limits, GatewayMetrics metrics, PresenceManager presence, String nodeId,
                              TokenVerifier verifier, HookClient hooks, EventSink events) {
  /** Without channel hooks and without connection events. */
  public SessionServices(LocalHub hub, FlushBatcher flusher, ChannelPublisher publisher, Permissions permissions,
                         LimitsConfig limits, GatewayMetrics metrics, PresenceManager presence, String nodeId,
                         TokenVerifier verifier) {
    this(hub, flusher, publisher, permissions, limits, metrics, presence, nodeId, verifier, null, EventSink.NONE);
  }
}
