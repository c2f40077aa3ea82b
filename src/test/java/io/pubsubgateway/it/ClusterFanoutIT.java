package io.pubsubgateway.it;

import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Registrations;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Three real clustered nodes (in-process, Hazelcast on loopback) and real WebSocket clients: delivery
 * counts, cluster registrations per node, backend interplay, a node leaving.
 */
class ClusterFanoutIT {
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(3, new JsonArray(), "limits.replyTimeoutMs=1500");

  private static int port(int node) {
    return cluster.port(node);
  }

  private static void awaitRegistrations(String address, int expected) {
    Registrations.await(cluster.nodes(), address, expected);
  }

  /** Two subscribers of {@code channel} on each of the three nodes, once the cluster has the nodes' registrations. */
  private List<WsClient> twoSubscribersPerNode(String channel) {
    List<WsClient> subscribers = new ArrayList<>();
    for (int node = 0; node < 3; node++) {
      for (int k = 0; k < 2; k++) {
        WsClient c = client(node);
        c.subscribe(channel);
        subscribers.add(c);
      }
    }
    awaitRegistrations(channel, 3);
    return subscribers;
  }

  private WsClient client(int node) {
    return WsClient.connect(cluster.clients(), port(node), cluster.tokens().any("user-" + node));
  }

  @Test
  void publishOnOneNodeIsReceivedExactlyOnceBySubscribersOnEveryNode() {
    String channel = "fanout.exactly-once";
    List<WsClient> subscribers = twoSubscribersPerNode(channel);
    try (WsClient publisher = client(0)) {
      for (int seq = 0; seq < 50; seq++) {
        publisher.publish(channel, new JsonObject().put("seq", seq));
      }
      for (WsClient s : subscribers) {
        for (int seq = 0; seq < 50; seq++) {
          assertEquals(new JsonObject().put("type", "rec").put("address", channel)
            .put("body", new JsonObject().put("seq", seq)), s.next());
        }
      }
      for (WsClient s : subscribers) {
        s.assertNoFrame(subscribers.indexOf(s) == 0 ? 500 : 20);
      }
    } finally {
      subscribers.forEach(WsClient::close);
    }
  }

  @Test
  void manyLocalSubscribersShareOneRegistrationPerNode() {
    String channel = "fanout.shared";
    List<WsClient> onA = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      WsClient c = client(0);
      c.subscribe(channel);
      onA.add(c);
    }
    WsClient onB = client(1);
    onB.subscribe(channel);
    awaitRegistrations(channel, 2);

