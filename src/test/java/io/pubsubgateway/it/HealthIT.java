package io.pubsubgateway.it;

import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.TestTokens;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code /health/live} and {@code /health/ready} of a real clustered node through start and stop. */
class HealthIT {

  @Test
  void readinessIsUpOnlyWhileStartedAndJoinedAndGoesDownAtShutdown() throws Exception {
    int port = io.pubsubgateway.testing.ProcessRun.freeLoopbackPort();
    List<Integer> seenWhileStarting = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean starting = new AtomicBoolean(true);
    Thread prober = new Thread(() -> {
      while (starting.get()) {
        seenWhileStarting.add(Http.status(port, "/health/ready"));
      }
    });
    prober.start();
    GatewayNode node = Await.result(GatewayNode.start(TestConfig.config(TestConfig.uniqueClusterName(), new JsonArray(),
      "http.port=" + port)), Duration.ofSeconds(60));
    starting.set(false);
    prober.join();
    // refused (not listening yet) or 503 (listening, not all started) until it flips to 200 for good
    int firstUp = seenWhileStarting.indexOf(200);
    List<Integer> beforeUp = seenWhileStarting.subList(0, firstUp < 0 ? seenWhileStarting.size() : firstUp);
    assertTrue(beforeUp.stream().allMatch(s -> s == -1 || s == 503), "before ready: " + beforeUp.stream().distinct().toList());
    assertTrue(firstUp < 0 || seenWhileStarting.subList(firstUp, seenWhileStarting.size()).stream().allMatch(s -> s == 200),
      "once ready: " + seenWhileStarting.stream().distinct().toList());

    Http.Response ready = Http.get(port, "/health/ready");
    assertEquals(200, ready.status(), ready.body());
    assertEquals("UP", ready.json().getString("status"));
    assertEquals(java.util.Set.of("http", "cluster"), ready.json().getJsonArray("checks").stream()
      .map(c -> ((JsonObject) c).getString("id")).collect(java.util.stream.Collectors.toSet()));
    assertEquals(200, Http.get(port, "/health/live").status());

    // a client that never answers the close frame keeps the node in its shutdown phase for a while
    String token = new TestTokens(node.vertx()).any("silent");
    try (Socket silent = WsClient.upgradedSocket(port, token)) {
      Future<Void> stopping = node.stop();
      Http.Response down = Http.get(port, "/health/ready");
      assertEquals(503, down.status(), down.body());
      assertEquals("DOWN", down.json().getString("status"));
      JsonObject http = down.json().getJsonArray("checks").stream().map(c -> (JsonObject) c)
        .filter(c -> c.getString("id").equals("http")).findFirst().orElseThrow();
      assertEquals(new JsonObject().put("reason", "shutting down"), http.getJsonObject("data"));
      assertEquals(200, Http.get(port, "/health/live").status(), "live while draining");
      assertFalse(stopping.isComplete());
      Await.result(stopping, Duration.ofSeconds(30));
    }
    assertEquals(-1, Http.status(port, "/health/ready"), "nothing listens after stop");
  }
}
