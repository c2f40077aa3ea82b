package io.pubsubgateway.it;

import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.pubsubgateway.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The SockJS endpoint spoken at the SockJS wire level, as sockjs-client does, over its websocket
 * transport and its xhr-streaming fallback: the same session logic as {@code /ws} (permissions,
 * request/reply), and the token checked before any session exists.
 */
class SockJsIT {
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.standalone(new JsonArray().add(TestConfig.rule("open.*", "all", "all")));
  private static GatewayNode node;
  private static Vertx clients;
  private static HttpClient http;
  private static WebSocketClient ws;
  private static TestTokens tokens;
  private static MessageConsumer<Object> echo;

  @BeforeAll
  static void start() {
    node = cluster.node(0);
    echo = node.vertx().eventBus().consumer("svc.echo", m -> m.reply(new JsonObject().put("echo", m.body())));
    Await.result(echo.completion());
    clients = cluster.clients();
    http = clients.createHttpClient();
    ws = clients.createWebSocketClient();
    tokens = cluster.tokens();
  }

  /** One SockJS session from the client side: frames in, SockJS messages out. */
  private interface SockJsSession {
    void send(JsonObject frame);

    /** The next protocol frame (heartbeats and the open frame skipped). */
    JsonObject next();

    void close();
  }

  private static String base(String token) {
    return "/eventbus/000/" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String query(String token) {
    return token == null ? "" : "?token=" + token;
  }

  /** Parses SockJS frames ("o", "h", "a[...]", "c[...]") into protocol frames. */
  private static void parse(String sockJsFrame, BlockingQueue<JsonObject> out) {
    if (sockJsFrame.startsWith("a")) {
      new JsonArray(sockJsFrame.substring(1)).forEach(m -> out.add(new JsonObject((String) m)));
    } else if (sockJsFrame.startsWith("c")) {
      out.add(new JsonObject().put("type", "sockjs-close").put("body", new JsonArray(sockJsFrame.substring(1))));
    }
  }

  private static JsonObject poll(BlockingQueue<JsonObject> frames) {
    try {
      JsonObject f = frames.poll(10, TimeUnit.SECONDS);
      return f != null ? f : fail("no SockJS message within 10 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  private static SockJsSession websocketTransport(String token) {
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    WebSocket socket = Await.result(WsClient.connect(ws, new WebSocketConnectOptions().setHost("127.0.0.1")
      .setPort(node.port()).setURI(base(token) + "/websocket" + query(token)),
      w -> w.textMessageHandler(text -> parse(text, frames))));
    return new SockJsSession() {
      @Override
      public void send(JsonObject frame) {
        Await.result(socket.writeTextMessage(new JsonArray().add(frame.encode()).encode()));
      }

      @Override
      public JsonObject next() {
        return poll(frames);
      }

      @Override
      public void close() {
        socket.close();
      }
    };
  }

  private static SockJsSession xhrStreamingTransport(String token) {
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    String base = base(token);
    HttpClientResponse stream = Await.result(http.request(new RequestOptions().setMethod(HttpMethod.POST)
      .setHost("127.0.0.1").setPort(node.port()).setURI(base + "/xhr_streaming" + query(token)))
      .compose(req -> req.send()));
    assertEquals(200, stream.statusCode());
    StringBuilder pending = new StringBuilder();
    stream.handler(chunk -> {
      synchronized (pending) {
        pending.append(chunk.toString());
        int nl;
        while ((nl = pending.indexOf("\n")) >= 0) {
          parse(pending.substring(0, nl), frames);
          pending.delete(0, nl + 1);
        }
      }
    });
    return new SockJsSession() {
      @Override
      public void send(JsonObject frame) {
        HttpClientResponse r = Await.result(http.request(new RequestOptions().setMethod(HttpMethod.POST)
          .setHost("127.0.0.1").setPort(node.port()).setURI(base + "/xhr_send" + query(token)))
          .compose(req -> req.send(Buffer.buffer(new JsonArray().add(frame.encode()).encode()))));
        assertEquals(204, r.statusCode(), "xhr_send");
      }

      @Override
      public JsonObject next() {
        return poll(frames);
      }

      @Override
      public void close() {
        stream.request().connection().close();
      }
    };
  }

  private static SockJsSession open(String transport, String token) {
    return transport.equals("websocket") ? websocketTransport(token) : xhrStreamingTransport(token);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"websocket", "xhr-streaming"})
  void registerPublishAndSendWithReplyRunTheSameSessionLogicAsTheRawWebSocket(String transport) {
    SockJsSession s = open(transport, tokens.any("sockjs-" + transport));
    s.send(new JsonObject().put("type", "register").put("address", "open.room").put("id", "r1"));
    assertEquals(new JsonObject().put("type", "ack").put("id", "r1").put("address", "open.room"), s.next());
    s.send(new JsonObject().put("type", "publish").put("address", "open.room").put("body", new JsonObject().put("n", 1)));
    assertEquals(new JsonObject().put("type", "rec").put("address", "open.room").put("body", new JsonObject().put("n", 1)),
      s.next());
    s.send(new JsonObject().put("type", "send").put("address", "svc.echo").put("body", "hi").put("replyAddress", "rr-1"));
    assertEquals(new JsonObject().put("type", "rec").put("address", "rr-1").put("body", new JsonObject().put("echo", "hi")),
      s.next());
    s.send(new JsonObject().put("type", "register").put("address", "__vertx.x"));
    assertEquals("access_denied", s.next().getString("body"));
    s.send(new JsonObject().put("type", "ping"));
    assertEquals(new JsonObject().put("type", "pong"), s.next());
    s.close();
    Await.until("session closed", () -> node.connections() == 0);
  }

  @Test
  void aBadOrMissingTokenNeverGetsASession() {
    for (String uri : List.of("/eventbus/info", "/eventbus/info?token=not-a-jwt", base(null) + "/xhr_streaming?token=x.y.z")) {
      HttpClientResponse r = Await.result(http.request(new RequestOptions().setMethod(
          uri.contains("xhr") ? HttpMethod.POST : HttpMethod.GET).setHost("127.0.0.1").setPort(node.port()).setURI(uri))
        .compose(req -> req.send()));
      assertEquals(401, r.statusCode(), uri);
    }
    Throwable refused = Await.failure(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
      .setURI(base(null) + "/websocket?token=nope")));
    assertNotNull(refused);
    assertEquals(0, node.connections());
    JsonObject info = Await.result(http.request(new RequestOptions().setHost("127.0.0.1").setPort(node.port())
      .setURI("/eventbus/info" + query(tokens.any("ok")))).compose(req -> req.send())
      .compose(resp -> resp.statusCode() == 200 ? resp.body() : Future.failedFuture("HTTP " + resp.statusCode()))
      .map(JsonObject::new));
    assertEquals(true, info.getBoolean("websocket"));
  }
}
