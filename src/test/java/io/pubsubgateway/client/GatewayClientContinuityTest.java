package io.pubsubgateway.client;

import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.FakeGateway;
import io.pubsubgateway.testing.Received;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's continuity guarantees against a scripted gateway ({@link FakeGateway}): the exact
 * frames it sends when the gateway ends a subscription with {@code insufficient_state}, when the
 * offsets it receives jump or the epoch changes, after a close with 4005 and a handshake refused
 * with 503, and what it delivers meanwhile.
 */
class GatewayClientContinuityTest {
  private static final String CHANNEL = "room.1";
  private static final ReconnectPolicy FAST =
    new ReconnectPolicy(Duration.ofMillis(20), Duration.ofMillis(40), ReconnectPolicy.UNLIMITED, 0.5);
  private static Vertx vertx;
  private final List<FakeGateway> fakes = new ArrayList<>();
  private final List<GatewayClient> clients = new ArrayList<>();
  private final List<Boolean> recoveries = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();
  private final List<StateChange> states = new CopyOnWriteArrayList<>();
  private final Received received = new Received();

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    Await.result(vertx.close());
  }

  @AfterEach
  void closeAll() {
    clients.forEach(c -> Await.result(c.close()));
    fakes.forEach(FakeGateway::close);
  }

  private static String mid(String epoch, long offset) {
    return String.format("%s%010x", epoch, offset);
  }

  private static void rec(ServerWebSocket socket, long offset, String epoch) {
    FakeGateway.send(socket, new JsonObject().put("type", "rec").put("address", CHANNEL).put("body", epoch + ":" + offset)
      .put("headers", new JsonObject().put("offset", Long.toString(offset)).put("epoch", epoch).put("mid", mid(epoch, offset))));
  }

  /** The ack of a register on a history channel: the stream's top with its mid, and {@code recovered} when asked. */
  private static void registerAck(ServerWebSocket socket, JsonObject register, long top, String epoch, Boolean recovered) {
    JsonObject ack = FakeGateway.ack(register).put("offset", top).put("epoch", epoch).put("mid", mid(epoch, top));
    FakeGateway.send(socket, recovered == null ? ack : ack.put("recovered", recovered));
  }

  private static void insufficientState(ServerWebSocket socket) {
    FakeGateway.send(socket, new JsonObject().put("type", "err").put("body", "insufficient_state").put("address", CHANNEL)
      .put("message", "stream continuity not proven"));
  }

  private static JsonObject since(long offset, String epoch) {
    return new JsonObject().put("since.offset", Long.toString(offset)).put("since.epoch", epoch)
      .put("since.mid", mid(epoch, offset));
  }

  private static boolean is(JsonObject frame, String type) {
    return type.equals(frame.getString("type"));
  }

  /**
   * True (after acking it) for the publish of "go" on the control channel: the script's cue, sent
   * once the test's handlers are in place.
   */
  private static boolean cued(JsonObject frame, ServerWebSocket socket) {
    if (is(frame, "publish") && "go".equals(frame.getValue("body"))) {
      FakeGateway.send(socket, FakeGateway.ack(frame));
      return true;
    }
    return false;
  }

  private FakeGateway fake(FakeGateway.Script script) {
    FakeGateway gateway = FakeGateway.start(vertx, script);
    fakes.add(gateway);
    return gateway;
  }

  private GatewayClient client(ReconnectPolicy policy, FakeGateway... to) {
    GatewayClientOptions options = new GatewayClientOptions().setToken("t").setReconnectPolicy(policy)
      .setRequestTimeout(Duration.ofSeconds(3));
    for (FakeGateway f : to) {
      options.addUrl(f.url());
    }
    GatewayClient client = GatewayClient.create(vertx, options).stateHandler(states::add).exceptionHandler(errors::add);
    clients.add(client);
    Await.result(client.connect());
    return client;
  }

  /** Subscribes to {@link #CHANNEL} with the test's handlers, then cues the script. */
  private Subscription subscribeAndGo(GatewayClient client) {
    Subscription sub = Await.result(client.subscribe(CHANNEL, received)).recoveryHandler(recoveries::add);
    Await.result(client.publish("control", "go"));
    return sub;
  }

  private List<String> bodies() {
    return received.bodies().stream().map(String::valueOf).toList();
  }

  @ParameterizedTest(name = "recovered: {0}")
  @ValueSource(booleans = {true, false})
  void insufficientStateRegistersOnceMoreFromTheLastMessageWithoutUnregister(boolean complete) throws Exception {
    AtomicInteger registers = new AtomicInteger();
    FakeGateway gw = fake((frame, socket, connection) -> {
      if (cued(frame, socket)) {
        rec(socket, 6, "e1");
        rec(socket, 7, "e1");
        insufficientState(socket); // the gateway ended the subscription: no rec until the next ack
      } else if (is(frame, "register") && registers.incrementAndGet() == 1) {
        registerAck(socket, frame, 5, "e1", null);
      } else if (is(frame, "register")) {
        registerAck(socket, frame, 9, "e1", complete);
        if (complete) {
          rec(socket, 8, "e1");
        }
        rec(socket, 9, "e1"); // without 8 when it left the history: recovered false
        rec(socket, 10, "e1");
      } else {
        FakeGateway.acking(frame, socket);
      }
    });
    GatewayClient client = client(FAST, gw);
    Subscription sub = subscribeAndGo(client);

    received.await(complete ? 5 : 4, Duration.ofSeconds(5));
    received.assertNoMoreThan(complete ? 5 : 4, 200);
    assertEquals(complete ? List.of("e1:6", "e1:7", "e1:8", "e1:9", "e1:10") : List.of("e1:6", "e1:7", "e1:9", "e1:10"),
      bodies());
    assertEquals(List.of("register", "publish", "register"), gw.types(), "exactly one register again, no unregister");
    assertNull(gw.sent("register").get(0).getJsonObject("headers"));
    assertEquals(since(7, "e1"), gw.sent("register").get(1).getJsonObject("headers"));
    assertEquals(List.of(complete), recoveries);
    assertEquals(complete, sub.recovered());
    assertEquals(10, sub.offset());
    assertEquals(List.of(), errors, "handled, not an error for the application");
  }

  @Test
  void aGapInTheOffsetsUnregistersAndRegistersFromTheLastMessageDelivered() throws Exception {
    AtomicInteger registers = new AtomicInteger();
    FakeGateway gw = fake((frame, socket, connection) -> {
      if (cued(frame, socket)) {
        rec(socket, 6, "e1");
        rec(socket, 8, "e1"); // 7 missing: not delivered
        rec(socket, 9, "e1"); // live, before the new ack: dropped
      } else if (is(frame, "register") && registers.incrementAndGet() == 1) {
        registerAck(socket, frame, 5, "e1", null);
      } else if (is(frame, "register")) {
        registerAck(socket, frame, 9, "e1", true);
        rec(socket, 7, "e1");
        rec(socket, 8, "e1");
        rec(socket, 9, "e1");
        rec(socket, 10, "e1");
      } else {
        FakeGateway.acking(frame, socket);
      }
    });
    GatewayClient client = client(FAST, gw);
    Subscription sub = subscribeAndGo(client);

    received.await(5, Duration.ofSeconds(5));
    received.assertNoMoreThan(5, 200);
    assertEquals(List.of("e1:6", "e1:7", "e1:8", "e1:9", "e1:10"), bodies(), "in order, once each");
    assertEquals(List.of("register", "publish", "unregister", "register"), gw.types());
    assertEquals(CHANNEL, gw.sent("unregister").get(0).getString("address"));
    assertEquals(since(6, "e1"), gw.sent("register").get(1).getJsonObject("headers"));
    assertEquals(List.of(true), recoveries);
    assertEquals(10, sub.offset());
    assertEquals(List.of(), errors);
  }

  @Test
  void anEpochChangeUnregistersAndRegistersFromTheLastMessageDelivered() throws Exception {
    AtomicInteger registers = new AtomicInteger();
    FakeGateway gw = fake((frame, socket, connection) -> {
      if (cued(frame, socket)) {
        rec(socket, 6, "e1");
        rec(socket, 1, "e2"); // the stream restarted: not delivered
        rec(socket, 2, "e2");
      } else if (is(frame, "register") && registers.incrementAndGet() == 1) {
        registerAck(socket, frame, 5, "e1", null);
      } else if (is(frame, "register")) {
        registerAck(socket, frame, 2, "e2", false); // another epoch: nothing replayed, from the top on
        rec(socket, 3, "e2");
      } else {
        FakeGateway.acking(frame, socket);
      }
    });
    GatewayClient client = client(FAST, gw);
    Subscription sub = subscribeAndGo(client);

    received.await(2, Duration.ofSeconds(5));
    received.assertNoMoreThan(2, 200);
    assertEquals(List.of("e1:6", "e2:3"), bodies());
    assertEquals(List.of("register", "publish", "unregister", "register"), gw.types());
    assertEquals(since(6, "e1"), gw.sent("register").get(1).getJsonObject("headers"));
    assertEquals(List.of(false), recoveries, "the application learns that it missed messages");
    assertEquals("e2", sub.epoch());
    assertEquals(3, sub.offset());
  }

  @Test
  void repeatedInsufficientStateWithoutADeliveredMessageWaitsThePolicysDelay() throws Exception {
    ReconnectPolicy slow = new ReconnectPolicy(Duration.ofMillis(400), Duration.ofMillis(400), ReconnectPolicy.UNLIMITED, 0);
    List<Long> registeredAt = new CopyOnWriteArrayList<>();
    FakeGateway gw = fake((frame, socket, connection) -> {
      if (cued(frame, socket)) {
        insufficientState(socket);
      } else if (is(frame, "register")) {
        registeredAt.add(System.nanoTime());
        registerAck(socket, frame, 5, "e1", registeredAt.size() == 1 ? null : true);
        if (registeredAt.size() == 2) {
          insufficientState(socket); // again, before any message
        } else if (registeredAt.size() == 3) {
          rec(socket, 6, "e1");
        }
      } else {
        FakeGateway.acking(frame, socket);
      }
    });
    GatewayClient client = client(slow, gw);
    subscribeAndGo(client);

    received.await(1, Duration.ofSeconds(5));
    received.assertNoMoreThan(1, 200);
    assertEquals(3, registeredAt.size());
    long waitedMs = (registeredAt.get(2) - registeredAt.get(1)) / 1_000_000;
    assertTrue(waitedMs >= 350, "the second re-subscription in a row waited " + waitedMs + " ms");
    assertEquals(since(5, "e1"), gw.sent("register").get(2).getJsonObject("headers"));
    assertEquals(List.of(true, true), recoveries);
  }

  @Test
  void close4005ReconnectsToTheNextUrlAndRecovers() throws Exception {
    FakeGateway isolated = fake((frame, socket, connection) -> {
      if (cued(frame, socket)) {
        rec(socket, 6, "e1");
        socket.close((short) 4005, "cluster quorum lost");
      } else if (is(frame, "register")) {
        registerAck(socket, frame, 5, "e1", null);
      } else {
        FakeGateway.acking(frame, socket);
      }
    });
    FakeGateway healthy = fake((frame, socket, connection) -> {
      if (is(frame, "register")) {
        registerAck(socket, frame, 7, "e1", true);
        rec(socket, 7, "e1");
      } else {
        FakeGateway.acking(frame, socket);
      }
    });
    GatewayClient client = client(FAST, isolated, healthy);
    subscribeAndGo(client);

    received.await(2, Duration.ofSeconds(5));
    assertEquals(List.of("e1:6", "e1:7"), bodies());
    assertEquals(healthy.url(), client.connectedUrl());
    assertEquals(since(6, "e1"), healthy.sent("register").get(0).getJsonObject("headers"));
    assertEquals(List.of(true), recoveries);
    StateChange disconnected = states.stream().filter(s -> s.state() == ClientState.DISCONNECTED).findFirst().orElseThrow();
    assertEquals(4005, disconnected.code());
    assertEquals("cluster quorum lost", disconnected.reason());
    assertEquals(List.of(ClientState.DISCONNECTED, ClientState.RECONNECTING, ClientState.CONNECTING, ClientState.CONNECTED),
      states.subList(states.indexOf(disconnected), states.size()).stream().map(StateChange::state).toList());
    assertEquals(healthy.url(), states.get(states.size() - 1).url());
  }

  @Test
  void aHandshakeRefusedWith503IsRetriedWithBackoff() {
    FakeGateway gw = fake((frame, socket, connection) -> FakeGateway.acking(frame, socket));
    gw.refuseHandshakes(2, 503);
    client(FAST, gw);

    assertEquals(3, gw.handshakes());
    assertEquals(List.of(ClientState.CONNECTING, ClientState.RECONNECTING, ClientState.CONNECTING,
      ClientState.RECONNECTING, ClientState.CONNECTING, ClientState.CONNECTED), states.stream().map(StateChange::state).toList());
    assertEquals(List.of(503, 503), states.stream().filter(s -> s.state() == ClientState.RECONNECTING)
      .map(StateChange::code).toList());
  }
}
