package io.pubsubgateway.auth;

import io.pubsubgateway.config.JwtConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.util.List;

/**
 * Signs tokens the gateway accepts, with vertx-auth-jwt: with the configured HS256 secret, or for
 * RS256/ES256 with a PEM private key. For development and tests; production tokens come from the
 * application's own auth service.
 */
public final class TokenMinter {
  private final JWTAuth jwt;
  private final JwtConfig config;

  /**
   * @param privateKeyPem PKCS#8 PEM private key for RS256/ES256; ignored (may be null) for HS256
   */
  public TokenMinter(Vertx vertx, JwtConfig config, String privateKeyPem) {
    this.config = config;
    JWTAuthOptions options;
    if (config.algorithm().equals("HS256")) {
      options = JwtTokenVerifier.options(config);
    } else {
      if (privateKeyPem == null) {
        throw new IllegalArgumentException(config.algorithm() + " tokens need a PEM private key (--private-key)");
      }
      options = new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm(config.algorithm())
        .setBuffer(privateKeyPem));
    }
    this.jwt = JWTAuth.create(vertx, options);
  }

  /**
   * A token for {@code user} with the given channel patterns, valid for {@code ttlSeconds} (no
   * {@code exp} when 0).
   */
  public String mint(String user, List<String> subscribe, List<String> publish, int ttlSeconds) {
    JsonObject claims = new JsonObject();
    if (!subscribe.isEmpty()) {
      claims.put("subscribe", new JsonArray(subscribe));
    }
    if (!publish.isEmpty()) {
      claims.put("publish", new JsonArray(publish));
    }
    JWTOptions options = new JWTOptions().setAlgorithm(config.algorithm()).setSubject(user);
    if (ttlSeconds > 0) {
      options.setExpiresInSeconds(ttlSeconds);
    }
    if (config.issuer() != null) {
      options.setIssuer(config.issuer());
    }
    if (config.audience() != null) {
      options.setAudience(List.of(config.audience()));
    }
    return jwt.generateToken(claims, options);
  }
}
