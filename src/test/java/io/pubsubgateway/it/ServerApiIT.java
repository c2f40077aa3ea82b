package io.pubsubgateway.it;

import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.Http.Response;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server HTTP API and the Prometheus metrics against two real clustered nodes (in-process,
 * Hazelcast on loopback) and real WebSocket clients; plus a standalone node with the API disabled.
 */
class ServerApiIT {
  private static final String KEY = "api-key-for-tests-0123456789";
  private static final String[] AUTH = {"X-API-Key", KEY};
  private static final JsonArray RULES = new JsonArray().add(TestConfig.rule("closed.*", "all", "none"));
  @RegisterExtension
  @Order(1)
  static final GatewayCluster cluster = GatewayCluster.of(2, RULES, "api.enabled=true",
    "api.keys=" + KEY + ",second-key-0123456789", "api.maxBodyBytes=2048");
  /** A standalone node with the API disabled. */
  @RegisterExtension
  @Order(2)
  static final GatewayCluster apiOff = GatewayCluster.standalone(RULES);

  private WsClient client(int node, String user) {
    return cluster.client(node, user);
  }

  private static Response post(int node, String call, JsonObject body) {
    return Http.send(cluster.node(node).port(), "POST", "/api/" + call, body.encode(), AUTH);
  }

  private static Response get(int node, String call) {
    return Http.get(cluster.node(node).port(), "/api/" + call, AUTH);
  }

  @Test
  void publishOnNodeAReachesASubscriberOnNodeBWithItsHeaders() {
    WsClient sub = client(1, "alice");
    sub.subscribe("api.news");
    Response r = post(0, "publish", new JsonObject().put("channel", "api.news")
      .put("data", new JsonObject().put("n", 1)).put("headers", new JsonObject().put("kind", "test")));
    assertEquals(200, r.status(), r.body());
    assertEquals(new JsonObject().put("published", 1), r.json());
    assertEquals(new JsonObject().put("type", "rec").put("address", "api.news").put("body", new JsonObject().put("n", 1))
      .put("headers", new JsonObject().put("kind", "test")), sub.next());
    sub.assertNoFrame(200);
  }

  @Test
  void broadcastReachesEachChannelOnceOnEveryNode() {
    WsClient a = client(0, "alice");
    WsClient b = client(1, "bob");
    a.subscribe("api.b1");
    b.subscribe("api.b2");
    Response r = Http.send(cluster.node(1).port(), "POST", "/api/broadcast",
      new JsonObject().put("channels", new JsonArray().add("api.b1").add("api.b2").add("api.b1")).put("data", "hi")
        .encode(), "Authorization", "apikey second-key-0123456789");
    assertEquals(new JsonObject().put("published", 2), r.json());
    assertEquals(new JsonObject().put("type", "rec").put("address", "api.b1").put("body", "hi"), a.next());
    assertEquals(new JsonObject().put("type", "rec").put("address", "api.b2").put("body", "hi"), b.next());
    a.assertNoFrame(200);
    b.assertNoFrame(0);
  }

  @Test
  void channelsAndInfoReflectSubscriptionsOnBothNodes() {
    client(0, "u1").subscribe("room.1");
    client(0, "u2").subscribe("room.1");
    WsClient onB = client(1, "u3");
    onB.subscribe("room.1");
    onB.subscribe("room.2");

    JsonObject channels = get(1, "channels").json();
    assertEquals(new JsonArray()
      .add(new JsonObject().put("channel", "room.1").put("subscribers", 3).put("nodes", 2))
      .add(new JsonObject().put("channel", "room.2").put("subscribers", 1).put("nodes", 1)), channels.getJsonArray("channels"));
    assertEquals(new JsonObject().put("answered", 2).put("failed", new JsonArray()), channels.getJsonObject("nodes"));
    assertEquals(new JsonArray().add(new JsonObject().put("channel", "room.2").put("subscribers", 1).put("nodes", 1)),
      get(0, "channels?pattern=room.2").json().getJsonArray("channels"));

    JsonObject info = get(0, "info").json();
    assertEquals(3, info.getInteger("connections"));
    assertEquals(4, info.getInteger("subscriptions"));
    JsonArray infoNodes = info.getJsonArray("nodes");
    assertEquals(2, infoNodes.size());
    for (int i = 0; i < 2; i++) {
      JsonObject n = infoNodes.getJsonObject(i);
      boolean isA = n.getString("id").equals(cluster.node(0).nodeId());
      assertEquals(isA, n.getBoolean("self"), n.encode());
      assertEquals(isA ? 2 : 1, n.getInteger("connections"), n.encode());
      assertEquals(isA ? 2 : 2, n.getInteger("subscriptions"), n.encode());
      assertEquals(isA ? 1 : 2, n.getInteger("channels"), n.encode());
      assertEquals("127.0.0.1:" + cluster.node(isA ? 0 : 1).port(), n.getString("address"));
      assertTrue(n.getBoolean("ready"));
    }
  }

