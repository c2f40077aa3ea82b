package io.pubsubgateway.session;

import io.pubsubgateway.auth.JwtTokenVerifier;
import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.TestConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code refresh} frames on a real session on a real event loop, with the node's JWT verifier and
 * an in-memory broker: the ack with the new {@code exp}, the new expiry enforced by the session's
 * timer check, subscriptions the new token no longer allows ended with {@code access_denied}, every
 * refusal with {@code invalid_token} leaving the old token in force, and the shared rate limit.
 */
class TokenRefreshTest {
  private static final int RATE = 3;
  private static final LimitsConfig LIMITS = new LimitsConfig(65536, 100, 0, RATE, 0, 1 << 20, 200);

  private final Vertx vertx = Vertx.vertx();
  private final Context context = ((VertxInternal) vertx).createEventLoopContext();
  private final GatewayMetrics metrics = GatewayMetrics.prometheus();
  private final JwtTokenVerifier verifier = new JwtTokenVerifier(vertx, TestConfig.jwt());
  private final SessionServices services;
  /** Every session of a test writes to this one socket. */
  private final FrameSocket socket = new FrameSocket();
  private final List<JsonObject> written = socket.written;
  private final List<Short> closes = socket.closes;

  TokenRefreshTest() {
    services = MemorySessionServices.of(vertx, context, metrics, LIMITS, verifier);
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** An HS256 token of {@code claims} signed with {@code secret}. */
  private static String sign(JsonObject claims, String secret) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString(new JsonObject().put("alg", "HS256").put("typ", "JWT").encode()
      .getBytes(StandardCharsets.UTF_8)) + "." + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String token(String user, long exp, String... patterns) {
    return sign(new JsonObject().put("sub", user).put("iat", now()).put("exp", exp)
      .put("subscribe", new JsonArray(List.of(patterns))).put("publish", new JsonArray(List.of(patterns))),
      TestConfig.SECRET);
  }

  private <T> T onLoop(Supplier<T> action) {
    return Await.on(context, action);
  }

  private Session session(String token) {
    Principal principal = token == null ? Principal.ANONYMOUS : Await.result(verifier.verify(token));
    return onLoop(() -> {
      Session s = new Session(socket, principal, services, () -> { });
      s.start();
      return s;
    });
  }

  private void send(Session s, JsonObject frame) {
    onLoop(() -> {
      s.handleMessage(Buffer.buffer(frame.encode()));
      return null;
    });
  }

  /** Waits for the {@code n}-th frame written (from 1) and returns it. */
  private JsonObject frame(int n) {
    Await.until(n + " frames, got " + written, () -> written.size() >= n);
    return written.get(n - 1);
  }

  private void subscribe(Session s, String channel) {
    int before = written.size();
    send(s, new JsonObject().put("type", "register").put("address", channel).put("id", "s-" + channel));
    assertEquals(new JsonObject().put("type", "ack").put("id", "s-" + channel).put("address", channel),
      frame(before + 1));
  }

  private static JsonObject refresh(String token, Object id) {
    JsonObject f = new JsonObject().put("type", "refresh").put("id", id);
    return token == null ? f : f.put("token", token);
  }

  private boolean checkTimers(Session s, long nowMs) {
    return onLoop(() -> {
      s.checkTimers(nowMs);
      return !s.open();
    });
  }

  private double refreshes(String result) {
    var c = metrics.prometheusRegistry().find("pubsub.gateway.token.refreshes").tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void anAcceptedRefreshIsAckedWithTheNewExpAndMovesTheExpiry() {
    long oldExp = now() + 60;
    Session s = session(token("alice", oldExp, "chat.*"));
    long newExp = now() + 3600;
    send(s, refresh(token("alice", newExp, "chat.*"), "t1"));
    assertEquals(new JsonObject().put("type", "ack").put("id", "t1").put("exp", newExp), frame(1));
    assertEquals(newExp * 1000, s.principal().expiresAtMs());
    assertEquals(false, checkTimers(s, oldExp * 1000 + 1), "not closed at the old expiry");
    assertEquals(true, checkTimers(s, newExp * 1000), "closed at the new one");
    assertEquals(List.of((short) 4001), closes);
    assertEquals(1.0, refreshes("accepted"));
  }

  @Test
  void aRefreshWithoutIdIsSilentAndATokenWithoutExpNeverExpires() {
    Session s = session(token("alice", now() + 60, "chat.*"));
    send(s, new JsonObject().put("type", "refresh").put("token",
      sign(new JsonObject().put("sub", "alice").put("subscribe", "chat.*"), TestConfig.SECRET)));
    Await.until("refreshed", () -> s.principal().expiresAtMs() == 0);
    send(s, new JsonObject().put("type", "refresh").put("id", 2).put("token",
      sign(new JsonObject().put("sub", "alice"), TestConfig.SECRET)));
    assertEquals(new JsonObject().put("type", "ack").put("id", 2), frame(1), "no exp in the ack, nothing before it");
    assertEquals(false, checkTimers(s, Long.MAX_VALUE));
  }

  @Test
  void subscriptionsTheNewTokenNoLongerAllowsEndWithAccessDeniedAfterTheAck() {
    Session s = session(token("alice", now() + 60, "chat.*", "news.*"));
    subscribe(s, "chat.a");
    subscribe(s, "news.b");
    subscribe(s, "chat.c");
    long exp = now() + 600;
    send(s, refresh(token("alice", exp, "chat.*"), "t2"));
    assertEquals(new JsonObject().put("type", "ack").put("id", "t2").put("exp", exp), frame(4));
    assertEquals(new JsonObject().put("type", "err").put("body", "access_denied").put("address", "news.b")
      .put("message", "subscription ended: the refreshed token does not allow it"), frame(5));
    assertEquals(List.of("chat.a", "chat.c"), onLoop(() -> s.channels().stream().sorted().toList()));
    // the new claims decide from now on: a new subscribe to news.* is refused, chat.* still allowed
    send(s, new JsonObject().put("type", "register").put("address", "news.x").put("id", "r"));
    assertEquals("access_denied", frame(6).getString("body"));
    send(s, new JsonObject().put("type", "publish").put("address", "news.b").put("body", 1).put("id", "p"));
    assertEquals("access_denied", frame(7).getString("body"));
    assertEquals(7, written.size());
  }

  static Stream<Arguments> badTokens() {
    long now = now();
    return Stream.of(
      Arguments.of("bad signature", sign(new JsonObject().put("sub", "alice").put("exp", now + 600),
        "another-secret-0123456789-abcdefghijklmnop")),
      Arguments.of("expired", token("alice", now - 60, "chat.*")),
      Arguments.of("another sub", token("mallory", now + 600, "chat.*")),
      Arguments.of("malformed", "not-a-jwt"),
      Arguments.of("three garbage parts", "a.b.c"),
      Arguments.of("missing token", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badTokens")
  void aBadTokenGetsInvalidTokenAndTheOldTokenStaysInForce(String name, String bad) {
    long oldExp = now() + 60;
    Session s = session(token("alice", oldExp, "chat.*"));
    subscribe(s, "chat.a");
    send(s, refresh(bad, "bad"));
    JsonObject err = frame(2);
    assertEquals("err", err.getString("type"), err.encode());
    assertEquals("invalid_token", err.getString("body"), err.encode());
    assertEquals("bad", err.getValue("id"));
    assertNull(err.getString("address"));
    assertTrue(err.getString("message").length() > 0);
    assertEquals(oldExp * 1000, s.principal().expiresAtMs());
    assertEquals(List.of("chat.a"), onLoop(s::channels), "the subscription stays");
    assertEquals(false, checkTimers(s, oldExp * 1000 - 1));
    assertEquals(true, checkTimers(s, oldExp * 1000), "closed at the old expiry");
    assertEquals(List.of((short) 4001), closes);
  }

  @Test
  void anAnonymousConnectionCannotRefresh() {
    Session s = session(null);
    send(s, refresh(token("alice", now() + 600, "chat.*"), 7));
    assertEquals(new JsonObject().put("type", "err").put("body", "invalid_token")
      .put("message", "an anonymous connection cannot refresh: connect with a token").put("id", 7), frame(1));
    assertTrue(s.principal().anonymous());
    assertEquals(1.0, refreshes("invalid_token"));
  }

  @Test
  void refreshesShareThePublishRateLimit() {
    Session s = session(token("alice", now() + 60, "chat.*"));
    String fresh = token("alice", now() + 600, "chat.*");
    for (int i = 1; i <= RATE; i++) {
      send(s, refresh(fresh, i));
    }
    send(s, refresh(fresh, "over"));
    for (int i = 1; i <= RATE; i++) {
      assertEquals("ack", frame(i).getString("type"));
    }
    assertEquals(new JsonObject().put("type", "err").put("body", "rate_limited")
      .put("message", "at most " + RATE + " publishes and refreshes per second").put("id", "over"), frame(RATE + 1));
    assertEquals(1.0, refreshes("rate_limited"));
  }
}
