package io.pubsubgateway.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import io.pubsubgateway.api.DemoRoutes;
import io.pubsubgateway.api.HttpRoutes;
import io.pubsubgateway.api.NodeCommands;
import io.pubsubgateway.api.ServerApi;
import io.pubsubgateway.auth.JwtTokenVerifier;
import io.pubsubgateway.cluster.ClusterAdmin;
import io.pubsubgateway.cluster.ClusterMembership;
import io.pubsubgateway.cluster.ClusterQuorum;
import io.pubsubgateway.cluster.ClusterRepair;
import io.pubsubgateway.cluster.NodeDepartures;
import io.pubsubgateway.events.EventsService;
import com.hazelcast.core.HazelcastInstance;
import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.history.HazelcastHistoryStore;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.history.MemoryHistoryStore;
import io.pubsubgateway.hub.ChannelPublisher;
import io.pubsubgateway.presence.HazelcastPresenceManager;
import io.pubsubgateway.presence.MemoryPresenceManager;
import io.pubsubgateway.presence.PresenceManager;
import io.pubsubgateway.transport.NodeServices;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.VertxBuilder;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.cluster.EventBusBroker;
import io.pubsubgateway.config.ConfigException;
import io.pubsubgateway.config.GatewayConfig;
import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.transport.GatewayVerticle;
import io.pubsubgateway.transport.ServerTls;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A running gateway node: its Vert.x instance (clustered through Hazelcast unless
 * {@code cluster.enabled=false}), the node's {@link ChannelHub}, and one {@link GatewayVerticle}
 * per core. Used by {@code GatewayMain} and by the integration tests alike.
 */
