package io.pubsubgateway.transport;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.transport.HandshakeAuthenticator.Refusal;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;

/**
 * The SockJS endpoint: {@code sockjs.path/*}. Every SockJS request (info, transports, xhr sends)
 * carries the token as {@code ?token=} (headers and cookies do not work across SockJS transports)
 * and is checked before SockJS sees it, so a bad token never gets a session. The xhr transports
 * need their body read first: a BodyHandler, first handler of its own route, on POSTs.
 *
 * <p>Threading: the verticle's event loop.
 */
final class SockJsEndpoint {
  /** Routing-context key of the principal a SockJS request's token gave. */
  private static final String PRINCIPAL = "pubsub.principal";

  private final Vertx vertx;
  private final String path;
  private final LimitsConfig limits;
  private final HandshakeAuthenticator authenticator;
  private final ConnectionGate node;
  private final GatewayMetrics metrics;
  private final SessionRegistry sessions;

  /** @param path {@code sockjs.path} */
  SockJsEndpoint(Vertx vertx, String path, LimitsConfig limits, HandshakeAuthenticator authenticator,
                 ConnectionGate node, GatewayMetrics metrics, SessionRegistry sessions) {
    this.vertx = vertx;
    this.path = path;
    this.limits = limits;
    this.authenticator = authenticator;
    this.node = node;
    this.metrics = metrics;
    this.sessions = sessions;
  }

  /** Adds the SockJS routes to the instance's router. */
  void mount(Router router) {
    router.post(path + "/*").handler(BodyHandler.create(false).setBodyLimit(limits.maxFrameBytes() * 4L));
    router.route(path + "/*").handler(this::authenticate);
    SockJSHandler sockJs = SockJSHandler.create(vertx, new SockJSHandlerOptions().setRegisterWriteHandler(false));
    router.route(path + "/*").subRouter(sockJs.socketHandler(this::startSession));
  }

  private void authenticate(RoutingContext ctx) {
    authenticator.authenticate(ctx.request()).onComplete(ar -> {
      if (ar.succeeded() && !(opensSession(ctx) && node.userAtLimit(ar.result().user()))) {
        ctx.put(PRINCIPAL, ar.result());
        ctx.next();
        return;
      }
      Refusal r = ar.succeeded() ? new Refusal(429, "user_limit", "user at limits.maxConnectionsPerUser on this node")
        : (Refusal) ar.cause();
      HandshakeAuthenticator.log("-", String.valueOf(ctx.request().remoteAddress()), "rejected")
        .addKeyValue("transport", "sockjs").addKeyValue("status", r.status).addKeyValue("reason", r.getMessage())
        .log();
      metrics.handshakeRejected(r.status, r.label);
      ctx.response().setStatusCode(r.status).putHeader("Content-Type", "text/plain").end(r.getMessage() + "\n");
    });
  }

  /**
   * True for the requests that start a SockJS session: {@code /info}, which sockjs-client asks first,
   * and the websocket transport, whose every request is a new session. Requests of an open session
   * (xhr sends and polls) are never refused for the user's limit.
   */
  private static boolean opensSession(RoutingContext ctx) {
    String p = ctx.request().path();
    return p.endsWith("/info") || p.endsWith("/websocket");
  }

  private void startSession(SockJSSocket sock) {
    Principal principal = sock.routingContext() == null ? null : sock.routingContext().get(PRINCIPAL);
    String remote = String.valueOf(sock.remoteAddress());
    if (principal == null) {
      sock.close(); // cannot happen: every SockJS route passes the token check first
      return;
    }
    if (!node.tryReserve()) {
      HandshakeAuthenticator.log(principal.user(), remote, "rejected").addKeyValue("transport", "sockjs")
        .addKeyValue("status", 503).addKeyValue("reason", "node full (limits.maxConnections)").log();
      metrics.handshakeRejected(503, "node_full");
      sock.close();
      return;
    }
    if (!node.tryReserveUser(principal.user())) {
      node.release();
      HandshakeAuthenticator.log(principal.user(), remote, "rejected").addKeyValue("transport", "sockjs")
        .addKeyValue("status", 429).addKeyValue("reason", "user at limits.maxConnectionsPerUser on this node").log();
      metrics.handshakeRejected(429, "user_limit");
      sock.close(); // a fallback transport whose /info passed while a slot was free
      return;
    }
    HandshakeAuthenticator.log(principal.user(), remote, "accepted").addKeyValue("transport", "sockjs").log();
    metrics.connectionOpened();
    sessions.start(new SockJsClientSocket(sock, limits.maxFrameBytes(), limits.outboundQueueBytes()), principal);
  }
}
