package io.pubsubgateway.it;

import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.TestTokens;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wire protocol, handshake authentication, limits and bad input against a real node (standalone:
 * these behaviours do not depend on the cluster) and real WebSocket clients.
 */
class GatewayProtocolIT {
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.standalone(new JsonArray()
      .add(TestConfig.rule("public.*", "all", "token"))
      .add(TestConfig.rule("system.*", "token", "none")),
    "limits.maxSubscriptionsPerConnection=3", "limits.maxChannelLength=20", "limits.maxFrameBytes=1024",
    "limits.publishPerSecond=5", "http.allowedOrigins=https://good.example,https://*.trusted.example");
  private static Vertx clients;
  private static TestTokens tokens;
  private static GatewayNode node;

  @BeforeAll
  static void start() {
    node = cluster.node(0);
    clients = cluster.clients();
    tokens = cluster.tokens();
  }

  private static JsonObject err(String code, String address, String message) {
    JsonObject f = new JsonObject().put("type", "err").put("body", code);
    if (address != null) {
      f.put("address", address);
    }
    return f.put("message", message);
  }

  private WsClient connect(List<String> subscribe, List<String> publish) {
    return cluster.track(WsClient.connect(clients, node.port(), tokens.token("alice", subscribe, publish)));
  }

  @Test
  void subscribePublishRoundTripWithHeadersAndPing() {
    try (WsClient a = connect(List.of("room.*"), List.of("room.*")); WsClient b = connect(List.of("room.*"), List.of())) {
      a.subscribe("room.1");
      b.subscribe("room.1");
      a.send(new JsonObject().put("type", "publish").put("address", "room.1").put("body", new JsonObject().put("x", 1))
        .put("headers", new JsonObject().put("h", "v")));
      JsonObject expected = new JsonObject().put("type", "rec").put("address", "room.1")
        .put("body", new JsonObject().put("x", 1)).put("headers", new JsonObject().put("h", "v"));
      assertEquals(expected, b.next());
      assertEquals(expected, a.next());
      a.send(new JsonObject().put("type", "ping"));
      assertEquals(new JsonObject().put("type", "pong"), a.next());
      a.send(new JsonObject().put("type", "publish").put("address", "room.1").put("body", "acked").put("id", 7));
      assertEquals(new JsonObject().put("type", "ack").put("id", 7).put("address", "room.1"), a.next());
    }
  }

  @Test
  void unregisterStopsDelivery() {
    try (WsClient a = connect(List.of("room.*"), List.of("room.*"))) {
      a.subscribe("room.2");
      a.unsubscribe("room.2");
      a.publish("room.2", "nobody listens");
      a.assertNoFrame(300);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "{|invalid_json||malformed JSON",
    "[1,2]|invalid_json||a frame must be a JSON object",
    "\"text\"|invalid_json||a frame must be a JSON object",
    "{\"address\":\"room.1\"}|missing_type||type is missing",
    "{\"type\":\"dance\",\"address\":\"room.1\"}|invalid_type||unknown type",
    "{\"type\":42}|invalid_type||unknown type",
    "{\"type\":\"register\"}|missing_address||address is missing",
    "{\"type\":\"publish\",\"body\":1}|missing_address||address is missing",
    "{\"type\":\"register\",\"address\":\"system.x\"}|access_denied|system.x|subscribe not allowed",
    "{\"type\":\"publish\",\"address\":\"system.x\",\"body\":1}|access_denied|system.x|publish not allowed",
    "{\"type\":\"publish\",\"address\":\"public.news\",\"body\":1}|access_denied|public.news|publish not allowed",
    "{\"type\":\"register\",\"address\":\"__vertx.reply.1\"}|access_denied|__vertx.reply.1|not allowed",
    "{\"type\":\"register\",\"address\":\"other.room\"}|access_denied|other.room|subscribe not allowed",
    "{\"type\":\"register\",\"address\":\"room.abcdefghijklmnopqrstuvwxyz\"}|max_address_length_reached"
      + "|room.abcdefghijklmnopqrstuvwxyz|channel names are at most 20 characters",
    "{\"type\":\"register\",\"address\":\"room with space\"}|invalid_address|room with space"
      + "|channel names use A-Z a-z 0-9 . _ - : / @ = + , ~",
    "{\"type\":\"register\",\"address\":\"room.1\",\"headers\":[]}|invalid_frame|room.1|headers must be an object",
  })
  void badFramesGetTheDocumentedErrorAndTheConnectionKeepsWorking(String frame, String code, String address,
                                                                  String message) {
    try (WsClient c = connect(List.of("room.*"), List.of("room.*"))) {
      c.sendText(frame);
      assertEquals(err(code, address, message), c.next());
      c.send(new JsonObject().put("type", "ping"));
      assertEquals(new JsonObject().put("type", "pong"), c.next());
    }
  }

  @Test
  void errorsCarryTheRequestId() {
    try (WsClient c = connect(List.of(), List.of())) {
      c.sendText("{\"type\":\"register\",\"address\":\"room.1\",\"id\":\"r1\"}");
      assertEquals(err("access_denied", "room.1", "subscribe not allowed").put("id", "r1"), c.next());
    }
  }