public final class GatewayNode {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayNode.class);
  /** How long shutdown waits for clients to answer the 1001 close. */
  private static final long CLOSE_WAIT_MS = 3000;
  /** Event-bus ping period per node-to-node connection (Vert.x's default: 20 s). */
  static final long EVENT_BUS_PING_MS = 3000;
  /** How long a ping waits for its pong before the connection is aborted (Vert.x's default: 20 s). */
  static final long EVENT_BUS_PING_REPLY_MS = 5000;
  /** Period of the quorum check besides the membership events. */
  static final long QUORUM_CHECK_MS = 1000;
  /** The split-brain protection publishes are checked against (with {@code cluster.minMembers} > 1). */
  static final String RECENTLY_ACTIVE = "pubsub-gateway-quorum";
  /**
   * How long since a member's last heartbeat it still counts as present for publishes: three of
   * conf/cluster.xml's one-second heartbeats.
   */
  static final int RECENTLY_ACTIVE_TOLERANCE_MS = 3000;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final ChannelHub hub;
  private final NodeState state;
  private final GatewayMetrics metrics;
  private final ClusterAdmin admin;
  private final int port;
  private final Runnable stopReactions;
  private final EventsService events;

  private GatewayNode(Vertx vertx, GatewayConfig config, ChannelHub hub, NodeState state, GatewayMetrics metrics,
                      ClusterAdmin admin, int port, Runnable stopReactions, EventsService events) {
    this.stopReactions = stopReactions;
    this.events = events;
    this.vertx = vertx;
    this.config = config;
    this.hub = hub;
    this.state = state;
    this.metrics = metrics;
    this.admin = admin;
    this.port = port;
  }

  /** Starts a node; fails with a {@link ConfigException} for problems the operator must fix. */
  public static Future<GatewayNode> start(GatewayConfig config) {
    Promise<GatewayNode> started = Promise.promise();
    GatewayMetrics metrics = config.metrics().enabled() ? GatewayMetrics.prometheus() : GatewayMetrics.disabled();
    createVertx(config, metrics).onComplete(created -> {
      if (created.failed()) {
        started.fail(created.cause());
        return;
      }
      deploy(created.result(), config, metrics).onComplete(deployed -> {
        if (deployed.succeeded()) {
          started.complete(deployed.result());
        } else {
          // fail first: listeners of the close future would run on an event loop that close terminates
          started.fail(deployed.cause());
          created.result().close().onComplete(ar -> metrics.close());
        }
      });
    });
    return started.future();
  }

  /** Server verticle instances: {@code http.instances}, or one per core when 0. */
  static int serverInstances(GatewayConfig config) {
    return config.http().instances() > 0 ? config.http().instances() : Runtime.getRuntime().availableProcessors();
  }

  private static Future<Vertx> createVertx(GatewayConfig config, GatewayMetrics metrics) {
    // one event loop per server verticle (Vert.x's default is two per core): each channel's messages
    // arrive on the loop that owns it (ChannelHub), and an owner loop running a server verticle
    // delivers to its own connections without a hand-over. Deploying the instances one after the
    // other gives each its own loop; should another context take a loop meanwhile, a loop without
    // a verticle still owns its channels and hands their messages over.
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(serverInstances(config));
    VertxBuilder builder = Vertx.builder();
    if (metrics.enabled() && config.metrics().vertx()) {
      // event-bus meters are off: they would be labelled per address, i.e. per channel
      options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
      builder.withMetrics(new MicrometerMetricsFactory(metrics.prometheusRegistry()));
    }
    if (!config.cluster().enabled()) {
      return Future.succeededFuture(builder.with(options).build());
    }
    options.getEventBusOptions()
      .setHost(config.cluster().host())
      .setPort(config.cluster().port())
      .setClusterPublicHost(config.cluster().host())
      // Vert.x keeps an event-bus connection to a node cut off by a partition until a ping goes
      // unanswered; what it queued meanwhile reaches the other node when the network heals — after
      // the clients moved there, as duplicates. Close such a connection within 8 s of silence (before
      // the cut-off side is declared gone, about 10 s) and abort it (linger 0), dropping what it queued.
      .setClusterPingInterval(EVENT_BUS_PING_MS)
      .setClusterPingReplyInterval(EVENT_BUS_PING_REPLY_MS)
      .setSoLinger(0);
    Config hz;
    try {
      hz = hazelcastConfig(config);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return builder.with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered()
      .recover(err -> Future.failedFuture(new ConfigException("cluster: cannot join the Hazelcast cluster ("
        + config.cluster().hazelcastConfig() + "): " + err.getMessage(), err)));
  }

  /** Loads {@code cluster.hazelcastConfig}, applying {@code cluster.name} and the no-phone-home rule. */
  static Config hazelcastConfig(GatewayConfig config) {
    System.setProperty("hazelcast.phone.home.enabled", "false");
    Config hz;
    try {
      hz = new FileSystemXmlConfig(config.cluster().hazelcastConfig());
    } catch (FileNotFoundException e) {
      throw new ConfigException("cluster.hazelcastConfig: cannot read " + config.cluster().hazelcastConfig());
    } catch (RuntimeException e) {
      throw new ConfigException("cluster.hazelcastConfig: invalid Hazelcast config "
        + config.cluster().hazelcastConfig() + ": " + e.getMessage().replaceAll("\\s+", " "));
    }
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    if (config.cluster().name() != null) {
      hz.setClusterName(config.cluster().name());
    }
    HazelcastHistoryStore.configure(hz, config.channels());
    HazelcastPresenceManager.configure(hz);
    EventsService.configure(hz);
    if (config.cluster().minMembers() > 1) {
      hz.addSplitBrainProtectionConfig(SplitBrainProtectionConfig.newRecentlyActiveSplitBrainProtectionConfigBuilder(
        RECENTLY_ACTIVE, config.cluster().minMembers(), RECENTLY_ACTIVE_TOLERANCE_MS).build());
    }
    warnWeakQuorum(config, hz);
    return hz;
  }

  /**
   * With a quorum, an append must not be acknowledged before its node could notice a partition: the
   * backup timeout has to exceed the heartbeat timeout (see conf/cluster.xml).
   */
  private static void warnWeakQuorum(GatewayConfig config, Config hz) {
    if (config.cluster().minMembers() <= 1) {
      return;
    }
    long backupMs = Long.parseLong(hz.getProperty("hazelcast.operation.backup.timeout.millis") == null ? "5000"
      : hz.getProperty("hazelcast.operation.backup.timeout.millis"));
    long heartbeatMs = 1000 * Long.parseLong(hz.getProperty("hazelcast.max.no.heartbeat.seconds") == null ? "60"
      : hz.getProperty("hazelcast.max.no.heartbeat.seconds"));
    if (backupMs <= heartbeatMs) {
      LOG.warn("cluster.minMembers is {} but hazelcast.operation.backup.timeout.millis ({}) is not above "
          + "hazelcast.max.no.heartbeat.seconds ({} s): a node cut off from its backups may acknowledge publishes the "
          + "merge will discard (see conf/cluster.xml)", config.cluster().minMembers(), backupMs, heartbeatMs / 1000);
    }
  }

  private static Future<GatewayNode> deploy(Vertx vertx, GatewayConfig config, GatewayMetrics metrics) {
    Permissions permissions = new Permissions(config.channels());
    HazelcastInstance hz = hazelcast(vertx);
    HistoryStore history = hz != null ? new HazelcastHistoryStore(vertx, hz) : new MemoryHistoryStore();
    history.start();
    PresenceManager presence = hz != null ? new HazelcastPresenceManager(vertx, hz) : new MemoryPresenceManager();
    NodeState state = new NodeState(config.limits().maxConnections(), config.limits().maxConnectionsPerUser());
    ClusterMembership membership = hz != null ? new ClusterMembership(hz) : null;
    ClusterQuorum quorum = membership == null || config.cluster().minMembers() <= 1 ? ClusterQuorum.none()
      : new ClusterQuorum(config.cluster().minMembers(), membership::dataMembers,
        hz.getSplitBrainProtectionService().getSplitBrainProtection(RECENTLY_ACTIVE)::hasMinimumSize,
        state::isolate, state::rejoin);
    ChannelPublisher publisher = new ChannelPublisher(
      new EventBusBroker(vertx.eventBus(), config.cluster().addressPrefix(), metrics.enabled()),
      permissions::options, history, quorum);
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    String nodeId = cm != null ? cm.getNodeId() : UUID.randomUUID().toString();
    EventsService events = EventsService.create(vertx, config.events(), nodeId, hz, metrics);
    ChannelHub hub = new ChannelHub(vertx, publisher.broker(), publisher, metrics, config.cluster().gapWaitMs(),
      events.channelListener());
    TokenVerifier verifier = new JwtTokenVerifier(vertx, config.auth().jwt());
    int[] actualPort = new int[1];
    ClusterAdmin admin = new ClusterAdmin(vertx, nodeId, config.api().clusterTimeoutMs(),
      new NodeCommands(state, hub, metrics, () -> config.http().host() + ":" + actualPort[0]));
    Runnable stopReactions = () -> { };
    if (membership != null) {
      ClusterRepair repair = new ClusterRepair(vertx,
        () -> hub.checkRegistrations(((VertxInternal) vertx).clusterManager()), hub::reposition);
      membership.observe(ClusterMembership.Observer.onChange(history::membershipChanged))
        .observe(ClusterMembership.Observer.onChange(quorum::check))
        .observe(new NodeDepartures(presence, publisher::options, publisher::event))
        .observe(repair)
        .observe(events.membershipObserver())
        .start();
      quorum.check(); // a node starting alone has no quorum until the others join
      long quorumTimer = vertx.setPeriodic(QUORUM_CHECK_MS, id -> quorum.check());
      stopReactions = () -> {
        vertx.cancelTimer(quorumTimer);
        repair.stop();
        membership.stop();
      };
    }
    registerGauges(vertx, metrics, state, hub, admin, quorum);
    ServerApi api = config.api().enabled() ? new ServerApi(config.api(), config.limits().maxChannelLength(),
      publisher, admin, presence, metrics) : null;
    NodeServices services = new NodeServices(hub, verifier, state, metrics, presence, admin.nodeId(), events.sink());
    HttpRoutes routes = new HttpRoutes(config, state, metrics, api, admin,
      () -> admin.members().contains(admin.nodeId()));
    int instances = serverInstances(config);
    // port 0: a negative port makes Vert.x share one random port among the instances
    int listenPort = config.http().port() == 0 ? -1 : config.http().port();
    List<GatewayVerticle> verticles = new CopyOnWriteArrayList<>();
    Runnable finalStop = stopReactions;
    return ServerTls.check(vertx, config.http().tls())
      .compose(checked -> admin.start())
      .compose(v -> config.demo() ? DemoRoutes.startEcho(vertx) : Future.succeededFuture())
      .compose(v -> vertx.deployVerticle(() -> {
          GatewayVerticle verticle = new GatewayVerticle(config, listenPort, services, routes::router);
          verticles.add(verticle);
          return verticle;
        }, new DeploymentOptions().setInstances(instances))
        .recover(err -> Future.failedFuture(listenError(config, err))))
      .map(id -> {
        if (hub.loopsWithoutLocalHub() > 0) {
          LOG.info("{} of {} event loops run no server verticle: they only own their share of channels and hand "
            + "those channels' messages over to the server loops", hub.loopsWithoutLocalHub(), hub.eventLoops());
        }
        actualPort[0] = verticles.get(0).actualPort();
        state.markStarted();
        return new GatewayNode(vertx, config, hub, state, metrics, admin, actualPort[0], finalStop, events);
      });
  }

  /** The node's Hazelcast instance, or null when not clustered. */
  private static HazelcastInstance hazelcast(Vertx vertx) {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    return cm instanceof HazelcastClusterManager hcm ? hcm.getHazelcastInstance() : null;
  }

  private static void registerGauges(Vertx vertx, GatewayMetrics metrics, NodeState state, ChannelHub hub,
                                     ClusterAdmin admin, ClusterQuorum quorum) {
    metrics.gauge("pubsub.gateway.cluster.quorum", "1 while this node sees at least cluster.minMembers members, else 0",
      () -> quorum.members() ? 1 : 0);
    metrics.gauge("pubsub.gateway.connections", "Open WebSocket connections", state::connections);
    metrics.gauge("pubsub.gateway.channels", "Channels this node holds a cluster subscription for", hub::channelCount);
    metrics.gauge("pubsub.gateway.cluster.nodes", "Members of the cluster as this node sees them (1 when standalone)",
      () -> admin.members().size());
  }

  /** A failed listen as a config error: TLS set-up problems name {@code http.tls}, the rest {@code http.port}. */
  private static ConfigException listenError(GatewayConfig config, Throwable err) {
    if (ServerTls.isTlsFailure(err)) {
      return new ConfigException("http.tls: cannot set up TLS on " + config.http().host() + ":"
        + config.http().port() + ": " + ConfigException.rootMessage(err), err);
    }
    return new ConfigException("http.port: cannot listen on " + config.http().host() + ":" + config.http().port()
      + ": " + err.getMessage(), err);
  }

  /**
   * Graceful stop: refuse new connections (503), close every connection with 1001, leave the
   * cluster, close Vert.x.
   */
  public Future<Void> stop() {
    LOG.info("shutting down: closing {} connections with 1001", state.connections());
    stopReactions.run();
    return state.beginShutdown()
      .timeout(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS)
      .transform(ar -> events.stop(() -> hub.channelCount() == 0))
      .transform(ar -> hub.publisher().history().close())
      .transform(ar -> admin.stop())
      .transform(ar -> vertx.close())
      .andThen(ar -> metrics.close());
  }

  public Vertx vertx() {
    return vertx;
  }

  public GatewayConfig config() {
    return config;
  }

  /** The HTTP port the node listens on (the real one when {@code http.port} was 0). */
  public int port() {
    return port;
  }

  public ChannelHub hub() {
    return hub;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /** This node's id in the cluster (a random one when standalone). */
  public String nodeId() {
    return admin.nodeId();
  }

  /** Open WebSocket connections. */
  public int connections() {
    return state.connections();
  }

  /** The cluster manager, or null when not clustered. */
  public ClusterManager clusterManager() {
    return ((VertxInternal) vertx).clusterManager();
  }
}
