package io.pubsubgateway.transport;

import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.config.GatewayConfig;
import io.pubsubgateway.hook.HookClient;
import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.hub.LocalHub;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.session.FlushBatcher;
import io.pubsubgateway.session.Session;
import io.pubsubgateway.session.SessionServices;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.ext.web.Router;

import java.util.function.Function;

/**
 * One server instance (deployed once per core): accepts WebSocket upgrades on {@code http.path}
 * (over TLS when {@code http.tls.enabled}), authenticates them before the upgrade
 * ({@link HandshakeAuthenticator}, {@link WebSocketUpgrade}), serves SockJS on {@code sockjs.path}
 * ({@link SockJsEndpoint}) and plain HTTP elsewhere, and runs a {@link Session} per connection on
 * this verticle's event loop ({@link SessionRegistry}), with one {@link LocalHub} for the loop.
 */
public final class GatewayVerticle extends VerticleBase implements ServerLoop {
  private final GatewayConfig config;
  private final int listenPort;
  private final NodeServices services;
  private final ConnectionGate node;
  private final GatewayMetrics metrics;
  private final Permissions permissions;
  private final Function<Vertx, Router> httpRoutes;
  private final HandshakeAuthenticator authenticator;
  private SessionRegistry sessions;
  private WebSocketUpgrade upgrades;
  private HttpServer server;
  private Handler<HttpServerRequest> routes;

  /**
   * @param httpRoutes builds, once per instance, the handler of plain HTTP requests (API, metrics,
   *                   health) other than those to {@code http.path}
   */
  public GatewayVerticle(GatewayConfig config, int listenPort, NodeServices services,
                         Function<Vertx, Router> httpRoutes) {
    this.config = config;
    this.listenPort = listenPort;
    this.services = services;
    this.node = services.gate();
    this.metrics = services.metrics();
    this.permissions = new Permissions(config.channels());
    this.httpRoutes = httpRoutes;
    this.authenticator = new HandshakeAuthenticator(node, services.verifier(), config.http().allowedOrigins(),
      config.auth().allowAnonymous());
  }

  @Override
  public Future<?> start() {
    ChannelHub channelHub = services.channelHub();
    HookClient hooks = new HookClient(vertx.eventBus(), config.channels());
    SessionServices sessionServices = new SessionServices(new LocalHub(context, channelHub, metrics),
      new FlushBatcher(context), channelHub.publisher(), permissions, config.limits(), metrics, services.presence(),
      services.nodeId(), services.verifier(), hooks.hasChannelHooks() ? hooks : null, services.events());
    sessions = new SessionRegistry(context, sessionServices, node);
    ConnectHookCheck connectHook = new ConnectHookCheck(hooks, config.auth().connectHook());
    upgrades = new WebSocketUpgrade((ContextInternal) context, authenticator, connectHook, node, metrics, config.limits(), sessions);
    Router router = httpRoutes.apply(vertx);
    if (config.sockjs().enabled()) {
      new SockJsEndpoint(vertx, config.sockjs().path(), config.limits(), authenticator, connectHook, node, metrics,
        sessions).mount(router);
    }
    routes = router;
    // upgrades reach the request handler (no webSocketHandler): /ws is upgraded here after the token
    // check, SockJS's websocket transport by its route in the router
    server = vertx.createHttpServer(serverOptions()).requestHandler(this::handleRequest);
    sessions.startTimers(vertx);
    return server.listen().onSuccess(s -> node.register(this));
  }

  private HttpServerOptions serverOptions() {
    int hardCap = Math.max(config.limits().maxFrameBytes() * 4, 1024);
    HttpServerOptions options = new HttpServerOptions()
      .setHost(config.http().host())
      .setPort(listenPort)
      .setMaxWebSocketFrameSize(hardCap)
      .setMaxWebSocketMessageSize(hardCap)
      .setWebSocketClosingTimeout(5)
      // every request, response and handshake is handled on this verticle's loop: the HTTP connection
      // writes directly instead of through a thread-safe queue (~4.7 KiB of heap per connection, kept
      // for the connection's lifetime, since Vert.x holds the HTTP connection of an upgraded socket)
      .setStrictThreadMode(true)
      // a fan-out frame is encoded once for all sockets; per-socket compression would undo that
      .setPerMessageWebSocketCompressionSupported(false)
      .setPerFrameWebSocketCompressionSupported(false);
    ServerTls.apply(options, config.http().tls());
    return options;
  }

  @Override
  public Future<?> stop() {
    node.unregister(this);
    sessions.stopTimers(vertx);
    return server.close();
  }

  /** The port this server listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<Void> closeAll(CloseCode code) {
    return sessions.closeAll(code);
  }

  @Override
  public Future<Integer> disconnect(String user, CloseCode code) {
    return sessions.disconnect(user, code);
  }

  private void handleRequest(HttpServerRequest req) {
    if (!req.path().equals(config.http().path())) {
      routes.handle(req);
    } else if (req.canUpgradeToWebSocket()) {
      upgrades.handle(req);
    } else {
      req.response().setStatusCode(426).putHeader("Upgrade", "websocket").end("WebSocket upgrade required\n");
    }
  }
}
