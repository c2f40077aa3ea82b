package io.pubsubgateway.testing;

import io.pubsubgateway.auth.TokenMinter;
import io.vertx.core.Vertx;

import java.util.List;

/** Signs tokens with the test secret. */
public final class TestTokens {
  private final TokenMinter minter;

  public TestTokens(Vertx vertx) {
    this.minter = new TokenMinter(vertx, TestConfig.jwt(), null);
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
