package io.pubsubgateway.it;

import io.pubsubgateway.client.ClientState;
import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayClientOptions;
import io.pubsubgateway.client.GatewayException;
import io.pubsubgateway.client.GatewayMessage;
import io.pubsubgateway.client.ReconnectPolicy;
import io.pubsubgateway.client.StateChange;
import io.pubsubgateway.client.Subscription;
import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Registrations;
import io.pubsubgateway.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java SDK against real clustered nodes (in-process, loopback Hazelcast). */
class ClientIT {
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(2, new JsonArray().add(TestConfig.rule("open.*", "all", "all")));
  private static String url(GatewayNode node) {
    return "ws://127.0.0.1:" + node.port() + "/ws";
  }

  private static GatewayClient client(String token, GatewayNode... to) {
    GatewayClientOptions options = new GatewayClientOptions().setToken(token)
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(500), ReconnectPolicy.UNLIMITED, 0.5));
    for (GatewayNode n : to) {
      options.addUrl(url(n));
    }
    return GatewayClient.create(cluster.clients(), options);
  }

  private static GatewayMessage next(BlockingQueue<GatewayMessage> queue) throws InterruptedException {
    GatewayMessage m = queue.poll(10, TimeUnit.SECONDS);
    assertNotNull(m, "no message within 10 s");
    return m;
  }

  @Test
  void subscribePublishRoundTripAcrossTwoNodesThenUnsubscribe() throws Exception {
    GatewayClient subscriber = client(cluster.tokens().any("sub"), cluster.node(0));
    GatewayClient publisher = client(cluster.tokens().any("pub"), cluster.node(1));
    Await.result(subscriber.connect());
    Await.result(publisher.connect());
    BlockingQueue<GatewayMessage> received = new LinkedBlockingQueue<>();
    Subscription sub = Await.result(subscriber.subscribe("sdk.room", received::add));
    awaitRegistrations("sdk.room", 1);

    Await.result(publisher.publish("sdk.room", new JsonObject().put("n", 1), Map.of("trace", "t1")));
    GatewayMessage m = next(received);
    assertEquals("sdk.room", m.channel());
    assertEquals(new JsonObject().put("n", 1), m.body());
    assertEquals(Map.of("trace", "t1"), m.headers());

    Await.result(sub.unsubscribe());
    awaitRegistrations("sdk.room", 0);
    Await.result(publisher.publish("sdk.room", "after"));
    assertNull(received.poll(300, TimeUnit.MILLISECONDS));
    Await.result(subscriber.close());
    Await.result(publisher.close());
  }

  @Test
  void refusalsFailTheFutureWithTheGatewayCode() {
    GatewayClient c = client(cluster.tokens().token("limited", List.of("mine.*"), List.of()), cluster.node(0));
    Await.result(c.connect());
    GatewayException denied = assertInstanceOf(GatewayException.class,
      Await.failure(c.subscribe("other.room", m -> { })));
    assertEquals("access_denied", denied.code());
    GatewayException publishDenied = assertInstanceOf(GatewayException.class, Await.failure(c.publish("mine.x", 1)));
    assertEquals("access_denied", publishDenied.code());
    Await.result(c.subscribe("open.lobby", m -> { }));
    Await.result(c.close());
    GatewayException closed = assertInstanceOf(GatewayException.class, Await.failure(c.publish("open.lobby", 1)));
    assertEquals(GatewayException.DISCONNECTED, closed.code());
  }

  @Test
  void failoverToTheNextNodeResubscribesAndRefreshesTheToken() throws Exception {
    GatewayNode a = cluster.startNode();
    GatewayNode b = cluster.node(1);
    AtomicInteger tokenCalls = new AtomicInteger();
    List<StateChange> states = new CopyOnWriteArrayList<>();
    GatewayClientOptions options = new GatewayClientOptions().addUrl(url(a)).addUrl(url(b))
      .setTokenSupplier(() -> {
        tokenCalls.incrementAndGet();
        return cluster.tokens().any("failover");
      })
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(2), ReconnectPolicy.UNLIMITED, 0.5));
    GatewayClient c = GatewayClient.create(cluster.clients(), options).stateHandler(states::add);
    Await.result(c.connect());
    assertEquals(url(a), c.connectedUrl());
    BlockingQueue<GatewayMessage> received = new LinkedBlockingQueue<>();
    Await.result(c.subscribe("sdk.failover", received::add));

    long stoppedAt = System.nanoTime();
    cluster.stopNode(a);
    // first retry waits at most minDelay (200 ms) and goes to the next URL: B
    Await.until("reconnected to B", Duration.ofSeconds(5), () -> url(b).equals(c.connectedUrl()));
    long reconnectMs = (System.nanoTime() - stoppedAt) / 1_000_000;
    assertTrue(reconnectMs < 5000, "reconnect took " + reconnectMs + " ms");
    assertTrue(tokenCalls.get() >= 2, "token supplier called " + tokenCalls.get() + " times");
    assertTrue(states.stream().anyMatch(s -> s.state() == ClientState.DISCONNECTED && s.code() == 1001), states.toString());

    awaitRegistrations("sdk.failover", 1);
    GatewayClient publisher = client(cluster.tokens().any("pub2"), b);
    Await.result(publisher.connect());
    Await.result(publisher.publish("sdk.failover", "after-failover"));
    assertEquals("after-failover", next(received).body());
    Await.result(publisher.close());
    Await.result(c.close());
  }

  @Test
  void aRejectedTokenIsTerminalWithoutAReconnectLoop() throws Exception {
    AtomicInteger tokenCalls = new AtomicInteger();
    List<StateChange> states = new CopyOnWriteArrayList<>();
    GatewayClientOptions options = new GatewayClientOptions().addUrl(url(cluster.node(0))).addUrl(url(cluster.node(1)))
      .setTokenSupplier(() -> {
        tokenCalls.incrementAndGet();
        return "not.a.token";
      })
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(50), Duration.ofMillis(100), ReconnectPolicy.UNLIMITED, 0));
    GatewayClient c = GatewayClient.create(cluster.clients(), options).stateHandler(states::add);
    GatewayException e = assertInstanceOf(GatewayException.class, Await.failure(c.connect()));
    assertEquals(GatewayException.AUTH_REJECTED, e.code());
    Thread.sleep(500); // ten retry periods
    assertEquals(1, tokenCalls.get());
    assertEquals(ClientState.CLOSED, c.state());
    StateChange last = states.get(states.size() - 1);
    assertEquals(ClientState.CLOSED, last.state());
    assertEquals(401, last.code());
  }

  @Test
  void anUnreachableNodeIsReportedWhenAttemptsRunOut() {
    GatewayClientOptions options = new GatewayClientOptions().addUrl("ws://127.0.0.1:1/ws")
      .setToken(cluster.tokens().any("nobody"))
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(20), 2, 0));
    GatewayClient c = GatewayClient.create(cluster.clients(), options);
    GatewayException e = assertInstanceOf(GatewayException.class, Await.failure(c.connect()));
    assertEquals(GatewayException.UNREACHABLE, e.code());
  }

  private static void awaitRegistrations(String address, int expected) {
    Registrations.await(cluster.nodes(), address, expected);
  }
}