  @Test
  void publicChannelNeedsNoClaimToSubscribe() {
    try (WsClient c = connect(List.of(), List.of())) {
      c.subscribe("public.news");
    }
  }

  @Test
  void tooManySubscriptions() {
    try (WsClient c = connect(List.of("room.*"), List.of())) {
      c.subscribe("room.a");
      c.subscribe("room.b");
      c.subscribe("room.c");
      c.sendText("{\"type\":\"register\",\"address\":\"room.d\"}");
      assertEquals(err("max_handlers_reached", "room.d", "at most 3 subscriptions per connection"), c.next());
      c.subscribe("room.a"); // already subscribed: acknowledged, still 3
    }
  }

  @Test
  void oversizeFramesAreRefusedAndTheConnectionKeepsWorking() {
    try (WsClient c = connect(List.of("room.*"), List.of("room.*"))) {
      String big = "{\"type\":\"publish\",\"address\":\"room.1\",\"body\":\"" + "x".repeat(2000) + "\"}";
      c.sendText(big);
      assertEquals(err("frame_too_large", null, "frame exceeds 1024 bytes"), c.next());
      // the same size split into fragments is refused too
      c.socket().writeFrame(io.vertx.core.http.WebSocketFrame.textFrame(big.substring(0, 1000), false));
      c.socket().writeFrame(io.vertx.core.http.WebSocketFrame.continuationFrame(Buffer.buffer(big.substring(1000)), true));
      assertEquals(err("frame_too_large", null, "frame exceeds 1024 bytes"), c.next());
      // a fragmented frame under the limit is reassembled
      String ok = "{\"type\":\"ping\"}";
      c.socket().writeFrame(io.vertx.core.http.WebSocketFrame.textFrame(ok.substring(0, 5), false));
      c.socket().writeFrame(io.vertx.core.http.WebSocketFrame.continuationFrame(Buffer.buffer(ok.substring(5)), true));
      assertEquals(new JsonObject().put("type", "pong"), c.next());
    }
  }

  @Test
  void aFrameOverTheHardCapClosesWith1009() {
    try (WsClient c = connect(List.of("room.*"), List.of("room.*"))) {
      c.socket().writeTextMessage("x".repeat(5000));
      // the server sends 1009 and drops the connection; a client still sending may see that as 1006
      short code = c.awaitClose(Duration.ofSeconds(10));
      assertTrue(code == 1009 || code == 1006, "close code " + code);
    }
    try (WsClient other = connect(List.of("room.*"), List.of())) {
      other.subscribe("room.after-1009");
    }
  }

  @Test
  void pingsAreAnsweredWithTheirPayloadAndAClientsCloseIsEchoedWithItsCode() throws Exception {
    try (WsClient c = connect(List.of("room.*"), List.of())) {
      CompletableFuture<String> pong = new CompletableFuture<>();
      c.socket().pongHandler(payload -> pong.complete(payload.toString()));
      Await.result(c.socket().writePing(Buffer.buffer("are you there")));
      assertEquals("are you there", pong.get(10, TimeUnit.SECONDS));
      c.subscribe("room.closing");
      c.socket().close((short) 4100, "bye");
      assertEquals(4100, c.awaitClose(Duration.ofSeconds(10)));
    }
  }

