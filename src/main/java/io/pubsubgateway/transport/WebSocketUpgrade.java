package io.pubsubgateway.transport;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.transport.HandshakeAuthenticator.Refusal;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;

import java.util.UUID;

/**
 * WebSocket upgrades of {@code http.path}: each is authenticated (and, with {@code auth.connectHook},
 * admitted by the hook) before it is accepted (a refused one gets its HTTP status and never
 * becomes a WebSocket), takes a connection slot (503 when the node is full) and one of its
 * user's ({@code limits.maxConnectionsPerUser}: 429 when the user is at the limit on this node),
 * and becomes a session of the loop.
 *
 * <p>Threading: the verticle's event loop.
 */
final class WebSocketUpgrade {
  private final HandshakeAuthenticator authenticator;
  private final ConnectHookCheck connectHook;
  private final ConnectionGate node;
  private final GatewayMetrics metrics;
  private final LimitsConfig limits;
  private final SessionRegistry sessions;
  private final ContextInternal context;

  /** @param context the verticle's, on whose event loop its connections run */
  WebSocketUpgrade(ContextInternal context, HandshakeAuthenticator authenticator, ConnectHookCheck connectHook, ConnectionGate node,
                   GatewayMetrics metrics, LimitsConfig limits, SessionRegistry sessions) {
    this.authenticator = authenticator;
    this.connectHook = connectHook;
    this.node = node;
    this.metrics = metrics;
    this.limits = limits;
    this.sessions = sessions;
    this.context = context;
  }

  /** A WebSocket upgrade of {@code http.path}: authenticated before it is accepted. */
  void handle(HttpServerRequest hs) {
    String remote = String.valueOf(hs.remoteAddress());
    hs.pause(); // the token check and the connect hook may complete on a later turn
    String clientId = UUID.randomUUID().toString();
    authenticator.authenticate(hs)
      .compose(principal -> connectHook.admit(principal, clientId, remote, "websocket", hs.headers()))
      .onComplete(ar -> {
        if (ar.succeeded()) {
          accept(hs, ar.result(), remote, clientId);
        } else {
          Refusal r = (Refusal) ar.cause();
          reject(hs, r.status, remote, "-", r.label, r.getMessage(), r.body);
        }
      });
  }

  private void accept(HttpServerRequest hs, Principal principal, String remote, String clientId) {
    if (!node.tryReserve()) {
      reject(hs, 503, remote, principal.user(), "node_full", "node full (limits.maxConnections)", null);
      return;
    }
    if (!node.tryReserveUser(principal.user())) {
      node.release();
      reject(hs, 429, remote, principal.user(), "user_limit", "user at limits.maxConnectionsPerUser on this node",
        null);
      return;
    }
    hs.toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        node.release();
        node.releaseUser(principal.user());
        HandshakeAuthenticator.log(principal.user(), remote, "failed").addKeyValue("reason", ar.cause().toString())
          .log();
        return;
      }
      HandshakeAuthenticator.log(principal.user(), remote, "accepted").log();
      metrics.connectionOpened();
      // our own handler from here on, in this same turn: no frame of the client has been read yet
      sessions.start(WebSocketClientSocket.takeOver(ar.result(), context, limits.maxFrameBytes(),
        limits.outboundQueueBytes()), principal, clientId);
    });
  }

  /**
   * Refuses the upgrade with {@code status}; {@code label} is the metric's reason label, {@code reason}
   * the human one for the log (never the token), {@code body} what the client reads (null: nothing).
   */
  private void reject(HttpServerRequest hs, int status, String remote, String user, String label, String reason,
                      String body) {
    HandshakeAuthenticator.log(user, remote, "rejected").addKeyValue("status", status).addKeyValue("reason", reason)
      .log();
    metrics.handshakeRejected(status, label);
    hs.resume();
    if (body == null) {
      hs.response().setStatusCode(status).end();
    } else {
      hs.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(body + "\n");
    }
  }
}
