package io.pubsubgateway.bench.systems;

import io.pubsubgateway.bench.Dialect;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The benchmark's systems under test as real processes: each one starts, serves a subscriber and
 * a publisher over real WebSockets in its own dialect, and leaves no process behind on close; the
 * 3-node gateway and bridge carry a message from node 0 to node 2. Needs the fat jar (built by
 * {@code package}); server logs go to {@code target/systems-it/<system>/}.
 */
class SystemsIT {
  private static final Path JAR = Path.of(System.getProperty("gateway.jar", "target/pubsub-gateway.jar"));
  private static final List<String> JVM_FLAGS = List.of("-Xms128m", "-Xmx256m", "-XX:+UseParallelGC");
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String BODY = "{\"s\":1}";

  private static Vertx vertx;
  private static WebSocketClient client;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient();
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"raw-vertx", "gateway", "bridge", "nats"})
  void deliversAPublishToASubscriberAndStopsItsProcesses(String name) throws Exception {
    if (name.equals("nats")) {
      assumeTrue(NatsSystem.findServer().isPresent(), "nats-server not installed (scripts/bench.sh setup)");
    }
    roundTrip(name, 0, 0, Duration.ofSeconds(10));
  }

  /** gateway-3 and bridge-3 carry messages between their nodes in BenchSmokeIT's churn (and channels) smoke. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"gateway-history-3"})
  void carriesAMessageFromNode0ToASubscriberOnNode2(String name) throws Exception {
    roundTrip(name, 2, 0, Duration.ofSeconds(20));
  }

  @Test
  void factoryKnowsEveryNameAndRefusesOthers() {
    Path dir = Path.of("target", "systems-it");
    for (String name : Systems.names()) {
      MeasuredSystem s = Systems.create(name, JAR, JVM_FLAGS, dir, 20000);
      assertEquals(name, s.name());
      assertEquals(name.equals("nats") ? Dialect.NATS : Dialect.BRIDGE_JSON, s.dialect());
      assertEquals(name.endsWith("-3") ? 3 : 1, s.urls().size(), name);
    }
    assertEquals(List.of("ws://127.0.0.1:20000/eventbus/websocket", "ws://127.0.0.1:20001/eventbus/websocket",
      "ws://127.0.0.1:20002/eventbus/websocket"), Systems.create("bridge-3", JAR, JVM_FLAGS, dir, 20000).urls());
    assertThrows(IllegalArgumentException.class, () -> Systems.create("kafka", JAR, JVM_FLAGS, dir, 20000));
    assertThrows(IllegalArgumentException.class, () -> Systems.create("gateway-1", JAR, JVM_FLAGS, dir, 20000));
    assertEquals("gateway-history", Systems.create("gateway-history", JAR, JVM_FLAGS, dir, 20000).name());
    assertEquals(3, Systems.create("gateway-history-3", JAR, JVM_FLAGS, dir, 20000).urls().size());
    assertThrows(IllegalArgumentException.class, () -> Systems.create("gateway-historyx", JAR, JVM_FLAGS, dir, 20000));
  }

  /** Starts {@code name}, subscribes on node {@code subNode}, publishes on {@code pubNode} until received. */
  private static void roundTrip(String name, int subNode, int pubNode, Duration deliveryTimeout) throws Exception {
    MeasuredSystem system = Systems.create(name, JAR, JVM_FLAGS, Path.of("target", "systems-it", name), freeBasePort());
    List<Long> pids;
    try {
      system.start();
      pids = system.pids();
      assertEquals(system.urls().size(), pids.size());
      assertTrue(pids.stream().allMatch(SystemsIT::alive), "processes running");
      Conn sub = Conn.open(system.urls().get(subNode));
      Conn pub = Conn.open(system.urls().get(pubNode));
      if (system.dialect() == Dialect.NATS) {
        natsRoundTrip(sub, pub, deliveryTimeout);
      } else {
        bridgeRoundTrip(sub, pub, deliveryTimeout);
      }
    } finally {
      List<Long> started = system.pids();
      system.close();
      assertTrue(started.stream().noneMatch(SystemsIT::alive), "processes left after close: " + started);
    }
    assertTrue(system.pids().isEmpty());
    system.close(); // idempotent
  }

  private static void bridgeRoundTrip(Conn sub, Conn pub, Duration timeout) throws Exception {
    sub.send("{\"type\":\"register\",\"address\":\"bench.t\"}");
    JsonObject expected = new JsonObject("{\"type\":\"rec\",\"address\":\"bench.t\",\"body\":" + BODY + "}");
    String publish = "{\"type\":\"publish\",\"address\":\"bench.t\",\"body\":" + BODY + "}";
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      pub.send(publish); // again every 200 ms: the registration may not be visible yet (cluster)
      String frame = sub.frames.poll(200, TimeUnit.MILLISECONDS);
      if (frame != null) {
        JsonObject rec = new JsonObject(frame);
        JsonObject headers = (JsonObject) rec.remove("headers");
        assertEquals(expected, rec);
        if (headers != null) { // gateway-history: the stream position, nothing else
          assertEquals(java.util.Set.of("offset", "epoch", "mid"), headers.fieldNames(), frame);
        }
        return;
      }
      if (System.nanoTime() > deadline) {
        fail("no rec frame within " + timeout + "; publisher got " + pub.frames);
      }
    }
  }

  private static void natsRoundTrip(Conn sub, Conn pub, Duration timeout) throws Exception {
    sub.awaitText("INFO ", WAIT);
    pub.awaitText("INFO ", WAIT);
    sub.send("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nSUB bench.t 1\r\nPING\r\n");
    sub.awaitText("PONG\r\n", WAIT);
    pub.send("CONNECT {\"verbose\":false,\"pedantic\":false}\r\n");
    long deadline = System.nanoTime() + timeout.toNanos();
    String expected = "MSG bench.t 1 7\r\n" + BODY + "\r\n";
    while (!sub.text().contains(expected)) {
      if (System.nanoTime() > deadline) {
        fail("no MSG within " + timeout + "; subscriber got: " + sub.text() + "; publisher got: " + pub.text());
      }
      pub.send("PUB bench.t 7\r\n" + BODY + "\r\n");
      Thread.sleep(200);
    }
    assertFalse(sub.text().contains("-ERR"), sub.text());
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** A port P with P..P+3 and P+100 free on loopback now (node ports and NATS' client port). */
  private static int freeBasePort() throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20000, 40000);
      if (free(base) && free(base + 1) && free(base + 2) && free(base + 3) && free(base + 100)) {
        return base;
      }
    }
    throw new IOException("no free port block");
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * A real WebSocket client: every complete message (text or binary: the vertx-web bridge and
   * nats-server send binary frames) queued as a string and appended to one transcript. Handlers are
   * set in the connect callback, on the socket's event loop, so a frame the server sends at once
   * (NATS' INFO) is not missed.
   */
  private static final class Conn {
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    private final StringBuilder all = new StringBuilder();
    private final WebSocket ws;

    private Conn(WebSocket ws) {
      this.ws = ws;
      ws.textMessageHandler(this::received);
      ws.binaryMessageHandler(buf -> received(buf.toString()));
    }

    static Conn open(String url) throws Exception {
      Future<Conn> f = client.connect(new WebSocketConnectOptions().setAbsoluteURI(url).setAllowOriginHeader(false))
        .map(Conn::new);
      return f.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void received(String message) {
      frames.add(message);
      synchronized (this) {
        all.append(message);
      }
    }

    synchronized String text() {
      return all.toString();
    }

    void send(String text) throws Exception {
      ws.writeTextMessage(text).toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void awaitText(String part, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!text().contains(part)) {
        if (System.nanoTime() > deadline) {
          fail("no '" + part.trim() + "' within " + timeout + "; got: " + text());
        }
        Thread.sleep(10);
      }
    }
  }
}
