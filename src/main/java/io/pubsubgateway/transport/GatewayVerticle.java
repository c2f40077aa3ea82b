package io.pubsubgateway.transport;

import io.pubsubgateway.auth.ChannelPattern;
import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.config.GatewayConfig;
import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.hub.LocalHub;
import io.pubsubgateway.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One server instance (deployed once per core): accepts WebSocket upgrades on {@code http.path},
 * authenticates them before the upgrade, and runs a {@link Session} per connection on this
 * verticle's event loop, with one {@link LocalHub} for the loop.
 */
public final class GatewayVerticle extends VerticleBase implements NodeState.ServerLoop {
  private static final Logger HANDSHAKE_LOG = LoggerFactory.getLogger("io.pubsubgateway.handshake");

  private final GatewayConfig config;
  private final int listenPort;
  private final ChannelHub channelHub;
  private final TokenVerifier verifier;
  private final Permissions permissions;
  private final NodeState node;
  private final List<ChannelPattern> origins;
  private final Set<Session> sessions = new LinkedHashSet<>();
  private LocalHub hub;
  private FlushBatcher flusher;
  private HttpServer server;
  private long sweepTimer = -1;

  public GatewayVerticle(GatewayConfig config, int listenPort, ChannelHub channelHub, TokenVerifier verifier,
                         NodeState node) {
    this.config = config;
    this.listenPort = listenPort;
    this.channelHub = channelHub;
    this.verifier = verifier;
    this.permissions = new Permissions(config.channels());
    this.node = node;
    this.origins = ChannelPattern.all(config.http().allowedOrigins());
  }

  @Override
  public Future<?> start() {
    hub = new LocalHub(context, channelHub);
    flusher = new FlushBatcher(context);
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
    server = vertx.createHttpServer(options)
      .webSocketHandshakeHandler(this::handleHandshake)
      .requestHandler(this::handleRequest);
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
  public Future<Void> closeAll() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      List<Future<Void>> closing = new ArrayList<>();
      for (Session s : new ArrayList<>(sessions)) {
        closing.add(s.closedFuture());
        s.close(CloseCode.GOING_AWAY);
      }
      Future.join(closing).<Void>mapEmpty().onComplete(done);
    });
    return done.future();
  }

  private void handleRequest(HttpServerRequest req) {
    if (req.path().equals(config.http().path())) {
      req.response().setStatusCode(426).putHeader("Upgrade", "websocket").end("WebSocket upgrade required\n");
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private void handleHandshake(ServerWebSocketHandshake hs) {
    if (!hs.path().equals(config.http().path())) {
      hs.reject(404);
      return;
    }
    String remote = String.valueOf(hs.remoteAddress());
    if (node.shuttingDown()) {
      reject(hs, 503, remote, "-", "node shutting down");
      return;
    }
    String origin = hs.headers().get("Origin");
    if (origin != null && !ChannelPattern.anyMatches(origins, origin)) {
      reject(hs, 403, remote, "-", "origin not allowed: " + origin);
      return;
    }
    String token = HandshakeRequest.token(hs.headers(), hs.query());
    if (token == null && config.auth().allowAnonymous()) {
      accept(hs, Principal.ANONYMOUS, remote);
      return;
    }
    if (token == null) {
      reject(hs, 401, remote, "-", "missing token");
      return;
    }
    verifier.verify(token).onComplete(ar -> {
      if (ar.failed()) {
        reject(hs, 401, remote, "-", ar.cause().getMessage());
      } else {
        accept(hs, ar.result(), remote);
      }
    });
  }

  private void accept(ServerWebSocketHandshake hs, Principal principal, String remote) {
    if (!node.tryReserve()) {
      reject(hs, 503, remote, principal.user(), "node full (limits.maxConnections)");
      return;
    }
    hs.accept().onComplete(ar -> {
      if (ar.failed()) {
        node.release();
        HANDSHAKE_LOG.info("handshake user={} remote={} result=failed reason={}", principal.user(), remote,
          ar.cause().toString());
        return;
      }
      HANDSHAKE_LOG.info("handshake user={} remote={} result=accepted", principal.user(), remote);
      startSession(ar.result(), principal);
    });
  }

  private void reject(ServerWebSocketHandshake hs, int status, String remote, String user, String reason) {
    HANDSHAKE_LOG.info("handshake user={} remote={} result=rejected status={} reason={}", user, remote, status, reason);
    hs.reject(status);
  }

  private void startSession(ServerWebSocket ws, Principal principal) {
    Session[] holder = new Session[1];
    Session session = new Session(ws, principal, hub, channelHub.broker(), permissions, config.limits(), flusher, () -> {
      sessions.remove(holder[0]);
      node.release();
    });
    holder[0] = session;
    sessions.add(session);
    session.start();
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    for (Session s : new ArrayList<>(sessions)) {
      s.checkTimers(now);
    }
  }
}
