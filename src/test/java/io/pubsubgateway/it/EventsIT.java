package io.pubsubgateway.it;

import io.pubsubgateway.events.WebhookSignature;
import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.ProcessRun;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events for backends on a 3-node cluster with real clients: connection events on
 * {@code events.address} with their fields and close codes; {@code channel.occupied} and
 * {@code channel.vacated} exactly once per transition across the cluster, also when the node of the
 * last subscriber dies; the same events as signed batches on a webhook served on loopback.
 */
class EventsIT {
  private static final String ADDRESS = "test.events";
  private static final String HOOK_SECRET = "webhook-secret-for-tests-0123";
  private static final int HOOK_PORT = freePort();
  /** How long a test waits to see that no further event comes. */
  private static final long GRACE_MS = 2000;
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** A killed member is noticed within hazelcast.max.no.heartbeat.seconds (10 s) and a clean-up. */
  private static final Duration AFTER_KILL = Duration.ofSeconds(60);

  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(3, new JsonArray()
      .add(TestConfig.rule("ev.*", "token", "token")),
    "events.address=" + ADDRESS, "events.webhook.url=http://127.0.0.1:" + HOOK_PORT + "/hook",
    "events.webhook.secret=" + HOOK_SECRET, "events.webhook.batchDelayMs=200");

  private static final List<JsonObject> busEvents = new CopyOnWriteArrayList<>();
  private static final List<JsonObject> hookEvents = new CopyOnWriteArrayList<>();
  private static final List<Integer> hookBatchSizes = new CopyOnWriteArrayList<>();
  private static final List<String> badSignatures = new CopyOnWriteArrayList<>();
  private static Vertx hookVertx;
  private static MessageConsumer<JsonObject> consumer;

