package io.pubsubgateway.transport;

import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.config.GatewayConfig;
import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.hub.LocalHub;
import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.session.ClientSocket;
import io.pubsubgateway.session.FlushBatcher;
import io.pubsubgateway.session.Session;
import io.pubsubgateway.session.SessionServices;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import org.slf4j.spi.LoggingEventBuilder;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One server instance (deployed once per core): accepts WebSocket upgrades on {@code http.path}
 * (over TLS when {@code http.tls.enabled}), authenticates them before the upgrade, and runs a {@link Session} per connection on this
 * verticle's event loop, with one {@link LocalHub} for the loop.
 */
public final class GatewayVerticle extends VerticleBase implements ServerLoop {
  /** Routing-context key of the principal a SockJS request's token gave. */
  private static final String PRINCIPAL = "pubsub.principal";
  private static final Logger HANDSHAKE_LOG = LoggerFactory.getLogger("io.pubsubgateway.handshake");

  private final GatewayConfig config;
  private final int listenPort;
  private final ChannelHub channelHub;
  private final TokenVerifier verifier;
  private final Permissions permissions;
  private final ConnectionGate node;
  private final GatewayMetrics metrics;
  private final NodeServices services;
  private final Function<Vertx, Router> httpRoutes;
  private final List<ChannelPattern> origins;
  private final Set<Session> sessions = new LinkedHashSet<>();
  private SessionServices sessionServices;
  private HttpServer server;
  private Handler<HttpServerRequest> routes;
  private long sweepTimer = -1;

  /**
   * @param httpRoutes builds, once per instance, the handler of plain HTTP requests (API, metrics,
   *                   health) other than those to {@code http.path}
   */
  public GatewayVerticle(GatewayConfig config, int listenPort, NodeServices services,
                         Function<Vertx, Router> httpRoutes) {
    this.config = config;
    this.listenPort = listenPort;
    this.services = services;
    this.channelHub = services.channelHub();
    this.verifier = services.verifier();
    this.permissions = new Permissions(config.channels());
    this.node = services.gate();
    this.metrics = services.metrics();
    this.httpRoutes = httpRoutes;
    this.origins = ChannelPattern.all(config.http().allowedOrigins());
  }

  @Override
  public Future<?> start() {
    sessionServices = new SessionServices(new LocalHub(context, channelHub, metrics), new FlushBatcher(context),
      channelHub.publisher(), permissions, config.limits(), metrics, services.presence(), services.nodeId());
    Router router = httpRoutes.apply(vertx);
    if (config.sockjs().enabled()) {
      mountSockJs(router);
    }
    routes = router;
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
    // upgrades reach the request handler (no webSocketHandler): /ws is upgraded here after the token
    // check, SockJS's websocket transport by its route in the router
    server = vertx.createHttpServer(options).requestHandler(this::handleRequest);
    sweepTimer = vertx.setPeriodic(1000, id -> sweep());
    return server.listen().onSuccess(s -> node.register(this));
  }

  @Override
  public Future<?> stop() {
    node.unregister(this);
    vertx.cancelTimer(sweepTimer);
    return server.close();
  }

  /** The port this server listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  @Override
  public Future<Void> closeAll(CloseCode code) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      for (Session s : new ArrayList<>(sessions)) {
        closing.add(s.closedFuture());
        s.close(code);
      }
      Future.join(closing).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  @Override
  public Future<Integer> disconnect(String user, CloseCode code) {
    Promise<Integer> done = Promise.promise();
    context.runOnContext(v -> {
      int n = 0;
      for (Session s : new ArrayList<>(sessions)) {
        if (s.principal().user().equals(user)) {
          s.close(code);
          n++;
        }
      }
      done.complete(n);
    });
    return done.future();
  }

  private void handleRequest(HttpServerRequest req) {
    if (!req.path().equals(config.http().path())) {
      routes.handle(req);
    } else if (req.canUpgradeToWebSocket()) {
      handleHandshake(req);
    } else {
      req.response().setStatusCode(426).putHeader("Upgrade", "websocket").end("WebSocket upgrade required\n");
    }
  }

  /** Why a handshake (or a SockJS request) is refused: HTTP status, metric label, log reason. */
  private static final class Refusal extends RuntimeException {
    final int status;
    final String label;

    Refusal(int status, String label, String reason) {
      super(reason, null, false, false);
      this.status = status;
      this.label = label;
    }
  }

  /**
   * The checks every connection passes before it exists, for {@code http.path} upgrades and SockJS
   * requests alike: node not stopping, allowed {@code Origin}, a valid token (or none when
   * anonymous clients are allowed). Fails with a {@link Refusal}.
   */
  private Future<Principal> authenticate(HttpServerRequest req) {
    if (node.shuttingDown()) {
      return Future.failedFuture(new Refusal(503, "shutting_down", "node shutting down"));
    }
    String isolated = node.isolated();
    if (isolated != null) {
      return Future.failedFuture(new Refusal(503, "quorum_lost", isolated));
    }
    String origin = req.headers().get("Origin");
    if (origin != null && !ChannelPattern.anyMatches(origins, origin)) {
      return Future.failedFuture(new Refusal(403, "origin", "origin not allowed: " + origin));
    }
    String token = HandshakeRequest.token(req.headers(), req.query());
    if (token == null) {
      return config.auth().allowAnonymous() ? Future.succeededFuture(Principal.ANONYMOUS)
        : Future.failedFuture(new Refusal(401, "missing_token", "missing token"));
    }
    return verifier.verify(token).recover(err -> Future.failedFuture(new Refusal(401, "invalid_token",
      err.getMessage())));
  }

