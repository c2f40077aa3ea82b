package io.pubsubgateway.transport;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.transport.HandshakeAuthenticator.Refusal;
import io.vertx.core.http.HttpServerRequest;

/**
 * WebSocket upgrades of {@code http.path}: each is authenticated before it is accepted (a refused
 * one gets its HTTP status and never becomes a WebSocket), takes a connection slot (503 when the
 * node is full) and one of its user's ({@code limits.maxConnectionsPerUser}: 429 when the user is
 * at the limit on this node), and becomes a session of the loop.
 *
 * <p>Threading: the verticle's event loop.
 */
final class WebSocketUpgrade {
  private final HandshakeAuthenticator authenticator;
  private final ConnectionGate node;
  private final GatewayMetrics metrics;
  private final LimitsConfig limits;
  private final SessionRegistry sessions;

  WebSocketUpgrade(HandshakeAuthenticator authenticator, ConnectionGate node, GatewayMetrics metrics,
                   LimitsConfig limits, SessionRegistry sessions) {
    this.authenticator = authenticator;
    this.node = node;
    this.metrics = metrics;
    this.limits = limits;
    this.sessions = sessions;
  }

  /** A WebSocket upgrade of {@code http.path}: authenticated before it is accepted. */
  void handle(HttpServerRequest hs) {
    String remote = String.valueOf(hs.remoteAddress());
    hs.pause(); // the token check may complete on a later turn
    authenticator.authenticate(hs).onComplete(ar -> {
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
    if (!node.tryReserveUser(principal.user())) {
      node.release();
      reject(hs, 429, remote, principal.user(), "user_limit", "user at limits.maxConnectionsPerUser on this node");
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
      sessions.start(new WebSocketClientSocket(ar.result(), limits.maxFrameBytes(), limits.outboundQueueBytes()),
        principal);
    });
  }

  /**
   * Refuses the upgrade with {@code status}; {@code label} is the metric's reason label, {@code reason}
   * the human one for the log (never the token).
   */
  private void reject(HttpServerRequest hs, int status, String remote, String user, String label, String reason) {
    HandshakeAuthenticator.log(user, remote, "rejected").addKeyValue("status", status).addKeyValue("reason", reason)
      .log();
    metrics.handshakeRejected(status, label);
    hs.resume();
    hs.response().setStatusCode(status).end();
  }
}