    onA.subList(0, 39).forEach(WsClient::close);
    awaitRegistrations(channel, 2);
    onA.get(39).unsubscribe(channel);
    awaitRegistrations(channel, 1);
    onB.close();
    awaitRegistrations(channel, 0);
    onA.get(39).close();
  }

  @Test
  void unregisterAndDisconnectStopDeliveryAndReleaseRegistrations() {
    String channel = "fanout.release";
    WsClient a = client(0);
    WsClient b = client(1);
    a.subscribe(channel);
    b.subscribe(channel);
    awaitRegistrations(channel, 2);

    a.unsubscribe(channel);
    awaitRegistrations(channel, 1);
    try (WsClient publisher = client(2)) {
      publisher.publish(channel, "after-unsubscribe");
      assertEquals("after-unsubscribe", b.next().getValue("body"));
      a.assertNoFrame(300);
    }
    b.close();
    awaitRegistrations(channel, 0);
    a.close();
  }

  @Test
  void backendPublishReachesClientsAndClientPublishReachesBackendConsumers() throws Exception {
    WsClient a = client(0);
    a.subscribe("backend.news");
    awaitRegistrations("backend.news", 1);
    // a backend on node C publishes on the event bus, with a header
    cluster.node(2).vertx().eventBus().publish("backend.news", new JsonObject().put("title", "hello"),
      new DeliveryOptions().addHeader("source", "backend"));
    assertEquals(new JsonObject().put("type", "rec").put("address", "backend.news")
      .put("body", new JsonObject().put("title", "hello"))
      .put("headers", new JsonObject().put("source", "backend")), a.next());

    // a backend consumer on node B receives what a client on node A publishes
    BlockingQueue<Message<Object>> received = new LinkedBlockingQueue<>();
    MessageConsumer<Object> consumer = cluster.node(1).vertx().eventBus().consumer("backend.in", received::add);
    Await.result(consumer.completion());
    awaitRegistrations("backend.in", 1);
    a.send(new JsonObject().put("type", "publish").put("address", "backend.in")
      .put("body", new JsonArray().add(1).add("two")).put("headers", new JsonObject().put("trace", "t-1")));
    Message<Object> msg = received.poll(10, TimeUnit.SECONDS);
    assertNotNull(msg, "backend consumer got nothing");
    assertEquals(new JsonArray().add(1).add("two"), msg.body());
    assertEquals("t-1", msg.headers().get("trace"));
    Await.result(consumer.unregister());
    a.close();
  }

  /** Frames of every WebSocket length class (7-bit, 16-bit, 64-bit), shared by two sockets of each node. */
  @Test
  void framesOfEveryLengthClassArriveWholeAtEverySubscriber() {
    String channel = "fanout.sizes";
    List<WsClient> subscribers = twoSubscribersPerNode(channel);
    List<String> bodies = new ArrayList<>();
    for (int length : new int[] {1, 80, 126, 1000, 1025, 65_535, 65_536, 300_000}) {
      String body = "b".repeat(length);
      bodies.add(body);
      cluster.node(1).vertx().eventBus().publish(channel, body);
    }
    for (WsClient c : subscribers) {
      for (String body : bodies) {
        assertEquals(body, c.next().getString("body"));
      }
      c.close();
    }
  }

  @Test
  void sendReachesOneBackendConsumerAndItsReplyOrFailureComesBackToTheSenderOnly() {
    MessageConsumer<Object> echo = cluster.node(2).vertx().eventBus().consumer("svc.echo", m -> {
      if ("fail".equals(m.body())) {
        m.fail(42, "refused by the service");
      } else if (!"silent".equals(m.body())) {
        m.reply(new JsonObject().put("echo", m.body()).put("trace", m.headers().get("trace")));
      }
    });
    Await.result(echo.completion());
    awaitRegistrations("svc.echo", 1);
    WsClient a = client(0);
    WsClient other = client(1);
    a.send(new JsonObject().put("type", "send").put("address", "svc.echo").put("body", "hi").put("replyAddress", "r-1")
      .put("headers", new JsonObject().put("trace", "t-9")));
    assertEquals(new JsonObject().put("type", "rec").put("address", "r-1")
      .put("body", new JsonObject().put("echo", "hi").put("trace", "t-9")), a.next());

    a.send(new JsonObject().put("type", "send").put("address", "svc.echo").put("body", "fail").put("replyAddress", "r-2"));
    assertEquals(new JsonObject().put("type", "err").put("address", "r-2").put("failureCode", 42)
      .put("failureType", "RECIPIENT_FAILURE").put("message", "refused by the service"), a.next());

    a.send(new JsonObject().put("type", "send").put("address", "svc.nobody").put("body", 1).put("replyAddress", "r-3"));
    JsonObject noHandlers = a.next();
    assertEquals("NO_HANDLERS", noHandlers.getString("failureType"), noHandlers.encode());
    assertEquals("r-3", noHandlers.getString("address"));

    a.send(new JsonObject().put("type", "send").put("address", "svc.echo").put("body", "silent").put("replyAddress", "r-4"));
    JsonObject timeout = a.next(Duration.ofSeconds(10));
    assertEquals("TIMEOUT", timeout.getString("failureType"), timeout.encode());

    a.send(new JsonObject().put("type", "send").put("address", "svc.echo").put("body", 1)
      .put("replyAddress", "x".repeat(37)).put("id", 7));
    assertEquals("invalid_frame", a.next().getString("body"));

    WsClient readOnly = WsClient.connect(cluster.clients(), port(0), cluster.tokens().token("reader", List.of("*"), List.of()));
    readOnly.send(new JsonObject().put("type", "send").put("address", "svc.echo").put("body", 1).put("replyAddress", "r-5"));
    assertEquals("access_denied", readOnly.next().getString("body"));
    other.assertNoFrame(200);
    Await.result(echo.unregister());
    a.close();
    other.close();
    readOnly.close();
  }

  @Test
  void aNodeShuttingDownClosesItsClientsWith1001AndTheOthersKeepServing() {
    GatewayNode leaving = cluster.startNode();
    String channel = "fanout.leaving";
    WsClient onLeaving = WsClient.connect(cluster.clients(), leaving.port(), cluster.tokens().any("leaver"));
    onLeaving.subscribe(channel);
    WsClient onA = client(0);
    onA.subscribe(channel);
    awaitRegistrations(channel, 2);

    cluster.stopNode(leaving);
    assertEquals(1001, onLeaving.awaitClose(Duration.ofSeconds(10)));
    awaitRegistrations(channel, 1);

    try (WsClient publisher = client(1)) {
      publisher.publish(channel, "still-serving");
      assertEquals("still-serving", onA.next().getValue("body"));
    }
    onA.close();
  }
}
