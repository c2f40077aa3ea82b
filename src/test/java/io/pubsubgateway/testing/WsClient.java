package io.pubsubgateway.testing;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

/** A real WebSocket client for tests: records every text frame it receives and its close code. */
public final class WsClient implements AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();
  private WebSocket ws;
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<Short> closeCode = new CompletableFuture<>();

  private WsClient() {
  }

  private void listen(WebSocket socket) {
    socket.textMessageHandler(text -> frames.add(new JsonObject(text)));
    socket.closeHandler(v -> closeCode.complete(socket.closeStatusCode()));
  }

  /**
   * Opens a WebSocket whose handlers {@code install} sets before the handshake: a frame or a close
   * the server sends right after it is never missed (handlers set once the connect future has
   * completed on the test thread race with the event loop, and a closed socket refuses them).
   */
  public static Future<WebSocket> connect(WebSocketClient client, WebSocketConnectOptions options,
                                          Consumer<? super WebSocket> install) {
    ClientWebSocket socket = client.webSocket();
    install.accept(socket);
    return socket.connect(options);
  }

  private static WsClient opened(Vertx vertx, String host, int port, String path, String token, MultiMap headers) {
    WsClient c = new WsClient();
    c.ws = Await.result(open(vertx, host, port, path, token, headers, c::listen));
    return c;
  }

  /** One client per Vertx, held strongly: Vert.x closes a WebSocketClient that becomes unreachable. */
  private static final java.util.Map<Vertx, WebSocketClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

  private static WebSocketClient client(Vertx vertx) {
    return CLIENTS.computeIfAbsent(vertx, v -> v.createWebSocketClient(new WebSocketClientOptions()
      .setMaxFrameSize(1 << 20).setMaxMessageSize(1 << 22).setMaxConnections(10_000)));
  }

  private static Future<WebSocket> open(Vertx vertx, String host, int port, String path, String token,
                                        MultiMap headers, Consumer<? super WebSocket> install) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(host).setPort(port).setURI(path)
      .setAllowOriginHeader(headers != null && headers.contains("Origin"));
    if (token != null) {
      options.addHeader("Authorization", "Bearer " + token);
    }
    if (headers != null) {
      headers.forEach(options::addHeader);
    }
    return connect(client(vertx), options, install);
  }

  /** Connects with {@code Authorization: Bearer token} (none when null). */
  public static WsClient connect(Vertx vertx, int port, String token) {
    return opened(vertx, "127.0.0.1", port, "/ws", token, null);
  }

  /** Connects to a {@code ws://host:port/path} URL (any host) with {@code Authorization: Bearer token}. */
  public static WsClient connectUrl(Vertx vertx, String url, String token) {
    java.net.URI uri = java.net.URI.create(url);
    return opened(vertx, uri.getHost(), uri.getPort(), uri.getRawPath(), token, null);
  }

  /** Connects to a full request URI (e.g. with {@code ?token=}). */
  public static WsClient connectUri(Vertx vertx, int port, String uri) {
    return opened(vertx, "127.0.0.1", port, uri, null, null);
  }

  /** Connects to a full request URI with extra headers (e.g. {@code Origin}). */
  public static WsClient connectWith(Vertx vertx, int port, String uri, MultiMap headers) {
    return opened(vertx, "127.0.0.1", port, uri, null, headers);
  }

  /**
   * A raw TCP connection to 127.0.0.1:{@code port} that completed a WebSocket upgrade of {@code /ws}
   * with {@code Authorization: Bearer token} (asserted: 101), for tests that write or read raw
   * frames (or nothing at all).
   */
  public static java.net.Socket upgradedSocket(int port, String token) throws java.io.IOException {
    java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port);
    java.io.OutputStream out = s.getOutputStream();
    out.write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
      + "Authorization: Bearer " + token + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.flush();
    java.io.InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    org.junit.jupiter.api.Assertions.assertTrue(head.toString().startsWith("HTTP/1.1 101"), head.toString());
    return s;
  }

  /** The HTTP status of a handshake the server must reject. */
  public static int rejectedStatus(Vertx vertx, int port, String uri, String token, MultiMap headers) {
    Throwable err = Await.failure(open(vertx, "127.0.0.1", port, uri, token, headers, w -> { }));
    if (err instanceof UpgradeRejectedException rejected) {
      return rejected.getStatus();
    }
    return fail("expected an HTTP rejection, got " + err);
  }

  public WebSocket socket() {
    return ws;
  }

  public void send(JsonObject frame) {
    sendText(frame.encode());
  }

  public void sendText(String text) {
    Await.result(ws.writeTextMessage(text));
  }

  /** Subscribes and waits for the gateway's ack (the subscription is then registered cluster-wide). */
  public void subscribe(String channel) {
    String id = "s" + IDS.incrementAndGet();
    send(new JsonObject().put("type", "register").put("address", channel).put("id", id));
    JsonObject ack = next();
    assertEquals(new JsonObject().put("type", "ack").put("id", id).put("address", channel), ack);
  }

  /** Sends a register with an id (and {@code headers}, when not null); returns the gateway's ack. */
  public JsonObject register(String channel, JsonObject headers) {
    String id = "r" + IDS.incrementAndGet();
    JsonObject frame = new JsonObject().put("type", "register").put("address", channel).put("id", id);
    if (headers != null) {
      frame.put("headers", headers);
    }
    send(frame);
    JsonObject ack = next();
    assertEquals("ack", ack.getString("type"), ack.encode());
    assertEquals(id, ack.getString("id"));
    return ack;
  }

  public void unsubscribe(String channel) {
    String id = "u" + IDS.incrementAndGet();
    send(new JsonObject().put("type", "unregister").put("address", channel).put("id", id));
    assertEquals(new JsonObject().put("type", "ack").put("id", id).put("address", channel), next());
  }

  /** Publishes without an id (the bridge-compatible form). */
  public void publish(String channel, Object body) {
    send(new JsonObject().put("type", "publish").put("address", channel).put("body", body));
  }

  /** The next frame, failing after 10 s. */
  public JsonObject next() {
    return next(Await.DEFAULT);
  }

  public JsonObject next(Duration timeout) {
    try {
      JsonObject f = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (f == null) {
        fail("no frame within " + timeout);
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail("interrupted");
    }
  }

  /** Asserts that no frame arrives within {@code millis}. */
  public void assertNoFrame(long millis) {
    try {
      assertNull(frames.poll(millis, TimeUnit.MILLISECONDS), "unexpected frame");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Frames received and not yet taken. */
  public int pending() {
    return frames.size();
  }

  /** The close code the server sent, waiting at most {@code timeout}. */
  public short awaitClose(Duration timeout) {
    try {
      Short code = closeCode.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return code == null ? -1 : code;
    } catch (Exception e) {
      return fail("not closed within " + timeout + ": " + e);
    }
  }

  public boolean closed() {
    return closeCode.isDone();
  }

  @Override
  public void close() {
    if (!closeCode.isDone()) {
      ws.close();
    }
  }
}
