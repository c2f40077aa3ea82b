package io.pubsubgateway.it;

import io.pubsubgateway.client.ChannelEvent;
import io.pubsubgateway.client.ClientState;
import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayClientOptions;
import io.pubsubgateway.client.GatewayException;
import io.pubsubgateway.client.GatewayMessage;
import io.pubsubgateway.client.HistoryPage;
import io.pubsubgateway.client.PresenceEntry;
import io.pubsubgateway.client.ReconnectPolicy;
import io.pubsubgateway.client.Subscription;
import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.Received;
import io.pubsubgateway.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's use of channel features against two real clustered nodes (in-process, loopback
 * Hazelcast): presence, history, join/leave events, and recovery after a reconnect (the server API
 * closes the client's connection with 4004, the SDK reconnects to the other node).
 */
class ClientFeaturesIT {
  private static final String KEY = "api-key-for-tests-0123456789";
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(2, new JsonArray()
    .add(TestConfig.rule("feat.*", "token", "token").put("presence", true).put("joinLeave", true)
      .put("history", new JsonObject().put("size", 1000).put("ttl", "5m")).put("recovery", true))
    .add(TestConfig.rule("tiny.*", "token", "token")
      .put("history", new JsonObject().put("size", 5).put("ttl", "5m")).put("recovery", true))
    .add(TestConfig.rule("plain.*", "token", "token")), "api.enabled=true", "api.keys=" + KEY);

  private static String url(int node) {
    return "ws://127.0.0.1:" + cluster.node(node).port() + "/ws";
  }

  /** A connected client of {@code user} trying the given nodes in order, retrying after {@code retry}. */
  private GatewayClient client(String user, Duration retry, int... to) {
    GatewayClientOptions options = new GatewayClientOptions().setToken(cluster.tokens().any(user))
      .setReconnectPolicy(new ReconnectPolicy(retry, retry, ReconnectPolicy.UNLIMITED, 0));
    for (int n : to) {
      options.addUrl(url(n));
    }
    GatewayClient c = GatewayClient.create(cluster.clients(), options);
    cluster.track(c);
    Await.result(c.connect());
    return c;
  }

  private GatewayClient client(String user, int... to) {
    return client(user, Duration.ofMillis(100), to);
  }

  /** Closes every connection of {@code user} with 4004 (the client may reconnect), through the server API. */
  private static void disconnect(String user) {
    Http.Response r = Http.send(cluster.node(0).port(), "POST", "/api/disconnect",
      new JsonObject().put("user", user).put("reconnect", true).encode(), "X-API-Key", KEY);
    assertEquals(1, r.json().getInteger("disconnected"), r.body());
  }

  @Test
  void presenceListsSubscribersOfBothNodesAndHistoryReturnsTheLastMessagesWithOffsets() {
    GatewayClient alice = client("alice", 0);
    GatewayClient bob = client("bob", 1);
    Await.result(alice.subscribe("feat.room", m -> { }));
    Await.result(bob.subscribe("feat.room", m -> { }));
    Await.until("both present", () -> Await.result(bob.presence("feat.room")).size() == 2);
    List<PresenceEntry> present = Await.result(alice.presence("feat.room"));
    assertEquals(List.of("alice", "bob"), present.stream().map(PresenceEntry::user).toList());
    assertEquals(List.of(cluster.node(0).nodeId(), cluster.node(1).nodeId()), present.stream().map(PresenceEntry::node).toList());
    assertNotEquals(present.get(0).client(), present.get(1).client());

    for (int i = 0; i < 3; i++) {
      Await.result(alice.publish("feat.room", new JsonObject().put("n", i), Map.of("k", "v" + i)));
    }
    HistoryPage page = Await.result(bob.history("feat.room", 2));
    assertEquals(2, page.messages().size());
    GatewayMessage last = page.messages().get(1);
    assertEquals(new JsonObject().put("n", 2), last.body());
    assertEquals(Map.of("k", "v2", "offset", Long.toString(page.offset()), "epoch", page.epoch()), last.headers());
    assertEquals(page.offset() - 1, page.messages().get(0).offset());
    assertEquals(new JsonObject().put("n", 1), page.messages().get(0).body());

    assertEquals("not_available", assertInstanceOf(GatewayException.class,
      Await.failure(alice.history("plain.x", 1))).code());
    assertEquals("not_available", assertInstanceOf(GatewayException.class,
      Await.failure(alice.presence("plain.x"))).code());
    assertThrows(IllegalArgumentException.class, () -> alice.history("feat.room", 0));
  }

  @Test
  void joinAndLeaveEventsReachTheEventHandlerAcrossNodes() {
    GatewayClient watcher = client("watcher", 0);
    List<ChannelEvent> events = new CopyOnWriteArrayList<>();
    Subscription sub = Await.result(watcher.subscribe("feat.events", m -> { }));
    sub.eventHandler(events::add);
    GatewayClient visitor = client("visitor", 1);
    Await.result(visitor.subscribe("feat.events", m -> { }));
    // the watcher's own join may come before its handler is set: only the visitor's events count
    Await.until("visitor joined", () -> visitorEvents(events).size() == 1);
    ChannelEvent join = visitorEvents(events).get(0);
    assertEquals(ChannelEvent.Type.JOIN, join.type());
    assertEquals("feat.events", join.channel());
    assertNull(join.info());

    Await.result(visitor.close());
    Await.until("visitor left", () -> visitorEvents(events).size() == 2);
    assertEquals(new ChannelEvent("feat.events", ChannelEvent.Type.LEAVE, join.client(), "visitor", null),
      visitorEvents(events).get(1));
  }

  private static List<ChannelEvent> visitorEvents(List<ChannelEvent> events) {
    return events.stream().filter(e -> "visitor".equals(e.user())).toList();
  }

  @Test
  void aReconnectWithNothingMissedRecoversWithoutDuplicates() {
    GatewayClient reader = client("reader", 0, 1);
    GatewayClient writer = client("writer", 1);
    Received received = new Received();
    List<Boolean> recoveries = new CopyOnWriteArrayList<>();
    Subscription sub = Await.result(reader.subscribe("feat.resume", received)).recoveryHandler(recoveries::add);
    assertNull(sub.recovered(), "no re-subscription yet");
    String epoch = sub.epoch();
    long start = sub.offset();
    for (int i = 0; i < 3; i++) {
      Await.result(writer.publish("feat.resume", i));
    }
    received.await(3, Duration.ofSeconds(10));
    assertEquals(start + 3, sub.offset());

    disconnect("reader");
    Await.until("recovered on node 1", Duration.ofSeconds(20), () -> Boolean.TRUE.equals(sub.recovered()));
    assertEquals(url(1), reader.connectedUrl());
    assertEquals(List.of(true), recoveries);
    Await.result(writer.publish("feat.resume", 3));
    received.await(4, Duration.ofSeconds(10));
    assertEquals(List.of(0, 1, 2, 3), received.bodies());
    assertEquals(offsets(start + 1, 4), received.offsets());
    assertEquals(epoch, sub.epoch());
  }

  @Test
  void recoveryBeyondTheHistorySizeSaysNotRecoveredAndDeliversWhatHistoryStillHas() throws Exception {
    Duration gap = Duration.ofSeconds(4);
    GatewayClient reader = client("late-reader", gap, 0, 1);
    GatewayClient writer = client("late-writer", 1);
    Received received = new Received();
    List<Boolean> recoveries = new CopyOnWriteArrayList<>();
    Subscription sub = Await.result(reader.subscribe("tiny.resume", received)).recoveryHandler(recoveries::add);
    Await.result(writer.publish("tiny.resume", -1));
    received.await(1, Duration.ofSeconds(10));

    disconnect("late-reader");
    Await.until("disconnected", () -> reader.state() != ClientState.CONNECTED);
    for (int i = 0; i < 20; i++) {
      Await.result(writer.publish("tiny.resume", i));
    }
    assertNotEquals(ClientState.CONNECTED, reader.state(), "reconnected before the 20 publishes: the test proves nothing");
    Await.until("re-subscribed", Duration.ofSeconds(20), () -> sub.recovered() != null);
    assertEquals(Boolean.FALSE, sub.recovered());
    assertEquals(List.of(false), recoveries);
    received.await(6, Duration.ofSeconds(10));
    received.assertNoMoreThan(6, 300);
    List<Object> expected = new ArrayList<>(List.of(-1));
    IntStream.range(15, 20).forEach(expected::add);
    assertEquals(expected, received.bodies(), "the first message, then the 5 the history still has");
  }

  private static List<Long> offsets(long from, int count) {
    return LongStream.range(from, from + count).boxed().toList();
  }
}
