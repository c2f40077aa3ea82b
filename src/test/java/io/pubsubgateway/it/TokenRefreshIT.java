package io.pubsubgateway.it;

import io.pubsubgateway.client.ClientState;
import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayClientOptions;
import io.pubsubgateway.client.ReconnectPolicy;
import io.pubsubgateway.client.StateChange;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.Received;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.TestTokens;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code refresh} on a live connection across three clustered nodes, with real clients: raw
 * WebSocket frames (not closed at the old expiry; narrower permissions end a subscription with
 * {@code access_denied} and a {@code leave} seen on another node; each bad token answered with
 * {@code invalid_token} while the old token stays in force until its 4001; the shared rate limit),
 * the Java SDK refreshing by itself across several expiries without a reconnect, and SockJS.
 */
class TokenRefreshIT {
  private static final int RATE = 5;
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(3, new JsonArray()
      .add(TestConfig.rule("room.*", "token", "token").put("presence", true).put("joinLeave", true))
      .add(TestConfig.rule("plain.*", "token", "token")),
    "limits.publishPerSecond=" + RATE, "auth.allowAnonymous=true");
  private static final AtomicInteger IDS = new AtomicInteger();

  private static TestTokens tokens() {
    return cluster.tokens();
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** A token of {@code user} allowed {@code patterns} (subscribe and publish) for {@code ttl} seconds. */
  private static String token(String user, int ttl, String... patterns) {
    return tokens().token(user, List.of(patterns), List.of(patterns), ttl);
  }

  /** An HS256 token of {@code claims} signed with {@code secret}: for claims the minter cannot make (a past exp). */
  private static String sign(JsonObject claims, String secret) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
      + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static WsClient raw(int node, String token) {
    return cluster.track(WsClient.connect(cluster.clients(), cluster.port(node), token));
  }

  private static JsonObject refresh(Object token, String id) {
    JsonObject f = new JsonObject().put("type", "refresh").put("id", id);
    return token == null ? f : f.put("token", token);
  }

  /** The next frame of {@code c} that is not a join/leave event. */
  private static JsonObject nextAnswer(WsClient c) {
    while (true) {
      JsonObject f = c.next();
      if (!"join".equals(f.getString("type")) && !"leave".equals(f.getString("type"))) {
        return f;
      }
    }
  }

  /** Registers {@code channel} and waits for the ack, skipping join/leave events. */
  private static void register(WsClient c, String channel) {
    String id = "s" + IDS.incrementAndGet();
    c.send(new JsonObject().put("type", "register").put("address", channel).put("id", id));
    assertEquals(new JsonObject().put("type", "ack").put("id", id).put("address", channel), nextAnswer(c));
  }

  /** Waits for the {@code type} event of {@code user} on {@code channel}, skipping other frames. */
  private static void awaitEvent(WsClient c, String type, String channel, String user) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject f = c.next(Duration.ofSeconds(15));
      if (type.equals(f.getString("type")) && channel.equals(f.getString("address"))
        && user.equals(f.getJsonObject("body").getString("user"))) {
        return;
      }
    }
    fail("no " + type + " of " + user + " on " + channel);
  }

  @Test
  void aRawClientThatRefreshesIsNotClosedAtItsOldExpiryAndKeepsReceiving() throws InterruptedException {
    long oldExp = now() + 3;
    WsClient c = raw(0, token("raw-refresher", 3, "plain.*"));
    c.subscribe("plain.raw");
    String fresh = token("raw-refresher", 60, "plain.*");
    c.send(refresh(fresh, "t1"));
    JsonObject ack = c.next();
    assertEquals("ack", ack.getString("type"), ack.encode());
    assertEquals("t1", ack.getString("id"));
    long exp = ack.getLong("exp");
    assertTrue(exp >= now() + 55 && exp <= now() + 61, "exp " + exp);
    // the old token's expiry passes (the sweep runs every second): still open
    while (System.currentTimeMillis() < oldExp * 1000 + 2500) {
      Thread.sleep(200);
      assertFalse(c.closed(), "closed at the old expiry");
    }
    WsClient publisher = raw(2, tokens().any("raw-publisher"));
    publisher.publish("plain.raw", "after the old expiry");
    assertEquals(new JsonObject().put("type", "rec").put("address", "plain.raw").put("body", "after the old expiry"),
      c.next());
  }

  @Test
  void aNarrowerTokenEndsTheSubscriptionWithAccessDeniedAndALeaveOnAnotherNode() throws InterruptedException {
    WsClient watcher = raw(1, tokens().any("watcher"));
    register(watcher, "room.narrow");
    WsClient subject = raw(0, token("narrowed", 600, "room.*"));
    register(subject, "room.narrow");
    register(subject, "room.kept-too");
    awaitEvent(watcher, "join", "room.narrow", "narrowed");

    subject.send(refresh(tokens().token("narrowed", List.of("room.kept"), List.of("room.kept"), 600), "n1"));
    JsonObject ack = nextAnswer(subject);
    assertEquals("ack", ack.getString("type"), ack.encode());
    List<JsonObject> ended = new ArrayList<>(List.of(nextAnswer(subject), nextAnswer(subject)));
    ended.sort((a, b) -> a.getString("address").compareTo(b.getString("address")));
    assertEquals(List.of(
      new JsonObject().put("type", "err").put("body", "access_denied").put("address", "room.kept-too")
        .put("message", "subscription ended: the refreshed token does not allow it"),
      new JsonObject().put("type", "err").put("body", "access_denied").put("address", "room.narrow")
        .put("message", "subscription ended: the refreshed token does not allow it")), ended);
    awaitEvent(watcher, "leave", "room.narrow", "narrowed");
    Await.until("presence without the narrowed client", () -> {
      String id = "p" + IDS.incrementAndGet();
      watcher.send(new JsonObject().put("type", "presence").put("address", "room.narrow").put("id", id));
      JsonObject answer = nextAnswer(watcher);
      return answer.getJsonObject("body").getJsonArray("clients").stream()
        .noneMatch(e -> "narrowed".equals(((JsonObject) e).getString("user")));
    });
    // the new claims decide: room.kept is allowed, room.narrow no longer; nothing arrives on the ended one
    register(subject, "room.kept");
    subject.send(new JsonObject().put("type", "register").put("address", "room.narrow").put("id", "again"));
    assertEquals("access_denied", nextAnswer(subject).getString("body"));
    watcher.publish("room.narrow", "not for the narrowed one");
    Thread.sleep(500);
    while (subject.pending() > 0) {
      JsonObject f = subject.next();
      assertFalse("rec".equals(f.getString("type")), "a message of an ended subscription: " + f.encode());
    }
  }

  @Test
  void everyBadTokenGetsInvalidTokenTheConnectionWorksAndClosesWithItsOldExpiry() {
    Map<String, Object> cases = new LinkedHashMap<>();
    cases.put("bad signature", sign(new JsonObject().put("sub", "bad-0").put("exp", now() + 600),
      "another-secret-0123456789-abcdefghijklmnop"));
    cases.put("expired", sign(new JsonObject().put("sub", "bad-1").put("exp", now() - 30), TestConfig.SECRET));
    cases.put("another sub", token("mallory", 600, "plain.*"));
    cases.put("missing token", null);
    cases.put("malformed", "not-a-jwt");
    cases.put("not a string", 42);
    long oldExp = now() + 5;
    List<WsClient> clients = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Object> e : cases.entrySet()) {
      WsClient c = raw(i % 3, tokens().token("bad-" + i, List.of("plain.*"), List.of("plain.*"), 5));
      c.send(refresh(e.getValue(), "bad"));
      JsonObject err = c.next();
      assertEquals("err", err.getString("type"), e.getKey() + ": " + err.encode());
      assertEquals("invalid_token", err.getString("body"), e.getKey() + ": " + err.encode());
      assertEquals("bad", err.getString("id"), e.getKey());
      c.send(new JsonObject().put("type", "ping"));
      assertEquals(new JsonObject().put("type", "pong"), c.next(), e.getKey() + ": the connection still works");
      clients.add(c);
      i++;
    }
    i = 0;
    for (String name : cases.keySet()) {
      WsClient c = clients.get(i++);
      assertEquals(4001, c.awaitClose(Duration.ofSeconds(10)), name + ": closed when the old token expired");
      assertTrue(System.currentTimeMillis() >= oldExp * 1000 - 1000, name + ": not before the old expiry");
    }
  }

  @Test
  void anAnonymousConnectionCannotRefresh() {
    WsClient c = cluster.track(WsClient.connect(cluster.clients(), cluster.port(1), null));
    c.send(refresh(token("someone", 600, "plain.*"), "anon"));
    assertEquals(new JsonObject().put("type", "err").put("body", "invalid_token")
      .put("message", "an anonymous connection cannot refresh: connect with a token").put("id", "anon"), c.next());
  }

  @Test
  void refreshesAreRateLimitedWithPublishes() {
    WsClient c = raw(2, token("hasty", 600, "plain.*"));
    String fresh = token("hasty", 600, "plain.*");
    for (int i = 0; i < 3 * RATE; i++) {
      c.socket().writeTextMessage(refresh(fresh, "r" + i).encode());
    }
    int acks = 0;
    int limited = 0;
    for (int i = 0; i < 3 * RATE; i++) {
      JsonObject answer = c.next();
      assertEquals("r" + i, answer.getString("id"), answer.encode());
      if ("ack".equals(answer.getString("type"))) {
        acks++;
      } else {
        assertEquals(new JsonObject().put("type", "err").put("body", "rate_limited").put("id", "r" + i)
          .put("message", "at most " + RATE + " publishes and refreshes per second"), answer);
        limited++;
      }
    }
    assertTrue(acks >= RATE && limited > 0, acks + " acks, " + limited + " rate_limited");
    Map<String, Double> metrics = Http.metrics(cluster.port(2));
    assertTrue(metrics.getOrDefault("pubsub_gateway_token_refreshes_total{result=\"rate_limited\"}", 0.0) >= limited,
      "metric: " + metrics.keySet().stream().filter(k -> k.contains("refreshes")).toList());
  }

  @Test
  void theJavaSdkRefreshesByItselfAcrossSeveralExpiriesWithoutReconnecting() throws InterruptedException {
    AtomicInteger supplied = new AtomicInteger();
    GatewayClient client = cluster.track(GatewayClient.create(cluster.clients(), new GatewayClientOptions()
      .addUrl("ws://127.0.0.1:" + cluster.port(0) + "/ws")
      .setTokenSupplier(() -> {
        supplied.incrementAndGet();
        return token("sdk-refresher", 3, "plain.*");
      })
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(100), ReconnectPolicy.UNLIMITED, 0))));
    List<StateChange> states = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    client.stateHandler(states::add).exceptionHandler(errors::add);
    Await.result(client.connect());
    Received received = new Received();
    Await.result(client.subscribe("plain.sdk", received));
    Thread.sleep(8000); // more than two lifetimes of a 3 s token
    assertEquals(List.of(ClientState.CONNECTING, ClientState.CONNECTED), states.stream().map(StateChange::state).toList(),
      "never reconnected: " + states);
    assertTrue(supplied.get() >= 3, "a token per refresh: " + supplied.get());
    assertEquals(List.of(), errors);
    WsClient publisher = raw(1, tokens().any("sdk-publisher"));
    publisher.publish("plain.sdk", "still subscribed");
    received.await(1, Duration.ofSeconds(10));
    Await.result(client.refreshToken());
    assertEquals(2, states.size());
  }

  @Test
  void theJavaSdkRetriesARefusedRefreshOnTheSameConnection() throws InterruptedException {
    AtomicInteger supplied = new AtomicInteger();
    GatewayClient client = cluster.track(GatewayClient.create(cluster.clients(), new GatewayClientOptions()
      .addUrl("ws://127.0.0.1:" + cluster.port(1) + "/ws")
      .setTokenSupplier(() -> switch (supplied.incrementAndGet()) {
        case 1 -> token("sdk-retrier", 6, "plain.*");
        case 2 -> token("not-the-sdk-retrier", 600, "plain.*"); // refused: another sub
        default -> token("sdk-retrier", 600, "plain.*");
      })));
    List<StateChange> states = new CopyOnWriteArrayList<>();
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    client.stateHandler(states::add).exceptionHandler(errors::add);
    long oldExp = now() + 6;
    Await.result(client.connect());
    Await.until("a refused refresh, then an accepted one", Duration.ofSeconds(15), () -> supplied.get() >= 3);
    assertEquals(List.of("invalid_token"), errors.stream().map(e -> ((io.pubsubgateway.client.GatewayException) e).code())
      .toList());
    while (System.currentTimeMillis() < oldExp * 1000 + 2500) {
      Thread.sleep(200);
    }
    assertEquals(List.of(ClientState.CONNECTING, ClientState.CONNECTED), states.stream().map(StateChange::state).toList(),
      "never reconnected: " + states);
    assertEquals(3, supplied.get(), "the accepted token lasts ten minutes");
  }

  @Test
  void aSockJsSessionRefreshesOverItsWebsocketTransport() throws InterruptedException {
    long oldExp = now() + 3;
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    String path = "/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket?token="
      + token("sockjs-refresher", 3, "plain.*");
    WebSocket socket = Await.result(WsClient.connect(cluster.clients().createWebSocketClient(),
      new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.port(1)).setURI(path),
      w -> w.textMessageHandler(text -> {
        if (text.startsWith("a")) {
          new JsonArray(text.substring(1)).forEach(m -> frames.add(new JsonObject((String) m)));
        }
      })));
    cluster.track(() -> socket.close());
    socket.writeTextMessage(new JsonArray().add(refresh("x.y.z", "bad").encode()).encode());
    assertEquals("invalid_token", poll(frames).getString("body"));
    socket.writeTextMessage(new JsonArray().add(refresh(token("sockjs-refresher", 60, "plain.*"), "ok").encode()).encode());
    JsonObject ack = poll(frames);
    assertEquals("ack", ack.getString("type"), ack.encode());
    assertNotNull(ack.getLong("exp"));
    while (System.currentTimeMillis() < oldExp * 1000 + 2500) {
      Thread.sleep(500);
    }
    socket.writeTextMessage(new JsonArray().add(new JsonObject().put("type", "ping").encode()).encode());
    assertEquals(new JsonObject().put("type", "pong"), poll(frames), "open past the old expiry");
    assertFalse(socket.isClosed());
  }

  private static JsonObject poll(BlockingQueue<JsonObject> frames) throws InterruptedException {
    JsonObject f = frames.poll(10, TimeUnit.SECONDS);
    return f != null ? f : fail("no SockJS message within 10 s");
  }
}
