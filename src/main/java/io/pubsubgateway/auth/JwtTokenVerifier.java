package io.pubsubgateway.auth;

import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.config.JwtConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.ArrayList;
import java.util.List;

/**
 * JWT verification with vertx-auth-jwt: only the configured algorithm and key are accepted (so
 * {@code alg: none} and algorithm swaps fail), {@code exp}/{@code nbf} are checked with the
 * configured leeway, {@code iss}/{@code aud} when configured. Claims: {@code sub} (required),
 * {@code subscribe} and {@code publish} (lists of channel patterns, or one pattern as a string).
 */
public final class JwtTokenVerifier implements TokenVerifier {
  private final JWTAuth jwt;

  public JwtTokenVerifier(Vertx vertx, JwtConfig config) {
    this.jwt = JWTAuth.create(vertx, options(config));
  }

  /** The vertx-auth-jwt options for a config; also used to mint dev tokens. */
  public static JWTAuthOptions options(JwtConfig config) {
    PubSecKeyOptions key = new PubSecKeyOptions().setAlgorithm(config.algorithm())
      .setBuffer(config.algorithm().equals("HS256") ? config.secret() : config.publicKeyPem());
    JWTOptions jwtOptions = new JWTOptions().setLeeway(config.leewaySeconds());
    if (config.issuer() != null) {
      jwtOptions.setIssuer(config.issuer());
    }
    if (config.audience() != null) {
      jwtOptions.setAudience(List.of(config.audience()));
    }
    return new JWTAuthOptions().addPubSecKey(key).setJWTOptions(jwtOptions);
  }

  @Override
  public Future<Principal> verify(String token) {
    if (token == null || token.isEmpty()) {
      return Future.failedFuture(new AuthException("missing token"));
    }
    if (token.chars().filter(c -> c == '.').count() != 2) {
      return Future.failedFuture(new AuthException("malformed token"));
    }
    Future<io.vertx.ext.auth.User> user;
    try {
      user = jwt.authenticate(new TokenCredentials(token));
    } catch (RuntimeException e) {
      return Future.failedFuture(new AuthException("invalid token: " + safe(e)));
    }
    return user.<Principal>transform(ar -> {
      if (ar.failed()) {
        return Future.failedFuture(new AuthException("invalid token: " + safe(ar.cause())));
      }
      try {
        // vertx-auth-jwt keeps exp/iat/nbf in the user's attributes, the other claims in its principal
        JsonObject claims = ar.result().principal().copy();
        Object exp = ar.result().attributes().getValue("exp");
        if (exp != null) {
          claims.put("exp", exp);
        }
        return Future.succeededFuture(principal(claims));
      } catch (AuthException e) {
        return Future.failedFuture(e);
      }
    });
  }

  static Principal principal(JsonObject claims) throws AuthException {
    if (!(claims.getValue("sub") instanceof String sub) || sub.isEmpty()) {
      throw new AuthException("invalid token: missing sub claim");
    }
    long exp = 0;
    Object expValue = claims.getValue("exp");
    if (expValue instanceof Number n) {
      exp = n.longValue() * 1000L;
    } else if (expValue != null) {
      throw new AuthException("invalid token: exp is not a number");
    }
    Object info = claims.getValue("info");
    if (info != null && !(info instanceof JsonObject)) {
      throw new AuthException("invalid token: info is not a JSON object");
    }
    return new Principal(sub, patterns(claims, "subscribe"), patterns(claims, "publish"), exp, (JsonObject) info);
  }

  private static List<ChannelPattern> patterns(JsonObject claims, String name) throws AuthException {
    Object value = claims.getValue(name);
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(ChannelPattern.of(s));
    }
    if (value instanceof JsonArray array) {
      List<String> list = new ArrayList<>();
      for (Object o : array) {
        if (!(o instanceof String s)) {
          throw new AuthException("invalid token: " + name + " claim must hold strings");
        }
        list.add(s);
      }
      return ChannelPattern.all(list);
    }
    throw new AuthException("invalid token: " + name + " claim must be a list of patterns");
  }

  private static String safe(Throwable t) {
    String m = t.getMessage();
    if (m == null) {
      return t.getClass().getSimpleName();
    }
    // vertx-auth-jwt messages do not echo the token; keep them short in any case
    m = m.replaceAll("\\s+", " ");
    return m.length() > 120 ? m.substring(0, 120) : m;
  }
}