  @Test
  void disconnectClosesThatUsersConnectionsOnBothNodesOnly() {
    WsClient kickedA = client(0, "mallory");
    WsClient kickedB = client(1, "mallory");
    WsClient other = client(1, "trent");
    other.subscribe("room.stays");
    JsonObject r = post(0, "disconnect", new JsonObject().put("user", "mallory")).json();
    assertEquals(2, r.getInteger("disconnected"), r.encode());
    assertEquals(4501, kickedA.awaitClose(Duration.ofSeconds(10)));
    assertEquals(4501, kickedB.awaitClose(Duration.ofSeconds(10)));
    assertFalse(other.closed());
    post(1, "publish", new JsonObject().put("channel", "room.stays").put("data", 1));
    assertEquals(1, other.next().getInteger("body"));

    WsClient again = client(1, "mallory");
    assertEquals(1, post(1, "disconnect", new JsonObject().put("user", "mallory").put("reconnect", true)).json()
      .getInteger("disconnected"));
    assertEquals(4004, again.awaitClose(Duration.ofSeconds(10)));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "no key|POST|/api/publish|{}||401|unauthorized",
    "wrong key|POST|/api/publish|{}|wrong-key-0123456789xx|401|unauthorized",
    "invalid JSON|POST|/api/publish|{nope|KEY|400|invalid_json",
    "not an object|POST|/api/publish|[1]|KEY|400|invalid_json",
    "missing channel|POST|/api/publish|{\"data\":1}|KEY|400|missing_field",
    "channel not a string|POST|/api/publish|{\"channel\":5,\"data\":1}|KEY|400|invalid_field",
    "bad channel syntax|POST|/api/publish|{\"channel\":\"a b\",\"data\":1}|KEY|400|invalid_channel",
    "internal channel|POST|/api/publish|{\"channel\":\"__vertx.x\",\"data\":1}|KEY|400|invalid_channel",
    "missing data|POST|/api/publish|{\"channel\":\"a\"}|KEY|400|missing_field",
    "bad headers|POST|/api/publish|{\"channel\":\"a\",\"data\":1,\"headers\":[1]}|KEY|400|invalid_field",
    "empty broadcast|POST|/api/broadcast|{\"channels\":[],\"data\":1}|KEY|400|invalid_field",
    "broadcast bad channel|POST|/api/broadcast|{\"channels\":[\"ok\",\"no way\"],\"data\":1}|KEY|400|invalid_channel",
    "disconnect without user|POST|/api/disconnect|{}|KEY|400|missing_field",
    "wrong method|GET|/api/publish||KEY|405|method_not_allowed",
    "unknown call|GET|/api/nope||KEY|404|not_found",
  })
  void badRequestsGetAStatusAndAJsonErrorNamingTheProblem(String name, String method, String path, String body,
                                                          String key, int status, String error) {
    List<String> headers = new ArrayList<>();
    if (key != null) {
      headers.addAll(List.of("X-API-Key", key.equals("KEY") ? KEY : key));
    }
    Response r = Http.send(cluster.node(0).port(), method, path, body, headers.toArray(String[]::new));
    assertEquals(status, r.status(), name + ": " + r.body());
    assertEquals(error, r.json().getString("error"), r.body());
    assertFalse(r.json().getString("message").isEmpty());
  }

  @Test
  void oversizeBodyIs400AndTheNodeKeepsServing() {
    String big = new JsonObject().put("channel", "a").put("data", "x".repeat(4096)).encode();
    Response r = Http.send(cluster.node(0).port(), "POST", "/api/publish", big, AUTH);
    assertEquals(400, r.status(), r.body());
    assertEquals("body_too_large", r.json().getString("error"));
    assertEquals(200, post(0, "publish", new JsonObject().put("channel", "a").put("data", 1)).status());
  }

  @Test
  void aDisabledApiIs404() {
    Response r = Http.send(apiOff.port(0), "POST", "/api/publish", "{}", AUTH);
    assertEquals(404, r.status());
  }

  @Test
  void metricsCountersMoveByTheRightAmounts() {
    int port = cluster.node(0).port();
    Map<String, Double> before = Http.metrics(port);
    WsClient sub = client(0, "m1");
    WsClient pub = client(0, "m2");
    sub.subscribe("met.x");                               // 1 frame in, 1 ack out
    for (int i = 0; i < 5; i++) {
      pub.publish("met.x", i);                            // 5 in, 5 rec out to sub
    }
    for (int i = 0; i < 5; i++) {
      sub.next();
    }
    pub.publish("closed.x", 1);                           // 1 in, denied: 1 err out
    assertEquals("access_denied", pub.next().getString("body"));
    post(0, "publish", new JsonObject().put("channel", "met.x").put("data", "api"));  // 1 rec out
    sub.next();
    assertEquals(401, WsClient.rejectedStatus(cluster.clients(), port, "/ws", null, null));
    Map<String, Double> during = Http.metrics(port);
    assertDelta(before, during, "pubsub_gateway_connections_opened_total", 2);
    assertDelta(before, during, "pubsub_gateway_connections", 2);
    assertDelta(before, during, "pubsub_gateway_subscriptions", 1);
    assertDelta(before, during, "pubsub_gateway_messages_in_total", 7);
    assertDelta(before, during, "pubsub_gateway_messages_out_total", 8);
    assertDelta(before, during, "pubsub_gateway_publishes_total{source=\"client\"}", 5);
    assertDelta(before, during, "pubsub_gateway_publishes_total{source=\"api\"}", 1);
    assertDelta(before, during, "pubsub_gateway_publishes_denied_total", 1);
    assertDelta(before, during, "pubsub_gateway_handshake_rejections_total{reason=\"missing_token\",status=\"401\"}", 1);
    assertDelta(before, during, "pubsub_gateway_fanout_latency_seconds_count", 6);
    assertTrue(during.get("pubsub_gateway_bytes_out_total") - before.get("pubsub_gateway_bytes_out_total") > 8 * 30);
    assertEquals(2.0, during.get("pubsub_gateway_cluster_nodes"));
    assertTrue(during.get("pubsub_gateway_channels") >= 1);
    assertTrue(during.containsKey("jvm_memory_used_bytes{area=\"heap\",id=\"PS Eden Space\"}")
      || during.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")), "JVM metrics");
    assertTrue(during.keySet().stream().anyMatch(k -> k.startsWith("vertx_http_server")), "Vert.x metrics");
    // Vert.x's own gauges stay right although our handler replaces Vert.x's after the upgrade
    assertEquals(2, sum(during, "vertx_http_server_active_ws_connections") - sum(before,
      "vertx_http_server_active_ws_connections"), 0.001);

    sub.close();
    pub.close();
    Await.until("closed", () -> cluster.node(0).connections() == 0);
    Map<String, Double> after = Http.metrics(port);
    assertDelta(before, after, "pubsub_gateway_connections_closed_total{reason=\"client\"}", 2);
    assertDelta(before, after, "pubsub_gateway_subscriptions", 0);
    for (String gauge : List.of("vertx_http_server_active_ws_connections", "vertx_http_server_active_connections")) {
      Await.until(gauge + " back down", () -> sum(Http.metrics(port), gauge) == sum(before, gauge));
    }
  }

  /** The sum of a metric's samples over all its labels. */
  private static double sum(Map<String, Double> samples, String name) {
    return samples.entrySet().stream().filter(e -> e.getKey().equals(name) || e.getKey().startsWith(name + "{"))
      .mapToDouble(Map.Entry::getValue).sum();
  }

  private static double value(Map<String, Double> samples, String name) {
    return samples.getOrDefault(name, 0.0);
  }

  private static void assertDelta(Map<String, Double> before, Map<String, Double> after, String name, double delta) {
    assertTrue(after.containsKey(name), name + " not exposed");
    assertEquals(delta, value(after, name) - value(before, name), 1e-9, name);
  }
}
