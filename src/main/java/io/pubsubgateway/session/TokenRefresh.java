package io.pubsubgateway.session;

import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.ClientFrame;
import io.pubsubgateway.protocol.ErrorCode;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's {@code {"type":"refresh","token":T,"id":I}} frames: a new token without
 * reconnecting. {@code T} is verified by the node's {@link TokenVerifier}, exactly as at the
 * handshake, and must name the connection's user ({@code sub}). Accepted, it replaces the
 * connection's principal: the session's expiry check (close 4001) then reads the new {@code exp},
 * publishes and new subscriptions the new claims, and every current subscription the new token no
 * longer allows ends at once with {@code {"type":"err","body":"access_denied","address":C}} (no
 * id; its presence entry is removed and a {@code leave} sent, as for an unregister). The ack
 * ({@code {"type":"ack","id":I,"exp":E}}, {@code exp} in epoch seconds, absent when the token has
 * none) comes before those errors.
 *
 * <p>Refused with {@code invalid_token} (the connection keeps its token, and its expiry): a
 * missing or non-string token (decoded so by the codec), a token the verifier rejects (malformed,
 * bad signature, other algorithm, expired, not yet valid, wrong issuer or audience, bad claims),
 * another {@code sub}, an anonymous connection (it has no user a token could continue), and a
 * refresh overtaken by a later one of the same connection. Refreshes take a token of the
 * connection's publish bucket ({@code limits.publishPerSecond}): beyond it, {@code rate_limited}.
 *
 * <p>Threading: the session's event loop only.
 */
final class TokenRefresh {
  private static final Logger LOG = LoggerFactory.getLogger(TokenRefresh.class);

  private final Session session;
  private final TokenVerifier verifier;
  private final Permissions permissions;
  private final GatewayMetrics metrics;
  /** Refresh frames verified so far (a sequence number each), and the number of the one in force. */
  private long requested;
  private long applied;

  TokenRefresh(Session session, SessionServices services) {
    this.session = session;
    this.verifier = services.verifier();
    this.permissions = services.permissions();
    this.metrics = services.metrics();
  }

  void handle(ClientFrame frame) {
    if (session.principal().anonymous()) {
      refuse(frame, "an anonymous connection cannot refresh: connect with a token");
      return;
    }
    if (!session.takeRateToken()) {
      metrics.tokenRefresh("rate_limited");
      session.sendError(ErrorCode.RATE_LIMITED, null, "at most " + session.ratePerSecond()
        + " publishes and refreshes per second", frame.id());
      return;
    }
    long seq = ++requested;
    verifier.verify((String) frame.body()).onComplete(ar -> {
      if (!session.open()) {
        return;
      }
      if (ar.failed()) {
        refuse(frame, String.valueOf(ar.cause().getMessage()));
      } else if (!ar.result().user().equals(session.principal().user())) {
        refuse(frame, "the token is for another user (sub)");
      } else if (seq < applied) {
        refuse(frame, "overtaken by a later refresh");
      } else {
        applied = seq;
        apply(frame, ar.result());
      }
    });
  }

  private void apply(ClientFrame frame, Principal next) {
    session.replacePrincipal(next);
    metrics.tokenRefresh("accepted");
    LOG.debug("token refreshed user={} exp={}", next.user(), next.expiresAtMs());
    if (frame.id() != null) {
      JsonObject extra = new JsonObject();
      if (next.expiresAtMs() > 0) {
        extra.put("exp", next.expiresAtMs() / 1000);
      }
      session.reply(FrameCodec.encodeAck(frame.id(), null, extra));
    }
    for (String channel : session.channels()) {
      if (!permissions.maySubscribe(next, channel)) {
        session.sendError(ErrorCode.ACCESS_DENIED, channel, "subscription ended: the refreshed token does not allow it",
          null);
        session.unsubscribe(channel);
      }
    }
  }

  private void refuse(ClientFrame frame, String reason) {
    metrics.tokenRefresh("invalid_token");
    LOG.debug("token refresh refused user={}: {}", session.principal().user(), reason);
    session.sendError(ErrorCode.INVALID_TOKEN, null, reason, frame.id());
  }
}
