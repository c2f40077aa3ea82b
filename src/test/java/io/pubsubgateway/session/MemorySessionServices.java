package io.pubsubgateway.session;

import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.cluster.ClusterQuorum;
import io.pubsubgateway.config.ClusterConfig;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.history.MemoryHistoryStore;
import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.hub.ChannelPublisher;
import io.pubsubgateway.hub.LocalHub;
import io.pubsubgateway.testing.MemoryBroker;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.presence.MemoryPresenceManager;
import io.pubsubgateway.presence.PresenceManager;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.function.Function;

/** The services of one event loop's sessions over an in-memory broker, history and presence: for session tests. */
final class MemorySessionServices {
  private MemorySessionServices() {
  }

  /** Services of {@code context}'s sessions on node {@code node-1}, no channel rules; {@code verifier} may be null. */
  static SessionServices of(Vertx vertx, Context context, GatewayMetrics metrics, LimitsConfig limits,
                            TokenVerifier verifier) {
    return of(vertx, context, metrics, limits, verifier, ch -> ChannelOptions.NONE, new MemoryPresenceManager());
  }

  /** The same with the channels' {@code options} and a {@code presence} manager of the test's. */
  static SessionServices of(Vertx vertx, Context context, GatewayMetrics metrics, LimitsConfig limits,
                            TokenVerifier verifier, Function<String, ChannelOptions> options,
                            PresenceManager presence) {
    MemoryBroker broker = new MemoryBroker(vertx);
    ChannelPublisher publisher = new ChannelPublisher(broker, options, new MemoryHistoryStore(), ClusterQuorum.none());
    ChannelHub channelHub = new ChannelHub(vertx, broker, publisher, metrics, ClusterConfig.DEFAULT_GAP_WAIT_MS);
    return new SessionServices(new LocalHub(context, channelHub, metrics), new FlushBatcher(context), publisher,
      new Permissions(List.of()), limits, metrics, presence, "node-1", verifier);
  }
}
