package io.pubsubgateway.transport;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.auth.TokenVerifier;
import io.pubsubgateway.channel.ChannelPattern;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.List;

/**
 * The checks every connection passes before it exists, for {@code http.path} upgrades and SockJS
 * requests alike: node not stopping nor isolated from its cluster's majority, allowed
 * {@code Origin}, a valid token (or none when anonymous clients are allowed). Also the one log of
 * handshake outcomes ({@code io.pubsubgateway.handshake}).
 *
 * <p>Thread-safe; the futures complete on the caller's context (the token check may take a later turn).
 */
final class HandshakeAuthenticator {
  private static final Logger HANDSHAKE_LOG = LoggerFactory.getLogger("io.pubsubgateway.handshake");

  private final ConnectionGate node;
  private final TokenVerifier verifier;
  private final List<ChannelPattern> origins;
  private final boolean allowAnonymous;

  /**
   * @param allowedOrigins {@code http.allowedOrigins}: patterns a browser's {@code Origin} must match
   * @param allowAnonymous {@code auth.allowAnonymous}: whether a request without a token is let in
   */
  HandshakeAuthenticator(ConnectionGate node, TokenVerifier verifier, List<String> allowedOrigins,
                         boolean allowAnonymous) {
    this.node = node;
    this.verifier = verifier;
    this.origins = ChannelPattern.all(allowedOrigins);
    this.allowAnonymous = allowAnonymous;
  }

  /** Why a handshake (or a SockJS request) is refused: HTTP status, metric label, log reason. */
  static final class Refusal extends RuntimeException {
    final int status;
    final String label;
    /** What the client is told (the response's body), or null for an empty body. */
    final String body;

    Refusal(int status, String label, String reason) {
      this(status, label, reason, null);
    }

    Refusal(int status, String label, String reason, String body) {
      super(reason, null, false, false);
      this.status = status;
      this.label = label;
      this.body = body;
    }
  }

  /**
   * The principal of {@code req}'s token (or {@link Principal#ANONYMOUS}); fails with a {@link Refusal}
   * when the node takes no connections, the origin is not allowed, or the token is missing or invalid.
   */
  Future<Principal> authenticate(HttpServerRequest req) {
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
      return allowAnonymous ? Future.succeededFuture(Principal.ANONYMOUS)
        : Future.failedFuture(new Refusal(401, "missing_token", "missing token"));
    }
    return verifier.verify(token).recover(err -> Future.failedFuture(new Refusal(401, "invalid_token",
      err.getMessage())));
  }

  /** A {@code handshake} log event of {@code user} from {@code remote} with its {@code result}; never the token. */
  static LoggingEventBuilder log(String user, String remote, String result) {
    return HANDSHAKE_LOG.atInfo().setMessage("handshake").addKeyValue("user", user).addKeyValue("remote", remote)
      .addKeyValue("result", result);
  }
}