  private static int freePort() {
    try {
      return ProcessRun.freeLoopbackPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void listen() {
    // a backend verticle's consumer on node 0 hears every node's events
    consumer = cluster.node(0).vertx().eventBus().consumer(ADDRESS, msg -> busEvents.add(msg.body()));
    Await.result(consumer.completion());
    hookVertx = Vertx.vertx();
    Await.result(hookVertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      if (!WebhookSignature.verify(HOOK_SECRET, req.getHeader(WebhookSignature.TIMESTAMP_HEADER), body.getBytes(),
        req.getHeader(WebhookSignature.SIGNATURE_HEADER))) {
        badSignatures.add(req.getHeader(WebhookSignature.SIGNATURE_HEADER));
      }
      JsonArray events = new JsonObject(body).getJsonArray("events");
      hookBatchSizes.add(events.size());
      events.forEach(e -> hookEvents.add((JsonObject) e));
      req.response().setStatusCode(204).end();
    })).listen(HOOK_PORT, "127.0.0.1"));
  }

  @AfterAll
  static void close() {
    if (hookVertx != null) {
      Await.result(hookVertx.close());
    }
  }

  @BeforeEach
  void clear() {
    busEvents.clear();
    hookEvents.clear();
    hookBatchSizes.clear();
  }

  private static List<JsonObject> events(String type, String field, String value) {
    return busEvents.stream().filter(e -> e.getString("type").equals(type) && value.equals(e.getString(field)))
      .toList();
  }

  private static JsonObject awaitOne(String type, String field, String value) {
    Await.until(type + " of " + value, WAIT, () -> !events(type, field, value).isEmpty());
    return events(type, field, value).get(0);
  }

  /** Exactly one event of this type and channel, after the grace period. */
  private static JsonObject assertOnce(String type, String channel) throws InterruptedException {
    Thread.sleep(GRACE_MS);
    List<JsonObject> found = events(type, "channel", channel);
    assertEquals(1, found.size(), type + " of " + channel + ": " + found);
    return found.get(0);
  }

  private static void assertFields(JsonObject event, String type, String node, Set<String> fields) {
    assertEquals(type, event.getString("type"));
    assertEquals(node, event.getString("node"));
    assertTrue(event.getString("id").startsWith(node + "-"), event.encode());
    assertTrue(Math.abs(System.currentTimeMillis() - event.getLong("time")) < 60_000, event.encode());
    assertEquals(fields, event.fieldNames(), event.encode());
  }

  @Test
  void connectionEventsCarryUserClientNodeChannelAndCloseCode() throws Exception {
    String node1 = cluster.node(1).nodeId();
    WsClient alice = cluster.client(1, "alice-ev");
    JsonObject connect = awaitOne("connect", "user", "alice-ev");
    assertFields(connect, "connect", node1, Set.of("type", "id", "time", "node", "user", "client"));
    String client = connect.getString("client");

    alice.subscribe("ev.one");
    JsonObject subscribe = awaitOne("subscribe", "channel", "ev.one");
    assertFields(subscribe, "subscribe", node1, Set.of("type", "id", "time", "node", "user", "client", "channel"));
    assertEquals("alice-ev", subscribe.getString("user"));
    assertEquals(client, subscribe.getString("client"));
    JsonObject occupied = awaitOne("channel.occupied", "channel", "ev.one");
    assertFields(occupied, "channel.occupied", node1, Set.of("type", "id", "time", "node", "channel"));

    alice.unsubscribe("ev.one");
    JsonObject unsubscribe = awaitOne("unsubscribe", "channel", "ev.one");
    assertEquals(client, unsubscribe.getString("client"));
    awaitOne("channel.vacated", "channel", "ev.one");

    alice.subscribe("ev.two");
    alice.close(); // the client closes: 1000
    JsonObject disconnect = awaitOne("disconnect", "client", client);
    assertFields(disconnect, "disconnect", node1, Set.of("type", "id", "time", "node", "user", "client", "code",
      "reason"));
    assertEquals(1000, disconnect.getInteger("code"));
    // the subscription still open at the disconnect ends before it
    JsonObject lastUnsubscribe = awaitOne("unsubscribe", "channel", "ev.two");
    assertTrue(busEvents.indexOf(lastUnsubscribe) < busEvents.indexOf(disconnect), busEvents.toString());
    awaitOne("channel.vacated", "channel", "ev.two");

    // the server closes: a binary frame is unsupported data, 1003
    WsClient bob = cluster.client(2, "bob-ev");
    String bobClient = awaitOne("connect", "user", "bob-ev").getString("client");
    bob.socket().writeBinaryMessage(Buffer.buffer("x"));
    assertEquals(1003, bob.awaitClose(WAIT));
    assertEquals(1003, awaitOne("disconnect", "client", bobClient).getInteger("code"));

    assertOnce("channel.occupied", "ev.one");
    assertOnce("channel.vacated", "ev.one");
    assertOnce("subscribe", "ev.one");
    assertOnce("unsubscribe", "ev.one");
  }

  @Test
  void occupiedAndVacatedOnceWhileSubscribersOnSeveralNodesComeAndGo() throws Exception {
    WsClient a = cluster.client(0, "a-ev");
    WsClient b = cluster.client(1, "b-ev");
    WsClient c = cluster.client(2, "c-ev");
    a.subscribe("ev.room");
    awaitOne("channel.occupied", "channel", "ev.room");
    b.subscribe("ev.room");
    c.subscribe("ev.room");
    a.unsubscribe("ev.room");
    b.unsubscribe("ev.room");
    a.subscribe("ev.room");
    c.close();
    a.unsubscribe("ev.room");
    awaitOne("channel.vacated", "channel", "ev.room");
    assertOnce("channel.occupied", "ev.room");
    assertOnce("channel.vacated", "ev.room");
    assertEquals(4, events("subscribe", "channel", "ev.room").size());
  }

  @Test
  void subscribersArrivingOnEveryNodeAtOnceMakeOneOccupied() throws Exception {
    List<WsClient> clients = List.of(cluster.client(0, "x0"), cluster.client(1, "x1"), cluster.client(2, "x2"),
      cluster.client(0, "x3"), cluster.client(1, "x4"), cluster.client(2, "x5"));
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = clients.stream().map(c -> new Thread(() -> {
      try {
        start.await();
        c.subscribe("ev.rush");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })).toList();
    threads.forEach(Thread::start);
    start.countDown();
    for (Thread t : threads) {
      t.join(WAIT.toMillis());
    }
    awaitOne("channel.occupied", "channel", "ev.rush");
    clients.forEach(WsClient::close);
    awaitOne("channel.vacated", "channel", "ev.rush");
    assertOnce("channel.occupied", "ev.rush");
    assertOnce("channel.vacated", "ev.rush");
  }

  @Test
  void vacatedOnceWhenTheNodeOfTheLastSubscriberDies() throws Exception {
    GatewayNode doomed = cluster.startNode();
    WsClient a = cluster.client(0, "survivor");
    WsClient d = WsClient.connect(cluster.clients(), doomed.port(), cluster.tokens().any("doomed"));
    a.subscribe("ev.crash");
    d.subscribe("ev.crash");
    awaitOne("channel.occupied", "channel", "ev.crash");
    a.unsubscribe("ev.crash"); // the doomed node now holds the channel's last subscriber
    Thread.sleep(500);
    assertTrue(events("channel.vacated", "channel", "ev.crash").isEmpty(), busEvents.toString());

    // a crash as the cluster sees it: the member vanishes without leaving, nothing runs on its side
    ((HazelcastClusterManager) doomed.clusterManager()).getHazelcastInstance().getLifecycleService().terminate();
    Await.until("vacated after the crash", AFTER_KILL, () -> !events("channel.vacated", "channel", "ev.crash").isEmpty());
    JsonObject vacated = assertOnce("channel.vacated", "ev.crash");
    Set<String> survivors = cluster.nodes().stream().filter(n -> n != doomed).map(GatewayNode::nodeId)
      .collect(Collectors.toSet());
    assertTrue(survivors.contains(vacated.getString("node")), vacated.encode());
    assertOnce("channel.occupied", "ev.crash");
    d.close();
    try {
      cluster.stopNode(doomed);
    } catch (RuntimeException e) {
      // its Hazelcast is gone: the stop may fail; the node is out of the cluster either way
    }
  }

  @Test
  void theWebhookGetsTheSameEventsInSignedBatches() throws Exception {
    List<WsClient> clients = List.of(cluster.client(0, "h0"), cluster.client(0, "h1"), cluster.client(0, "h2"),
      cluster.client(1, "h3"), cluster.client(2, "h4"));
    clients.get(0).subscribe("ev.hook");
    clients.get(3).subscribe("ev.hook");
    clients.forEach(WsClient::close);
    awaitOne("channel.vacated", "channel", "ev.hook");
    // this test's events (an earlier test's last ones may still arrive on either side)
    Set<String> users = Set.of("h0", "h1", "h2", "h3", "h4");
    java.util.function.Predicate<JsonObject> mine = e -> e.containsKey("user") && users.contains(e.getString("user"))
      || "ev.hook".equals(e.getString("channel"));
    // 5 connects, 2 subscribes, 2 unsubscribes, 5 disconnects, occupied, vacated
    Await.until("the webhook got every event", WAIT, () -> hookEvents.stream().filter(mine).count() >= 16);
    Thread.sleep(GRACE_MS);
    assertEquals(List.of(), badSignatures);
    List<JsonObject> bus = busEvents.stream().filter(mine).toList();
    List<JsonObject> hook = hookEvents.stream().filter(mine).toList();
    assertEquals(16, bus.size(), bus.toString());
    // the same events, each once
    List<String> hookIds = hook.stream().map(e -> e.getString("id")).toList();
    assertEquals(hookIds.size(), Set.copyOf(hookIds).size(), "an event came twice: " + hookIds);
    assertEquals(Set.copyOf(bus), Set.copyOf(hook));
    // node 0's three connects and their disconnects came in fewer requests than events
    assertTrue(hookBatchSizes.stream().anyMatch(n -> n > 1), "batch sizes " + hookBatchSizes);
    assertEquals(1, hookEvents.stream().filter(e -> e.getString("type").equals("channel.occupied")
      && "ev.hook".equals(e.getString("channel"))).count());
  }
}