  @Test
  void anUnmaskedFrameClosesWith1002() throws Exception {
    try (Socket raw = WsClient.upgradedSocket(node.port(), tokens.token("alice", List.of("room.*"), List.of()))) {
      raw.setSoTimeout(10_000);
      OutputStream out = raw.getOutputStream();
      InputStream in = raw.getInputStream();
      out.write(new byte[] {(byte) 0x81, 5, 'h', 'e', 'l', 'l', 'o'}); // a client frame must be masked
      byte[] header = in.readNBytes(2);
      assertEquals((byte) 0x88, header[0], "a close frame");
      byte[] payload = in.readNBytes(header[1]);
      assertEquals(1002, ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF), "close code");
      assertEquals(-1, in.read(), "then the connection is closed");
    }
  }

  @Test
  void binaryFramesCloseWith1003() {
    try (WsClient c = connect(List.of("room.*"), List.of())) {
      c.socket().writeBinaryMessage(Buffer.buffer("{\"type\":\"ping\"}"));
      assertEquals(1003, c.awaitClose(Duration.ofSeconds(10)));
    }
  }

  @Test
  void publishesOverTheRateAreRefused() {
    try (WsClient c = connect(List.of(), List.of("room.*"))) {
      for (int i = 0; i < 5; i++) {
        c.send(new JsonObject().put("type", "publish").put("address", "room.r").put("body", i).put("id", i));
        assertEquals("ack", c.next().getString("type"));
      }
      c.send(new JsonObject().put("type", "publish").put("address", "room.r").put("body", 5));
      assertEquals(err("rate_limited", "room.r", "at most 5 publishes per second"), c.next());
    }
  }

  @Test
  void handshakeRejections() {
    int port = node.port();
    assertEquals(401, WsClient.rejectedStatus(clients, port, "/ws", null, null), "no token");
    assertEquals(401, WsClient.rejectedStatus(clients, port, "/ws", "not-a-jwt", null), "malformed");
    assertEquals(401, WsClient.rejectedStatus(clients, port, "/ws", "a.b.c", null), "garbage");
    String good = tokens.any("bob");
    String forged = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
    assertEquals(401, WsClient.rejectedStatus(clients, port, "/ws", forged, null), "bad signature");
    assertEquals(401, WsClient.rejectedStatus(clients, port, "/ws?token=nope", null, null), "bad query token");
    assertEquals(404, WsClient.rejectedStatus(clients, port, "/other", good, null), "wrong path");
    MultiMap evil = MultiMap.caseInsensitiveMultiMap().add("Origin", "https://evil.example");
    assertEquals(403, WsClient.rejectedStatus(clients, port, "/ws", good, evil), "origin");
  }

  @Test
  void allowedOriginsAndQueryTokenAreAccepted() {
    for (String origin : List.of("https://good.example", "https://app.trusted.example")) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Origin", origin);
      try (WsClient c = WsClient.connectWith(clients, node.port(), "/ws?token=" + tokens.any("carol"), headers)) {
        c.subscribe("public.q");
      }
    }
  }

  @Test
  void fullNodeAnswers503AndAnonymousNeedsOptIn() {
    GatewayNode small = Await.result(GatewayNode.start(TestConfig.config(null,
      new JsonArray().add(TestConfig.rule("public.*", "all", "all")),
      "limits.maxConnections=1", "auth.allowAnonymous=true")));
    try (WsClient anonymous = WsClient.connect(clients, small.port(), null)) {
      anonymous.subscribe("public.lobby");
      anonymous.sendText("{\"type\":\"register\",\"address\":\"room.1\"}");
      assertEquals(err("access_denied", "room.1", "subscribe not allowed"), anonymous.next());
      assertEquals(503, WsClient.rejectedStatus(clients, small.port(), "/ws", tokens.any("dave"), null));
    } finally {
      Await.result(small.stop());
    }
  }

  @Test
  void expiredTokenClosesWith4001() {
    String shortLived = tokens.token("eve", List.of("room.*"), List.of(), 1);
    try (WsClient c = WsClient.connect(clients, node.port(), shortLived)) {
      c.subscribe("room.e");
      assertEquals(4001, c.awaitClose(Duration.ofSeconds(10)));
    }
  }

  @Test
  void idleConnectionClosesWith4002() {
    GatewayNode idle = Await.result(GatewayNode.start(TestConfig.config(null, new JsonArray(),
      "limits.idleTimeoutSeconds=1")));
    try (WsClient c = WsClient.connect(clients, idle.port(), tokens.any("idle"))) {
      assertEquals(4002, c.awaitClose(Duration.ofSeconds(10)));
    } finally {
      Await.result(idle.stop());
    }
  }

  @Test
  void aSlowConsumerIsCutOffWhileANormalSubscriberKeepsReceiving() {
    GatewayNode n = Await.result(GatewayNode.start(TestConfig.config(null, new JsonArray(),
      "limits.outboundQueueBytes=65536")));
    try {
      WsClient slow = WsClient.connect(clients, n.port(), tokens.any("slow"));
      WsClient stuck = WsClient.connect(clients, n.port(), tokens.any("stuck"));
      WsClient normal = WsClient.connect(clients, n.port(), tokens.any("normal"));
      slow.subscribe("feed.big");
      stuck.subscribe("feed.big");
      normal.subscribe("feed.big");
      slow.socket().pause(); // stops reading: the server's writes to it pile up
      stuck.socket().pause();
      String payload = "p".repeat(4096);
      int count = 3000; // 12 MB: more than the socket buffers between the server and the paused client hold
      for (int i = 0; i < count; i += 10) {
        // a backend publishes in bursts of 10; the normal subscriber reads each burst
        for (int k = i; k < i + 10; k++) {
          n.vertx().eventBus().publish("feed.big", new JsonObject().put("seq", k).put("p", payload));
        }
        for (int k = i; k < i + 10; k++) {
          assertEquals(k, normal.next().getJsonObject("body").getInteger("seq"), "seq at " + k);
        }
      }
      // a slow client that reads again finds its backlog followed by the 4003 close
      slow.socket().resume();
      assertEquals(4003, slow.awaitClose(Duration.ofSeconds(10)));
      // one that never reads again is dropped after the grace period: its backlog is freed
      Await.until("stuck consumer dropped by the server", Duration.ofSeconds(15), () -> n.connections() == 1);
      normal.send(new JsonObject().put("type", "ping"));
      assertEquals(new JsonObject().put("type", "pong"), normal.next());
      normal.close();
      stuck.socket().resume(); // a paused client would wait out its closing handshake
      stuck.close();
    } finally {
      Await.result(n.stop());
    }
  }
}
