package io.pubsubgateway.events;

import io.pubsubgateway.config.WebhookConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The webhook against a real HTTP server on 127.0.0.1: signatures, batching, retries with backoff,
 * a slow endpoint, the bounded queue and its counted drops.
 */
class WebhookSenderTest {
  private static final String SECRET = "webhook-secret-0123456789";
  private static final Duration WAIT = Duration.ofSeconds(15);

  private Vertx vertx;
  private GatewayMetrics metrics;
  private HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private WebhookSender sender;

  /** One request as the endpoint got it. */
  private record Request(String timestamp, String signature, String contentType, Buffer body) {
    List<String> ids() {
      List<String> ids = new ArrayList<>();
      new JsonObject(body).getJsonArray("events").forEach(e -> ids.add(((JsonObject) e).getString("id")));
      return ids;
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    metrics = GatewayMetrics.prometheus();
  }

  @AfterEach
  void stop() {
    if (sender != null) {
      Await.result(sender.stop(100));
    }
    Await.result(vertx.close());
    metrics.close();
  }

  /** Starts the endpoint; {@code answer} gets each request (after its body was read) and answers it. */
  private int serve(int port, BiConsumer<HttpServerRequest, Integer> answer) {
    AtomicInteger n = new AtomicInteger();
    server = Await.result(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      requests.add(new Request(req.getHeader(WebhookSignature.TIMESTAMP_HEADER),
        req.getHeader(WebhookSignature.SIGNATURE_HEADER), req.getHeader("Content-Type"), body));
      answer.accept(req, n.incrementAndGet());
    })).listen(port, "127.0.0.1"));
    return server.actualPort();
  }

  private static void ok(HttpServerRequest req, int n) {
    req.response().setStatusCode(204).end();
  }

  private WebhookSender sender(int port, int queueSize, int batchSize, int batchDelayMs, int timeoutMs,
                               int maxAttempts) {
    sender = new WebhookSender(vertx, new WebhookConfig("http://127.0.0.1:" + port + "/hook", SECRET, queueSize,
      batchSize, batchDelayMs, timeoutMs, maxAttempts, 50, 400), metrics);
    return sender;
  }

  private static GatewayEvent event(int i) {
    return new GatewayEvent(EventType.SUBSCRIBE, "n-" + i, 1_700_000_000_000L + i, "n", "alice", "c1", "chat." + i,
      null, null);
  }

  private static List<String> ids(int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> "n-" + i).toList();
  }

  private List<String> deliveredIds() {
    List<String> ids = new ArrayList<>();
    requests.forEach(r -> ids.addAll(r.ids()));
    return ids;
  }

  /** The value of a counter line of the Prometheus scrape (0 when absent). */
  private double counter(String line) {
    Matcher m = Pattern.compile("^" + Pattern.quote(line) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics.scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void batchesAreSignedOverTheTimestampAndTheExactBody() {
    int port = serve(0, WebhookSenderTest::ok);
    WebhookSender s = sender(port, 100, 2, 0, 2000, 1);
    // one at a time: the first leaves alone, the next ones wait for it and leave in batches of two
    for (int i = 1; i <= 5; i++) {
      s.accept(event(i));
    }
    Await.until("5 events delivered", WAIT, () -> deliveredIds().size() == 5);
    assertEquals(ids(1, 5), deliveredIds());
    for (Request r : requests) {
      assertEquals("application/json", r.contentType());
      assertTrue(r.ids().size() <= 2, "batch of " + r.ids().size());
      assertTrue(WebhookSignature.verify(SECRET, r.timestamp(), r.body().getBytes(), r.signature()), r.signature());
      assertTrue(r.signature().matches("sha256=[0-9a-f]{64}"), r.signature());
      assertTrue(Math.abs(System.currentTimeMillis() - Long.parseLong(r.timestamp())) < 60_000, r.timestamp());
      // any change of body, timestamp or secret breaks it
      assertTrue(!WebhookSignature.verify(SECRET, r.timestamp(), (r.body() + " ").getBytes(), r.signature()));
      assertTrue(!WebhookSignature.verify(SECRET, r.timestamp() + "1", r.body().getBytes(), r.signature()));
      assertTrue(!WebhookSignature.verify(SECRET + "x", r.timestamp(), r.body().getBytes(), r.signature()));
    }
    JsonObject first = new JsonObject(requests.get(0).body()).getJsonArray("events").getJsonObject(0);
    assertEquals(new JsonObject().put("type", "subscribe").put("id", "n-1").put("time", 1_700_000_000_001L)
      .put("node", "n").put("user", "alice").put("client", "c1").put("channel", "chat.1"), first);
    assertEquals(5.0, counter("pubsub_gateway_events_webhook_delivered_total"));
  }

  @Test
  void theBatchDelayGathersEventsIntoOneRequest() {
    int port = serve(0, WebhookSenderTest::ok);
    WebhookSender s = sender(port, 100, 50, 300, 2000, 1);
    for (int i = 1; i <= 10; i++) {
      s.accept(event(i));
    }
    Await.until("10 events delivered", WAIT, () -> deliveredIds().size() == 10);
    assertEquals(1, requests.size());
    assertEquals(ids(1, 10), deliveredIds());
  }

  @Test
  void aFullBatchLeavesWithoutWaitingForTheDelay() {
    int port = serve(0, WebhookSenderTest::ok);
    WebhookSender s = sender(port, 100, 3, 60_000, 2000, 1);
    for (int i = 1; i <= 3; i++) {
      s.accept(event(i));
    }
    Await.until("3 events delivered", WAIT, () -> deliveredIds().size() == 3);
    assertEquals(ids(1, 3), deliveredIds());
  }

  @Test
  void anEndpointDownAtFirstGetsEveryEventOnceInOrderWhenItComesUp() throws Exception {
    int port = serve(0, WebhookSenderTest::ok);
    Await.result(server.close()); // the port is free again: connections are refused
    requests.clear();
    WebhookSender s = sender(port, 100, 4, 0, 1000, 100);
    for (int i = 1; i <= 10; i++) {
      s.accept(event(i));
    }
    Await.until("retries counted", WAIT, () -> counter("pubsub_gateway_events_webhook_retries_total") >= 3);
    assertEquals(0, requests.size());
    serve(port, WebhookSenderTest::ok);
    Await.until("10 events delivered", WAIT, () -> deliveredIds().size() == 10);
    assertEquals(ids(1, 10), deliveredIds());
    assertEquals(0.0, counter("pubsub_gateway_events_webhook_dropped_total{reason=\"failed\"}"));
  }

  @Test
  void serverErrorsAreRetriedWithTheSameBatch() {
    int port = serve(0, (req, n) -> req.response().setStatusCode(n <= 2 ? 503 : n == 3 ? 429 : 200).end());
    WebhookSender s = sender(port, 100, 10, 0, 1000, 5);
    s.accept(event(1));
    Await.until("4 attempts", WAIT, () -> requests.size() == 4);
    for (Request r : requests) {
      assertEquals(ids(1, 1), r.ids());
      assertTrue(WebhookSignature.verify(SECRET, r.timestamp(), r.body().getBytes(), r.signature()));
    }
    Await.until("delivered counted", WAIT, () -> counter("pubsub_gateway_events_webhook_delivered_total") == 1.0);
    assertEquals(3.0, counter("pubsub_gateway_events_webhook_retries_total"));
  }

  @Test
  void aBatchFailingEveryAttemptIsDroppedAndCountedAndTheNextOneGoes() {
    int port = serve(0, (req, n) -> req.response().setStatusCode(n <= 3 ? 500 : 200).end());
    WebhookSender s = sender(port, 100, 1, 0, 1000, 3);
    s.accept(event(1));
    s.accept(event(2));
    Await.until("event 2 delivered", WAIT, () -> counter("pubsub_gateway_events_webhook_delivered_total") == 1.0);
    assertEquals(4, requests.size());
    assertEquals(ids(2, 2), requests.get(3).ids());
    assertEquals(1.0, counter("pubsub_gateway_events_webhook_dropped_total{reason=\"failed\"}"));
  }

  @Test
  void aClientErrorIsNotRetried() {
    int port = serve(0, (req, n) -> req.response().setStatusCode(n == 1 ? 401 : 200).end());
    WebhookSender s = sender(port, 100, 1, 0, 1000, 5);
    s.accept(event(1));
    s.accept(event(2));
    Await.until("event 2 delivered", WAIT, () -> counter("pubsub_gateway_events_webhook_delivered_total") == 1.0);
    assertEquals(2, requests.size());
    assertEquals(1.0, counter("pubsub_gateway_events_webhook_dropped_total{reason=\"rejected\"}"));
    assertEquals(0.0, counter("pubsub_gateway_events_webhook_retries_total"));
  }

  @Test
  void aSlowEndpointTimesOutWithoutSlowingTheCaller() {
    // the endpoint never answers
    int port = serve(0, (req, n) -> { });
    WebhookSender s = sender(port, 1000, 1, 0, 300, 2);
    long start = System.nanoTime();
    for (int i = 1; i <= 1000; i++) {
      s.accept(event(i));
    }
    long acceptMs = (System.nanoTime() - start) / 1_000_000;
    assertTrue(acceptMs < 1000, "1000 events took " + acceptMs + " ms to hand over");
    // the first batch: two attempts, each cut after 300 ms, then dropped; the next batch goes
    Await.until("first batch dropped", WAIT,
      () -> counter("pubsub_gateway_events_webhook_dropped_total{reason=\"failed\"}") >= 1.0);
    Await.until("the next batch tried", WAIT, () -> requests.size() >= 3);
    assertEquals(ids(1, 1), requests.get(0).ids());
    assertEquals(ids(1, 1), requests.get(1).ids());
    assertEquals(ids(2, 2), requests.get(2).ids());
  }

  @Test
  void aFullQueueDropsNewEventsAndCountsThem() {
    List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    int port = serve(0, (req, n) -> held.add(req));
    WebhookSender s = sender(port, 3, 1, 0, 30_000, 1);
    s.accept(event(1));
    Await.until("first request in flight", WAIT, () -> held.size() == 1);
    for (int i = 2; i <= 10; i++) {
      s.accept(event(i)); // 2..4 fit in the queue, 5..10 do not
    }
    assertEquals(6.0, counter("pubsub_gateway_events_webhook_dropped_total{reason=\"queue_full\"}"));
    assertEquals(3, s.queued());
    vertx.setPeriodic(20, id -> held.forEach(r -> {
      if (!r.response().ended()) {
        r.response().setStatusCode(200).end();
      }
    }));
    Await.until("4 events delivered", WAIT, () -> counter("pubsub_gateway_events_webhook_delivered_total") == 4.0);
    assertEquals(ids(1, 4), deliveredIds());
  }

  @Test
  void stopSendsWhatIsQueuedAtOnce() {
    int port = serve(0, WebhookSenderTest::ok);
    WebhookSender s = sender(port, 100, 50, 60_000, 2000, 1);
    s.accept(event(1));
    s.accept(event(2));
    Await.result(s.stop(5000));
    sender = null;
    assertEquals(ids(1, 2), deliveredIds());
  }

  @Test
  void stopDropsWhatItCannotSendInTimeAndCountsIt() {
    int port = serve(0, (req, n) -> { });
    WebhookSender s = sender(port, 100, 1, 0, 30_000, 1);
    s.accept(event(1));
    Await.until("first request in flight", WAIT, () -> requests.size() == 1);
    s.accept(event(2));
    s.accept(event(3));
    Await.result(s.stop(200));
    sender = null;
    // the two queued ones, and the one in flight whose connection the stop closed
    Await.until("3 counted as stopped", WAIT,
      () -> counter("pubsub_gateway_events_webhook_dropped_total{reason=\"stopped\"}") == 3.0);
  }
}
