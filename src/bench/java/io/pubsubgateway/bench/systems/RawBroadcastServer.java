package io.pubsubgateway.bench.systems;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Baseline "cost of plain Vert.x writes": a WebSocket server that broadcasts every publish to
 * every registered socket, with nothing else. No auth, no cluster, no channels (a register on any
 * address subscribes to everything), no JSON parsing: fields are found by string search in the
 * bridge-JSON frames the load generator sends.
 *
 * <p>Frames understood (first {@code "type":} of the frame decides):
 * <ul>
 *   <li>{@code register}: adds the socket to the subscriber set; with an {@code "id":} it answers
 *       {@code {"type":"ack","id":<the raw id>}}.</li>
 *   <li>{@code unregister}: removes it (same optional ack).</li>
 *   <li>{@code publish}: the raw text after {@code "body":} up to the frame's last {@code }} is the
 *       body (the generator sends {@code body} last); the frame
 *       {@code {"type":"rec","address":A,"body":B}} is encoded ONCE to UTF-8 bytes and written, as
 *       its own {@link WebSocketFrameImpl}, to every subscriber: Vert.x then writes and flushes each
 *       socket separately (no batching), which is what this baseline measures.</li>
 *   <li>{@code ping}: answered with {@code {"type":"pong"}}.</li>
 * </ul>
 *
 * <p>Threading: one verticle instance per core shares the port (Vert.x balances connections
 * over the instances); the subscriber set is a concurrent set shared by all instances. A publish is
 * handled on the publisher's event loop, which calls {@code writeFrame} on sockets of every event
 * loop (thread-safe in Vert.x: the write is handed to the socket's own loop).
 *
 * <p>Usage: {@code RawBroadcastServer HOST PORT}; prints {@code listening on PORT} once serving and
 * exits on SIGTERM/SIGINT.
 */
public final class RawBroadcastServer extends VerticleBase {
  private static final byte[] PONG = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);

  private final String host;
  private final int port;
  private final Set<ServerWebSocket> subscribers;

  RawBroadcastServer(String host, int port, Set<ServerWebSocket> subscribers) {
    this.host = host;
    this.port = port;
    this.subscribers = subscribers;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: RawBroadcastServer HOST PORT");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx), "raw-shutdown"));
    Set<ServerWebSocket> subscribers = ConcurrentHashMap.newKeySet();
    try {
      vertx.deployVerticle(() -> new RawBroadcastServer(host, port, subscribers),
          new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      exitOnStartFailure("RawBroadcastServer", e);
    }
    System.out.println("listening on " + port);
    System.out.flush();
  }

  /** Vert.x threads would keep a JVM whose server failed to start alive: say why and exit 1. */
  static void exitOnStartFailure(String what, Exception e) {
    Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
    System.err.println(what + ": cannot start: " + cause);
    System.exit(1);
  }

  static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("unclean shutdown: " + e);
    }
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
      .webSocketHandler(this::accept)
      .listen();
  }

  private void accept(ServerWebSocket ws) {
    ws.textMessageHandler(text -> onText(ws, text));
    ws.closeHandler(v -> subscribers.remove(ws));
    ws.exceptionHandler(err -> subscribers.remove(ws));
  }

  private void onText(ServerWebSocket ws, String text) {
    String type = stringField(text, "\"type\":");
    if (type == null) {
      return;
    }
    switch (type) {
      case "publish" -> broadcast(text);
      case "register" -> {
        subscribers.add(ws);
        ack(ws, text);
      }
      case "unregister" -> {
        subscribers.remove(ws);
        ack(ws, text);
      }
      case "ping" -> ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, PONG, true));
      default -> {
        // ignored
      }
    }
  }

  private void broadcast(String text) {
    int at = text.indexOf("\"body\":");
    int end = text.lastIndexOf('}');
    if (at < 0 || end < at + 7) {
      return;
    }
    String address = stringField(text, "\"address\":");
    String body = text.substring(at + 7, end).trim();
    byte[] frame = ("{\"type\":\"rec\",\"address\":\"" + (address == null ? "" : address) + "\",\"body\":" + body + "}")
      .getBytes(StandardCharsets.UTF_8);
    for (ServerWebSocket s : subscribers) {
      s.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame, true));
    }
  }

  private static void ack(ServerWebSocket ws, String text) {
    String id = rawValue(text, "\"id\":");
    if (id != null) {
      ws.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT,
        ("{\"type\":\"ack\",\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8), true));
    }
  }

  /** The characters of the string value after {@code key} (no unescaping), or null. */
  static String stringField(String text, String key) {
    String raw = rawValue(text, key);
    return raw != null && raw.length() >= 2 && raw.charAt(0) == '"' ? raw.substring(1, raw.length() - 1) : null;
  }

  /** The raw JSON text of a scalar value after the first {@code key}: a quoted string or up to {@code ,} / {@code }}. */
  static String rawValue(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      return null;
    }
    int i = at + key.length();
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    if (i >= text.length()) {
      return null;
    }
    if (text.charAt(i) == '"') {
      int j = i + 1;
      while (j < text.length() && text.charAt(j) != '"') {
        j += text.charAt(j) == '\\' ? 2 : 1;
      }
      return j < text.length() ? text.substring(i, j + 1) : null;
    }
    int j = i;
    while (j < text.length() && text.charAt(j) != ',' && text.charAt(j) != '}') {
      j++;
    }
    String raw = text.substring(i, j).trim();
    return raw.isEmpty() ? null : raw;
  }
}
