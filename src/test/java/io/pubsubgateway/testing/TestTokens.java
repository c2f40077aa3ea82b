package io.pubsubgateway.testing;

import io.pubsubgateway.auth.TokenMinter;
import io.pubsubgateway.config.JwtConfig;
import io.vertx.core.Vertx;

import java.util.List;

/** Signs tokens with the test secret, or with another HS256 secret (e.g. the dev secret of the scripts' nodes). */
public final class TestTokens {
  private final TokenMinter minter;

  public TestTokens(Vertx vertx) {
    this(vertx, TestConfig.jwt());
  }

  private TestTokens(Vertx vertx, JwtConfig jwt) {
    this.minter = new TokenMinter(vertx, jwt, null);
  }

  /** Signs with {@code secret} (HS256), as nodes configured with that secret expect. */
  public static TestTokens withSecret(Vertx vertx, String secret) {
    return new TestTokens(vertx, new JwtConfig("HS256", secret, null, null, null, 0));
  }

  public String token(String user, List<String> subscribe, List<String> publish) {
    return minter.mint(user, subscribe, publish, 3600);
  }

  public String token(String user, List<String> subscribe, List<String> publish, int ttlSeconds) {
    return minter.mint(user, subscribe, publish, ttlSeconds);
  }

  /** A token allowed to subscribe and publish everywhere. */
  public String any(String user) {
    return token(user, List.of("*"), List.of("*"));
  }
}