  /** A WebSocket upgrade of {@code http.path}: authenticated before it is accepted. */
  private void handleHandshake(HttpServerRequest hs) {
    String remote = String.valueOf(hs.remoteAddress());
    hs.pause(); // the token check may complete on a later turn
    authenticate(hs).onComplete(ar -> {
      if (ar.succeeded()) {
        accept(hs, ar.result(), remote);
      } else {
        Refusal r = (Refusal) ar.cause();
        reject(hs, r.status, remote, "-", r.label, r.getMessage());
      }
    });
  }

  private void accept(HttpServerRequest hs, Principal principal, String remote) {
    if (!node.tryReserve()) {
      reject(hs, 503, remote, principal.user(), "node_full", "node full (limits.maxConnections)");
      return;
    }
    hs.toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        node.release();
        logHandshake(principal.user(), remote, "failed").addKeyValue("reason", ar.cause().toString()).log();
        return;
      }
      logHandshake(principal.user(), remote, "accepted").log();
      metrics.connectionOpened();
      startSession(ar.result(), principal);
    });
  }

  /**
   * Refuses the upgrade with {@code status}; {@code label} is the metric's reason label, {@code reason}
   * the human one for the log (never the token).
   */
  private void reject(HttpServerRequest hs, int status, String remote, String user, String label, String reason) {
    logHandshake(user, remote, "rejected").addKeyValue("status", status).addKeyValue("reason", reason).log();
    metrics.handshakeRejected(status, label);
    hs.resume();
    hs.response().setStatusCode(status).end();
  }

  private static LoggingEventBuilder logHandshake(String user, String remote, String result) {
    return HANDSHAKE_LOG.atInfo().setMessage("handshake").addKeyValue("user", user).addKeyValue("remote", remote)
      .addKeyValue("result", result);
  }

  /**
   * The SockJS endpoint: {@code sockjs.path/*}. Every SockJS request (info, transports, xhr sends)
   * carries the token as {@code ?token=} (headers and cookies do not work across SockJS transports)
   * and is checked before SockJS sees it, so a bad token never gets a session. The xhr transports
   * need their body read first: a BodyHandler, first handler of its own route, on POSTs.
   */
  private void mountSockJs(Router router) {
    String path = config.sockjs().path();
    router.post(path + "/*").handler(BodyHandler.create(false).setBodyLimit(config.limits().maxFrameBytes() * 4L));
    router.route(path + "/*").handler(this::authenticateSockJs);
    SockJSHandler sockJs = SockJSHandler.create(vertx, new SockJSHandlerOptions().setRegisterWriteHandler(false));
    router.route(path + "/*").subRouter(sockJs.socketHandler(this::startSockJsSession));
  }

  private void authenticateSockJs(RoutingContext ctx) {
    authenticate(ctx.request()).onComplete(ar -> {
      if (ar.succeeded()) {
        ctx.put(PRINCIPAL, ar.result());
        ctx.next();
        return;
      }
      Refusal r = (Refusal) ar.cause();
      logHandshake("-", String.valueOf(ctx.request().remoteAddress()), "rejected").addKeyValue("transport", "sockjs")
        .addKeyValue("status", r.status).addKeyValue("reason", r.getMessage()).log();
      metrics.handshakeRejected(r.status, r.label);
      ctx.response().setStatusCode(r.status).putHeader("Content-Type", "text/plain").end(r.getMessage() + "\n");
    });
  }

  private void startSockJsSession(SockJSSocket sock) {
    Principal principal = sock.routingContext() == null ? null : sock.routingContext().get(PRINCIPAL);
    String remote = String.valueOf(sock.remoteAddress());
    if (principal == null) {
      sock.close(); // cannot happen: every SockJS route passes the token check first
      return;
    }
    if (!node.tryReserve()) {
      logHandshake(principal.user(), remote, "rejected").addKeyValue("transport", "sockjs").addKeyValue("status", 503)
        .addKeyValue("reason", "node full (limits.maxConnections)").log();
      metrics.handshakeRejected(503, "node_full");
      sock.close();
      return;
    }
    logHandshake(principal.user(), remote, "accepted").addKeyValue("transport", "sockjs").log();
    metrics.connectionOpened();
    startSession(new SockJsClientSocket(sock, config.limits().maxFrameBytes(), config.limits().outboundQueueBytes()),
      principal);
  }

  private void startSession(ServerWebSocket ws, Principal principal) {
    startSession(new WebSocketClientSocket(ws, config.limits().maxFrameBytes(), config.limits().outboundQueueBytes()),
      principal);
  }

  private void startSession(ClientSocket socket, Principal principal) {
    Session[] holder = new Session[1];
    Session session = new Session(socket, principal, sessionServices, () -> {
      sessions.remove(holder[0]);
      node.release();
    });
    holder[0] = session;
    sessions.add(session);
    session.start();
    if (node.isolated() != null) {
      session.close(CloseCode.QUORUM_LOST); // isolated while its handshake was in flight
    }
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    for (Session s : new ArrayList<>(sessions)) {
      s.checkTimers(now);
    }
  }
}
