package io.pubsubgateway.bench.systems;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Comparison point: vertx-web's SockJS event-bus bridge deployed the way a Vert.x user would,
 * with its defaults: a {@link Router} with {@code SockJSHandler.create(vertx).bridge(options)}
 * mounted at {@code /eventbus/*}, addresses {@code bench\..*} permitted in and out. Clients use the
 * raw WebSocket endpoint {@code ws://HOST:PORT/eventbus/websocket} and the bridge JSON frames.
 *
 * <p>Usage: {@code BridgeServer HOST PORT CLUSTER_NAME|-}. With a cluster name, Vert.x is clustered
 * through Hazelcast configured exactly like a gateway node's ({@code conf/cluster.xml} relative to
 * the working directory: TCP-IP join on loopback, multicast off; the cluster name overridden;
 * phone-home off; event bus bound to and advertised as 127.0.0.1). With {@code -} it runs
 * standalone. Prints {@code listening on PORT} once every instance serves; SIGTERM/SIGINT closes
 * Vert.x (and so leaves the cluster) before the JVM exits.
 *
 * <p>Threading: one verticle instance per core shares the port; each instance builds its own router
 * and bridge in {@link #start()} on its own event loop (a bridge keeps per-socket state on the loop
 * of the socket, so nothing is shared between instances except the Vert.x event bus).
 * Note the bridge's defaults: a socket that sends no {@code {"type":"ping"}} for
 * {@link SockJSBridgeOptions#DEFAULT_PING_TIMEOUT} ms is closed, and one consumer is registered on
 * the (clustered) event bus per socket per address.
 */
public final class BridgeServer extends VerticleBase {
  /** Hazelcast configuration, relative to the working directory (the project folder). */
  static final String HAZELCAST_CONFIG = "conf/cluster.xml";

  private final String host;
  private final int port;

  BridgeServer(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: BridgeServer HOST PORT CLUSTER_NAME|-");
      System.exit(2);
    }
    configureLogging();
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    String clusterName = "-".equals(args[2]) ? null : args[2];
    try {
      Vertx vertx = createVertx(clusterName).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> RawBroadcastServer.closeQuietly(vertx), "bridge-shutdown"));
      vertx.deployVerticle(() -> new BridgeServer(host, port),
          new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      RawBroadcastServer.exitOnStartFailure("BridgeServer", e);
    }
    System.out.println("listening on " + port + (clusterName == null ? " (standalone)" : " (cluster " + clusterName + ")"));
    System.out.flush();
  }

  /** As the gateway's main does: logback from conf/logback.xml when present, Hazelcast through SLF4J, no phone-home. */
  private static void configureLogging() {
    if (System.getProperty("logback.configurationFile") == null && Files.isReadable(Path.of("conf/logback.xml"))) {
      System.setProperty("logback.configurationFile", "conf/logback.xml");
    }
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    System.setProperty("hazelcast.logging.type", "slf4j");
    System.setProperty("hazelcast.phone.home.enabled", "false");
  }

  /** Mirrors {@code GatewayNode.createVertx}/{@code hazelcastConfig}: loopback event bus, conf/cluster.xml. */
  private static Future<Vertx> createVertx(String clusterName) throws Exception {
    VertxOptions options = new VertxOptions();
    if (clusterName == null) {
      return Future.succeededFuture(Vertx.vertx(options));
    }
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0).setClusterPublicHost("127.0.0.1");
    Config hz = new FileSystemXmlConfig(HAZELCAST_CONFIG);
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setClusterName(clusterName);
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hz)).buildClustered();
  }

  @Override
  public Future<?> start() {
    PermittedOptions bench = new PermittedOptions().setAddressRegex("bench\\..*");
    SockJSBridgeOptions options = new SockJSBridgeOptions().addInboundPermitted(bench).addOutboundPermitted(bench);
    Router router = Router.router(vertx);
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(options));
    return vertx.createHttpServer().requestHandler(router).listen(port, host);
  }
}
