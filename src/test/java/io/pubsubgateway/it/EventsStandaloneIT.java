package io.pubsubgateway.it;

import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.ProcessRun;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Events on a standalone node (occupancy kept in memory), with a webhook whose endpoint is down:
 * the node serves its clients as usual, and the webhook's failed batches are counted in /metrics.
 */
class EventsStandaloneIT {
  private static final String ADDRESS = "test.events";
  private static final int DEAD_PORT = freePort();

  @RegisterExtension
  static final GatewayCluster node = GatewayCluster.standalone(new JsonArray().add(TestConfig.rule("ev.*", "token",
      "token")), "events.address=" + ADDRESS, "events.webhook.url=http://127.0.0.1:" + DEAD_PORT + "/down",
    "events.webhook.secret=webhook-secret-for-tests-0123", "events.webhook.maxAttempts=2",
    "events.webhook.retryDelayMs=50", "events.webhook.batchDelayMs=0");

  private static final List<JsonObject> events = new CopyOnWriteArrayList<>();

  private static int freePort() {
    try {
      return ProcessRun.freeLoopbackPort(); // nothing listens there
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void listen() {
    MessageConsumer<JsonObject> consumer = node.node(0).vertx().eventBus().consumer(ADDRESS,
      msg -> events.add(msg.body()));
    Await.result(consumer.completion());
  }

  private static long count(String type, String channel) {
    return events.stream().filter(e -> e.getString("type").equals(type) && channel.equals(e.getString("channel")))
      .count();
  }

  @Test
  void occupiedAndVacatedOnceAndTheDeadWebhookCostsTheClientsNothing() throws Exception {
    WsClient a = node.client(0, "a");
    WsClient b = node.client(0, "b");
    a.subscribe("ev.solo");
    b.subscribe("ev.solo");
    b.publish("ev.solo", new JsonObject().put("n", 1));
    assertEquals("rec", a.next().getString("type"));
    assertEquals("rec", b.next().getString("type"));
    a.unsubscribe("ev.solo");
    b.close();
    Await.until("vacated", Duration.ofSeconds(10), () -> count("channel.vacated", "ev.solo") == 1);
    Thread.sleep(1000);
    assertEquals(1, count("channel.occupied", "ev.solo"));
    assertEquals(1, count("channel.vacated", "ev.solo"));
    Await.until("failed webhook batches counted", Duration.ofSeconds(20), () -> node.node(0).metrics().scrape()
      .lines().anyMatch(l -> l.startsWith("pubsub_gateway_events_webhook_dropped_total{reason=\"failed\"}")
        && !l.endsWith(" 0.0")));
    assertTrue(node.node(0).metrics().scrape().contains("pubsub_gateway_events_webhook_retries_total"));
  }
}
