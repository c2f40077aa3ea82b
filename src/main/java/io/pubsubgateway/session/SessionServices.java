package io.pubsubgateway.session;

import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.events.EventSink;
import io.pubsubgateway.hub.ChannelPublisher;
import io.pubsubgateway.hub.LocalHub;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.presence.PresenceManager;

/**
 * What the sessions of one event loop share: the loop's hub and flusher, and the node's publisher,
 * permissions, limits, metrics, presence, id, and where connection events go.
 */
public record SessionServices(LocalHub hub, FlushBatcher flusher, ChannelPublisher publisher, Permissions permissions,
                              LimitsConfig limits, GatewayMetrics metrics, PresenceManager presence, String nodeId,
                              EventSink events) {
  /** Without connection events. */
  public SessionServices(LocalHub hub, FlushBatcher flusher, ChannelPublisher publisher, Permissions permissions,
                         LimitsConfig limits, GatewayMetrics metrics, PresenceManager presence, String nodeId) {
    this(hub, flusher, publisher, permissions, limits, metrics, presence, nodeId, EventSink.NONE);
  }
}
