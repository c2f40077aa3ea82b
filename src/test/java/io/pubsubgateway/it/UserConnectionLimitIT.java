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
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code limits.maxConnectionsPerUser: 2} on two clustered nodes: a user's third handshake on a
 * node is refused with HTTP 429 before the upgrade (raw WebSocket, and SockJS's {@code /info} and
 * websocket transport), the count is per node (the same user still connects to the other node),
 * other users and anonymous connections are unaffected, a closed connection frees its slot, and the
 * Java SDK retries a 429 with backoff until a slot frees.
 */
class UserConnectionLimitIT {
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(2, new JsonArray()
    .add(TestConfig.rule("plain.*", "token", "token")), "limits.maxConnectionsPerUser=2", "auth.allowAnonymous=true");

  private static WsClient connect(int node, String user) {
    return cluster.track(WsClient.connect(cluster.clients(), cluster.port(node), cluster.tokens().any(user)));
  }

  private static int refusal(int node, String user) {
    return WsClient.rejectedStatus(cluster.clients(), cluster.port(node), "/ws", cluster.tokens().any(user), null);
  }

  @Test
  void theThirdHandshakeOfAUserOnANodeGets429UntilOneOfItsConnectionsCloses() {
    Map<String, Double> before = Http.metrics(cluster.port(0));
    WsClient first = connect(0, "alice");
    connect(0, "alice");
    assertEquals(429, refusal(0, "alice"));
    assertEquals(429, refusal(0, "alice"), "a refusal frees nothing");
    // per node: the same user on the other node, other users and anonymous clients on this one
    connect(1, "alice");
    connect(1, "alice");
    assertEquals(429, refusal(1, "alice"));
    connect(0, "bob");
    for (int i = 0; i < 3; i++) {
      cluster.track(WsClient.connect(cluster.clients(), cluster.port(0), null));
    }
    // the connections at the limit still work
    first.subscribe("plain.limit");
    first.close();
    Await.until("alice's slot on node 0 freed", () -> {
      try {
        connect(0, "alice");
        return true;
      } catch (AssertionError refused) {
        return false; // the close is still on its way to the server
      }
    });
    assertEquals(429, refusal(0, "alice"));
    Map<String, Double> after = Http.metrics(cluster.port(0));
    String key = "pubsub_gateway_handshake_rejections_total{reason=\"user_limit\",status=\"429\"}";
    assertTrue(after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0) >= 3, "metric " + key + ": " + after.get(key));
  }

  @Test
  void connectionsTheGatewayClosesFreeTheirSlotsToo() {
    WsClient one = cluster.track(WsClient.connect(cluster.clients(), cluster.port(1),
      cluster.tokens().token("frank", List.of("*"), List.of("*"), 2)));
    WsClient two = cluster.track(WsClient.connect(cluster.clients(), cluster.port(1),
      cluster.tokens().token("frank", List.of("*"), List.of("*"), 2)));
    assertEquals(429, refusal(1, "frank"));
    assertEquals(4001, one.awaitClose(Duration.ofSeconds(10)));
    assertEquals(4001, two.awaitClose(Duration.ofSeconds(10)));
    Await.until("frank's slots freed", () -> {
      try {
        connect(1, "frank");
        return true;
      } catch (AssertionError refused) {
        return false;
      }
    });
    connect(1, "frank");
    assertEquals(429, refusal(1, "frank"));
  }

  @Test
  void theJavaSdkRetriesA429WithBackoffAndConnectsOnceASlotFrees() {
    WsClient holder = connect(0, "carol");
    connect(0, "carol");
    List<StateChange> states = new CopyOnWriteArrayList<>();
    GatewayClient client = cluster.track(GatewayClient.create(cluster.clients(), new GatewayClientOptions()
      .addUrl("ws://127.0.0.1:" + cluster.port(0) + "/ws").setToken(cluster.tokens().any("carol"))
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(200), ReconnectPolicy.UNLIMITED, 0))));
    client.stateHandler(states::add);
    Future<Void> connected = client.connect();
    Await.until("two refusals with 429", () -> states.stream()
      .filter(s -> s.state() == ClientState.RECONNECTING && s.code() == 429).count() >= 2);
    assertFalse(connected.isComplete(), "still trying: " + states);
    holder.close();
    Await.result(connected, Duration.ofSeconds(15));
    assertEquals(ClientState.CONNECTED, client.state());
    roundTrip(client);
  }

  @Test
  void sockJsSessionsOfAUserAtTheLimitAreRefusedWith429() {
    connect(0, "dave");
    connect(0, "dave");
    String token = cluster.tokens().any("dave");
    assertEquals(429, Http.get(cluster.port(0), "/eventbus/info?token=" + token).status());
    assertEquals(200, Http.get(cluster.port(1), "/eventbus/info?token=" + token).status(), "another node");
    assertEquals(200, Http.get(cluster.port(0), "/eventbus/info?token=" + cluster.tokens().any("erin")).status());
    String uri = "/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8) + "/websocket?token=" + token;
    assertEquals(429, WsClient.rejectedStatus(cluster.clients(), cluster.port(0), uri, null, null));
  }

  /** One SDK round trip: the connection is usable. */
  private static void roundTrip(GatewayClient client) {
    Received got = new Received();
    Await.result(client.subscribe("plain.sdk-limit", got));
    Await.result(client.publish("plain.sdk-limit", new JsonObject().put("n", 1)));
    got.await(1, Duration.ofSeconds(10));
  }
}
