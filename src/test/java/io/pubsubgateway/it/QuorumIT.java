package io.pubsubgateway.it;

import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cluster.minMembers}: real in-process nodes on loopback Hazelcast with a quorum of 2. A
 * node alone is isolated (not ready, handshakes 503); with a second member it serves; when that
 * member leaves, its clients are closed with 4005, publishes are refused, and it serves again as
 * soon as another member joins.
 */
class QuorumIT {
  private static final String KEY = "api-key-for-tests-0123456789";
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(0, new JsonArray().add(TestConfig.rule("q.*", "all", "all")),
    "cluster.minMembers=2", "api.enabled=true", "api.keys=" + KEY);

  private static GatewayNode start() {
    return cluster.startNode();
  }

  private static WsClient connect(GatewayNode node, String user) {
    return cluster.track(WsClient.connect(cluster.clients(), node.port(), cluster.tokens().any(user)));
  }

  private static int rejected(GatewayNode node) {
    return WsClient.rejectedStatus(cluster.clients(), node.port(), "/ws", cluster.tokens().any("u"), null);
  }

  private static JsonObject readiness(GatewayNode node) {
    return Http.get(node.port(), "/health/ready").json();
  }

  private static String notReadyReason(GatewayNode node) {
    Http.Response r = Http.get(node.port(), "/health/ready");
    if (r.status() == 200) {
      return null;
    }
    assertEquals(503, r.status(), r.body());
    return r.json().getJsonArray("checks").stream().map(c -> (JsonObject) c)
      .filter(c -> c.getString("id").equals("http")).findFirst().orElseThrow().getJsonObject("data").getString("reason");
  }

  private static Http.Response apiPublish(GatewayNode node, String channel) {
    return Http.send(node.port(), "POST", "/api/publish",
      new JsonObject().put("channel", channel).put("data", "x").encode(), "X-API-Key", KEY);
  }

  @Test
  void aNodeServesOnlyWithItsQuorumAndClosesItsClientsWith4005WhenItLosesIt() {
    GatewayNode a = start();
    String quorumLost = "no cluster quorum: 1 of at least 2 members (cluster.minMembers)";
    assertEquals(quorumLost, notReadyReason(a), "alone, the first node has no quorum");
    assertEquals(503, rejected(a));
    assertEquals("DOWN", readiness(a).getString("status"));

    GatewayNode b = start();
    Await.until("a ready with b", Duration.ofSeconds(10), () -> notReadyReason(a) == null);
    assertEquals(1.0, Http.metrics(a.port()).get("pubsub_gateway_cluster_quorum"));
    WsClient sub = connect(a, "sub");
    sub.subscribe("q.room");
    WsClient pub = connect(b, "pub");
    pub.publish("q.room", "before");
    assertEquals("before", sub.next().getString("body"));

    long stopping = System.nanoTime();
    cluster.stopNode(b);
    long stoppedMs = (System.nanoTime() - stopping) / 1_000_000;
    assertEquals(4005, sub.awaitClose(Duration.ofSeconds(5)), "closed within 5 s of the member leaving");
    long closedMs = (System.nanoTime() - stopping) / 1_000_000;
    assertEquals(quorumLost, notReadyReason(a));
    assertEquals(503, rejected(a));
    Http.Response refused = apiPublish(a, "q.room");
    assertEquals(503, refused.status(), refused.body());
    assertEquals("quorum_lost", refused.json().getString("error"));
    assertEquals(0.0, Http.metrics(a.port()).get("pubsub_gateway_cluster_quorum"));
    assertEquals(1.0, Http.metrics(a.port()).get("pubsub_gateway_connections_closed_total{reason=\"quorum_lost\"}"));

    GatewayNode c = start();
    Await.until("a serves again once c joined", Duration.ofSeconds(10), () -> notReadyReason(a) == null);
    assertEquals(200, apiPublish(a, "q.other").status());
    WsClient again = connect(a, "sub");
    again.subscribe("q.room");
    WsClient pubC = connect(c, "pub");
    pubC.publish("q.room", "after");
    assertEquals("after", again.next().getString("body"));
    System.out.printf("QuorumIT: b stopped in %d ms, a's client closed with 4005 %d ms after the stop began%n",
      stoppedMs, closedMs);
  }
}
