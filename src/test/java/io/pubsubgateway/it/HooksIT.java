package io.pubsubgateway.it;

import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayClientOptions;
import io.pubsubgateway.client.GatewayException;
import io.pubsubgateway.client.PresenceEntry;
import io.pubsubgateway.client.ReconnectPolicy;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Backend hooks on the event bus across a 3-node cluster: every hook consumer lives on node 2, the
 * clients on nodes 0 and 1, so each hook request crosses the cluster. Subscribe and publish hooks
 * accept, refuse (the client's err and the SDK's failed future carry the hook's code), replace a
 * published body (delivered once per subscriber on other nodes), keep a connection's publishes in
 * order through random delays; timeouts under both {@code hookFailure} modes, an address without
 * consumer and a malformed reply; the connect hook's 403 before the upgrade (WebSocket) or close
 * 4502 (SockJS), its 503 on timeout, and the info it attaches reaching channel hooks and presence.
 */
class HooksIT {
  private static final String KEY = "api-key-for-hooks-0123456789";
  private static final String SUBSCRIBE_HOOK = "test.hook.subscribe";
  private static final String PUBLISH_HOOK = "test.hook.publish";
  private static final String CONNECT_HOOK = "test.hook.connect";
  private static final String NOBODY = "test.hook.nobody";

  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(3, new JsonArray()
    .add(TestConfig.rule("hs.*", "token", "token").put("subscribeHook", SUBSCRIBE_HOOK).put("hookTimeoutMs", 500))
    .add(TestConfig.rule("hsa.*", "token", "token").put("subscribeHook", SUBSCRIBE_HOOK).put("hookTimeoutMs", 300)
      .put("hookFailure", "accept"))
    .add(TestConfig.rule("hp.*", "token", "token").put("publishHook", PUBLISH_HOOK).put("hookTimeoutMs", 1000))
    .add(TestConfig.rule("hpa.*", "token", "token").put("publishHook", PUBLISH_HOOK).put("hookTimeoutMs", 300)
      .put("hookFailure", "accept"))
    .add(TestConfig.rule("hnone.*", "token", "token").put("subscribeHook", NOBODY).put("publishHook", NOBODY))
    .add(TestConfig.rule("hpres.*", "token", "token").put("presence", true).put("subscribeHook", SUBSCRIBE_HOOK))
    .add(TestConfig.rule("hflood.*", "token", "token").put("publishHook", PUBLISH_HOOK).put("hookTimeoutMs", 60_000))
    .add(TestConfig.rule("plain.*", "token", "token")),
    "limits.publishPerSecond=0", "api.enabled=true", "api.keys=" + KEY, "auth.connectHook=" + CONNECT_HOOK, "auth.connectHookTimeoutMs=500");

  private static final List<JsonObject> connectRequests = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> subscribeRequests = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> publishRequests = new CopyOnWriteArrayList<>();
  private static final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private static volatile boolean flipRejects;
  private static WebSocketClient wsClient;

  /** The hooks, on node 2: they decide by user (connect), channel name (subscribe) or body (publish). */
  @BeforeAll
  static void registerHooks() {
    Vertx vertx = cluster.node(2).vertx();
    EventBus bus = vertx.eventBus();
    consumers.add(bus.<JsonObject>consumer(CONNECT_HOOK, m -> {
      String user = m.body().getString("user");
      if (user == null) {
        m.reply(accept()); // a probe
        return;
      }
      connectRequests.add(m.body());
      switch (user) {
        case "mallory" -> m.reply(reject("banned", "mallory is banned"));
        case "connect-slow" -> { } // never answers
        case "gold" -> m.reply(accept().put("info", new JsonObject().put("plan", "gold")));
        default -> m.reply(accept());
      }
    }));
    consumers.add(bus.<JsonObject>consumer(SUBSCRIBE_HOOK, m -> {
      String channel = m.body().getString("channel");
      if (channel == null) {
        m.reply(accept());
        return;
      }
      subscribeRequests.add(m.body());
      if (channel.endsWith(".deny") || channel.endsWith(".flip") && flipRejects) {
        m.reply(reject("not_member", "no entry to " + channel));
      } else if (channel.endsWith(".garbage")) {
        m.reply(new JsonObject().put("result", "maybe"));
      } else if (!channel.endsWith(".slow")) {
        m.reply(accept());
      }
    }));
    consumers.add(bus.<JsonObject>consumer(PUBLISH_HOOK, m -> {
      if (m.body().getString("channel") == null) {
        m.reply(accept());
        return;
      }
      publishRequests.add(m.body());
      JsonObject body = m.body().getJsonObject("body");
      switch (body.getString("action", "")) {
        case "deny" -> m.reply(reject("forbidden_word", "no swearing"));
        case "replace" -> m.reply(accept().put("body", new JsonObject().put("replaced", body.getInteger("n"))));
        case "garbage" -> m.reply("nonsense");
        case "slow" -> { }
        case "random" -> vertx.setTimer(1 + ThreadLocalRandom.current().nextInt(15), t -> m.reply(accept()));
        default -> m.reply(accept());
      }
    }));
    Await.result(Future.all(consumers.stream().map(MessageConsumer::completion).toList()));
    for (int n = 0; n < 2; n++) { // the registrations are seen by the clients' nodes
      EventBus from = cluster.node(n).vertx().eventBus();
      for (String address : List.of(CONNECT_HOOK, SUBSCRIBE_HOOK, PUBLISH_HOOK)) {
        Await.until(address + " visible from node " + n, Duration.ofSeconds(30), () -> Await.result(
          from.request(address, new JsonObject().put("type", "probe")).map(true).otherwise(false)));
      }
    }
    wsClient = cluster.clients().createWebSocketClient();
  }

  @AfterAll
  static void unregisterHooks() {
    consumers.forEach(MessageConsumer::unregister);
  }

  private static JsonObject accept() {
    return new JsonObject().put("result", "accept");
  }

  private static JsonObject reject(String code, String message) {
    return new JsonObject().put("result", "reject").put("code", code).put("message", message);
  }

  private static final AtomicInteger IDS = new AtomicInteger();

  /** Sends {@code frame} with a fresh id; returns the next frame (the answer). */
  private static JsonObject call(WsClient client, JsonObject frame) {
    String id = "h" + IDS.incrementAndGet();
    client.send(frame.copy().put("id", id));
    JsonObject answer = client.next();
    assertEquals(id, answer.getString("id"), answer.encode());
    return answer;
  }

  private static JsonObject register(WsClient client, String channel) {
    return call(client, new JsonObject().put("type", "register").put("address", channel));
  }

  private static JsonObject publish(WsClient client, String channel, Object body) {
    return call(client, new JsonObject().put("type", "publish").put("address", channel).put("body", body));
  }

  private static JsonObject err(String code, String channel, String message, JsonObject answer) {
    assertEquals(new JsonObject().put("type", "err").put("body", code).put("address", channel).put("message", message)
      .put("id", answer.getString("id")), answer);
    return answer;
  }

  private static void assertAck(JsonObject answer) {
    assertEquals("ack", answer.getString("type"), answer.encode());
  }

  private static List<JsonObject> requestsFor(List<JsonObject> requests, String channel) {
    return requests.stream().filter(r -> channel.equals(r.getString("channel"))).toList();
  }

  private static GatewayClient sdkClient(String user, int node) {
    GatewayClient c = GatewayClient.create(cluster.clients(), new GatewayClientOptions()
      .setToken(cluster.tokens().any(user)).addUrl("ws://127.0.0.1:" + cluster.port(node) + "/ws")
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(100),
        ReconnectPolicy.UNLIMITED, 0)));
    cluster.track(c);
    Await.result(c.connect());
    return c;
  }

  // ------------------------------------------------------------------ subscribe hooks

  @Test
  void aSubscribeHookAcceptsOrRefusesWithItsCodeAndMessage() {
    WsClient alice = cluster.client(0, "alice");
    assertAck(register(alice, "hs.room.open"));
    JsonObject request = requestsFor(subscribeRequests, "hs.room.open").get(0);
    assertEquals("subscribe", request.getString("type"));
    assertEquals("alice", request.getString("user"));
    assertEquals(connectRequestOf("alice").getString("client"), request.getString("client"));
    assertFalse(request.containsKey("info"), "a token without info claim, no connect-hook info");

    err("not_member", "hs.room.deny", "no entry to hs.room.deny", register(alice, "hs.room.deny"));
    // not subscribed: a message published there does not reach alice
    WsClient bob = cluster.client(1, "bob");
    assertAck(publish(bob, "hs.room.deny", "x"));
    assertAck(publish(bob, "hs.room.open", "y"));
    assertEquals("y", alice.next().getValue("body"));
    alice.assertNoFrame(300);
  }

  @Test
  void theJavaSdkFailsTheSubscribeWithTheHooksCodeAndDoesNotRetry() throws InterruptedException {
    GatewayClient sdk = sdkClient("sdk-user", 0);
    GatewayException e = assertInstanceOf(GatewayException.class,
      Await.failure(sdk.subscribe("hs.sdk.deny", m -> { })));
    assertEquals("not_member", e.code());
    assertEquals("no entry to hs.sdk.deny (hs.sdk.deny)", e.getMessage());
    Thread.sleep(500);
    assertEquals(1, requestsFor(subscribeRequests, "hs.sdk.deny").size(), "no retry after a refusal");
  }

  @Test
  void aReSubscriptionRefusedAfterAReconnectEndsTheSubscriptionWithoutRetrying() throws InterruptedException {
    List<Throwable> errors = new CopyOnWriteArrayList<>();
    GatewayClient sdk = sdkClient("flipper", 0);
    sdk.exceptionHandler(errors::add);
    Await.result(sdk.subscribe("hs.sdk.flip", m -> { }));
    flipRejects = true;
    try {
      Http.Response r = Http.send(cluster.port(0), "POST", "/api/disconnect",
        new JsonObject().put("user", "flipper").put("reconnect", true).encode(), "X-API-Key", KEY);
      assertEquals(1, r.json().getInteger("disconnected"), r.body());
      Await.until("the refusal reported", () -> !errors.isEmpty());
      assertEquals("not_member", assertInstanceOf(GatewayException.class, errors.get(0)).code());
      Thread.sleep(500);
      assertEquals(2, requestsFor(subscribeRequests, "hs.sdk.flip").size(), "the first subscribe and one re-subscribe");
      assertEquals(1, errors.size());
    } finally {
      flipRejects = false;
    }
  }

  @Test
  void subscribeHookTimeoutRefusesUnderRejectAndSubscribesUnderAccept() {
    WsClient carol = cluster.client(0, "carol");
    long start = System.nanoTime();
    err("hook_failed", "hs.t.slow", "subscribe hook failed: timeout", register(carol, "hs.t.slow"));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(450), "waited for hookTimeoutMs");

    assertAck(register(carol, "hsa.t.slow"));
    WsClient dave = cluster.client(1, "dave");
    assertAck(publish(dave, "hsa.t.slow", "through"));
    assertEquals("through", carol.next().getValue("body"));
  }

  @Test
  void aHookAddressWithoutConsumerAndAMalformedReplyAreHookFailures() {
    WsClient erin = cluster.client(0, "erin");
    err("hook_failed", "hnone.x", "subscribe hook failed: no consumer", register(erin, "hnone.x"));
    err("hook_failed", "hnone.x", "publish hook failed: no consumer", publish(erin, "hnone.x", 1));
    err("hook_failed", "hs.x.garbage", "subscribe hook failed: malformed reply", register(erin, "hs.x.garbage"));
    err("hook_failed", "hp.x", "publish hook failed: malformed reply",
      publish(erin, "hp.x", new JsonObject().put("action", "garbage")));
  }

  @Test
  void channelsWithoutHooksAreUnaffectedWhileAHookIsDown() {
    WsClient frank = cluster.client(0, "frank");
    WsClient grace = cluster.client(1, "grace");
    grace.subscribe("plain.calm");
    // a register waiting for a hook that never answers, and a hook without consumer
    frank.send(new JsonObject().put("type", "register").put("address", "hs.down.slow").put("id", "waiting"));
    // answered in order, before the waiting register's refusal: nothing of plain.* waits for the hook
    frank.subscribe("plain.calm");
    assertAck(publish(frank, "plain.calm", "still fine"));
    assertEquals("still fine", grace.next().getValue("body"));
    JsonObject own = frank.next();
    assertEquals("still fine", own.getValue("body"), own.encode());
    err("hook_failed", "hs.down.slow", "subscribe hook failed: timeout", frank.next());
  }

  // ------------------------------------------------------------------ publish hooks

  @Test
  void aPublishHookAcceptsRefusesOrReplacesTheBodyDeliveredOnceOnEveryNode() {
    WsClient sub1 = cluster.client(1, "sub1");
    WsClient sub2 = cluster.client(2, "sub2");
    sub1.subscribe("hp.chat");
    sub2.subscribe("hp.chat");
    WsClient pub = cluster.client(0, "pub");
    JsonObject headers = new JsonObject().put("k", "v");
    assertAck(call(pub, new JsonObject().put("type", "publish").put("address", "hp.chat")
      .put("body", new JsonObject().put("action", "replace").put("n", 7)).put("headers", headers)));
    for (WsClient s : List.of(sub1, sub2)) {
      JsonObject rec = s.next();
      assertEquals(new JsonObject().put("replaced", 7), rec.getValue("body"), rec.encode());
      assertEquals(headers, rec.getJsonObject("headers"));
    }
    JsonObject request = requestsFor(publishRequests, "hp.chat").get(0);
    assertEquals(new JsonObject().put("type", "publish").put("user", "pub")
      .put("client", connectRequestOf("pub").getString("client")).put("channel", "hp.chat")
      .put("body", new JsonObject().put("action", "replace").put("n", 7)).put("headers", headers), request);

    err("forbidden_word", "hp.chat", "no swearing", publish(pub, "hp.chat", new JsonObject().put("action", "deny")));
    assertAck(publish(pub, "hp.chat", new JsonObject().put("action", "pass")));
    for (WsClient s : List.of(sub1, sub2)) {
      assertEquals(new JsonObject().put("action", "pass"), s.next().getValue("body"));
      s.assertNoFrame(300); // the replaced message once, the refused one never
    }
  }

  @Test
  void aConnectionWithTooManyPublishesWaitingForTheHookIsRefusedWithRateLimited() {
    WsClient flood = cluster.client(0, "flood");
    JsonObject slow = new JsonObject().put("action", "slow"); // the first never answered: 999 wait behind it
    for (int i = 0; i < 1000; i++) {
      flood.publish("hflood.x", slow);
    }
    err("rate_limited", "hflood.x", "at most 1000 publishes may wait for their hook", publish(flood, "hflood.x", slow));
    // the queue is per connection: another connection's publish to the same channel waits only for its own
    WsClient other = cluster.client(1, "other");
    err("forbidden_word", "hflood.x", "no swearing", publish(other, "hflood.x", new JsonObject().put("action", "deny")));
  }

  @Test
  void theJavaSdkFailsAPublishRefusedByTheHookWithItsCode() {
    GatewayClient sdk = sdkClient("sdk-pub", 0);
    GatewayException e = assertInstanceOf(GatewayException.class,
      Await.failure(sdk.publish("hp.sdk", new JsonObject().put("action", "deny"))));
    assertEquals("forbidden_word", e.code());
    Await.result(sdk.publish("hp.sdk", new JsonObject().put("action", "pass")));
  }

  @Test
  void publishesOfOneConnectionKeepTheirOrderThroughAHookWithRandomDelays() {
    WsClient reader = cluster.client(1, "reader");
    reader.subscribe("hp.order");
    WsClient writer = cluster.client(0, "writer");
    int count = 200;
    for (int i = 0; i < count; i++) {
      writer.publish("hp.order", new JsonObject().put("action", "random").put("n", i));
    }
    List<Integer> got = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      got.add(reader.next().getJsonObject("body").getInteger("n"));
    }
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      expected.add(i);
    }
    assertEquals(expected, got);
    reader.assertNoFrame(300);
    writer.assertNoFrame(0);
  }

  @Test
  void publishHookTimeoutRefusesUnderRejectAndPublishesUnchangedUnderAccept() {
    WsClient reader = cluster.client(1, "slow-reader");
    reader.subscribe("hpa.slow");
    reader.subscribe("hp.slow");
    WsClient writer = cluster.client(0, "slow-writer");
    JsonObject slow = new JsonObject().put("action", "slow");
    err("hook_failed", "hp.slow", "publish hook failed: timeout", publish(writer, "hp.slow", slow));
    assertAck(publish(writer, "hpa.slow", slow));
    JsonObject rec = reader.next();
    assertEquals("hpa.slow", rec.getString("address"));
    assertEquals(slow, rec.getValue("body"));
    reader.assertNoFrame(300);
  }

  @Test
  void aSendToAHookedChannelAsksThePublishHookToo() {
    WsClient writer = cluster.client(0, "sender");
    JsonObject answer = call(writer, new JsonObject().put("type", "send").put("address", "hp.svc")
      .put("body", new JsonObject().put("action", "deny")));
    err("forbidden_word", "hp.svc", "no swearing", answer);
    assertEquals("send", requestsFor(publishRequests, "hp.svc").get(0).getString("type"));
  }

  // ------------------------------------------------------------------ connect hook

  private static JsonObject connectRequestOf(String user) {
    return connectRequests.stream().filter(r -> user.equals(r.getString("user"))).reduce((a, b) -> b)
      .orElseGet(() -> fail("no connect request of " + user));
  }

  private static UpgradeRejectedException refusedHandshake(String user) {
    Throwable err = Await.failure(wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
      .setPort(cluster.port(0)).setURI("/ws").addHeader("Authorization", "Bearer " + cluster.tokens().any(user))));
    return assertInstanceOf(UpgradeRejectedException.class, err);
  }

  @Test
  void theConnectHookRefusesWith403AndItsReasonBeforeTheUpgrade() {
    UpgradeRejectedException refused = refusedHandshake("mallory");
    assertEquals(403, refused.getStatus());
    assertEquals("banned: mallory is banned\n", refused.getBody().toString());
    JsonObject request = connectRequestOf("mallory");
    assertEquals("connect", request.getString("type"));
    assertEquals("websocket", request.getString("transport"));
    assertTrue(request.getString("remote").startsWith("127.0.0.1:"), request.encode());
    assertNotNull(request.getString("client"));
    assertFalse(request.encode().contains("eyJ"), "no token (a JWT starts with eyJ): " + request.encode());
    assertFalse(request.getJsonObject("headers").containsKey("authorization"));
    assertEquals(0, cluster.nodes().stream().mapToInt(n -> n.connections()).sum(), "never became a connection");
  }

  @Test
  void aConnectHookThatDoesNotAnswerIs503UnderReject() {
    UpgradeRejectedException refused = refusedHandshake("connect-slow");
    assertEquals(503, refused.getStatus());
    assertEquals("hook_failed: connect hook failed: timeout\n", refused.getBody().toString());
  }

  @Test
  void infoAttachedByTheConnectHookReachesChannelHooksAndPresence() {
    GatewayClient gold = sdkClient("gold", 0);
    Await.result(gold.subscribe("hs.vip.lounge", m -> { }));
    JsonObject request = requestsFor(subscribeRequests, "hs.vip.lounge").get(0);
    assertEquals(new JsonObject().put("plan", "gold"), request.getJsonObject("info"));
    assertEquals(connectRequestOf("gold").getString("client"), request.getString("client"));

    Await.result(gold.subscribe("hpres.vip", m -> { }));
    GatewayClient other = sdkClient("looker", 1);
    Await.until("gold present", () -> !Await.result(other.presence("hpres.vip")).isEmpty());
    PresenceEntry entry = Await.result(other.presence("hpres.vip")).get(0);
    assertEquals("gold", entry.user());
    assertEquals(new JsonObject().put("plan", "gold"), entry.info());
    assertEquals(request.getString("client"), entry.client());
  }

  @Test
  void overSockJsARefusedSessionGetsTheErrThenTheCloseAndAnAcceptedOneLosesNoFrame() throws Exception {
    SockJs refused = sockJs("mallory", null);
    // an err with the hook's code and message, then SockJS's own close (3000: SockJS framing has no other code)
    assertEquals(new JsonObject().put("type", "err").put("body", "banned").put("message", "mallory is banned"),
      new JsonObject(refused.poll("a").getString(0)));
    assertEquals(new JsonArray().add(3000).add("Go away!"), refused.poll("c"));
    refused.closed().get(10, TimeUnit.SECONDS);
    // SockJS's raw WebSocket endpoint (no SockJS framing) carries the close code and reason
    CompletableFuture<String> rawClosed = new CompletableFuture<>();
    Await.result(WsClient.connect(wsClient, new WebSocketConnectOptions().setHost("127.0.0.1")
      .setPort(cluster.port(0)).setURI("/eventbus/websocket?token=" + cluster.tokens().any("mallory")),
      raw -> raw.closeHandler(v -> rawClosed.complete(raw.closeStatusCode() + " " + raw.closeReason()))));
    assertEquals("4502 banned: mallory is banned", rawClosed.get(10, TimeUnit.SECONDS));
    // an accepted session's first frame, sent before the hook answered, is not lost
    SockJs ok = sockJs("sockjs-user", new JsonObject().put("type", "register").put("address", "plain.sj")
      .put("id", "first"));
    JsonArray messages = ok.poll("a");
    assertEquals(new JsonObject().put("type", "ack").put("id", "first").put("address", "plain.sj"),
      new JsonObject(messages.getString(0)));
    assertEquals("sockjs", connectRequestOf("sockjs-user").getString("transport"));
  }

  /** A raw SockJS session over its websocket transport: sends {@code first} (if any) at once. */
  private record SockJs(WebSocket socket, BlockingQueue<String> frames, CompletableFuture<String> closed) {
    /** The payload of the next SockJS frame starting with {@code kind} ("a" messages, "c" close). */
    JsonArray poll(String kind) {
      try {
        for (;;) {
          String f = frames.poll(10, TimeUnit.SECONDS);
          if (f == null) {
            return fail("no SockJS " + kind + " frame within 10 s");
          }
          if (f.startsWith(kind)) {
            return new JsonArray(f.substring(1));
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fail("interrupted");
      }
    }
  }

  private static SockJs sockJs(String user, JsonObject first) {
    BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    CompletableFuture<String> closed = new CompletableFuture<>();
    WebSocket socket = Await.result(WsClient.connect(wsClient, new WebSocketConnectOptions().setHost("127.0.0.1")
      .setPort(cluster.port(0)).setURI("/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8)
        + "/websocket?token=" + cluster.tokens().any(user)), w -> {
        w.textMessageHandler(frames::add);
        w.closeHandler(v -> closed.complete(w.closeStatusCode() + " " + w.closeReason()));
      }));
    cluster.track((AutoCloseable) () -> socket.close());
    if (first != null) {
      Await.result(socket.writeTextMessage(new JsonArray().add(first.encode()).encode()));
    }
    return new SockJs(socket, frames, closed);
  }
}
