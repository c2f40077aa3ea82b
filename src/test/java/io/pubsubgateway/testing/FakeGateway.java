package io.pubsubgateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted stand-in for a gateway node, for the SDK's tests: a Vert.x WebSocket server on
 * 127.0.0.1 (a free port) that records every client frame, in order, and hands it to a script that
 * answers with exact frames. Handshakes can be refused with an HTTP status. The script runs on the
 * server's event loop.
 */
public final class FakeGateway {
  /** Answers one client frame; {@code connection} counts the accepted WebSockets from 1. */
  @FunctionalInterface
  public interface Script {
    void handle(JsonObject frame, ServerWebSocket socket, int connection);
  }

  private final HttpServer server;
  private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
  private final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger refusals = new AtomicInteger();
  private volatile int refusalStatus;

  private FakeGateway(Vertx vertx, Script script) {
    this.server = vertx.createHttpServer().requestHandler(request -> {
      handshakes.incrementAndGet();
      if (refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        request.response().setStatusCode(refusalStatus).end();
        return;
      }
      request.toWebSocket().onSuccess(socket -> {
        sockets.add(socket);
        int connection = sockets.size();
        socket.textMessageHandler(text -> {
          JsonObject frame = new JsonObject(text);
          frames.add(frame);
          script.handle(frame, socket, connection);
        });
      });
    });
  }

  /** Starts a fake gateway on a free port of 127.0.0.1. */
  public static FakeGateway start(Vertx vertx, Script script) {
    FakeGateway gateway = new FakeGateway(vertx, script);
    Await.result(gateway.server.listen(0, "127.0.0.1"));
    return gateway;
  }

  /** Acks {@code register}, {@code unregister} and {@code publish} frames that have an id, answers pings. */
  public static void acking(JsonObject frame, ServerWebSocket socket) {
    String type = frame.getString("type");
    if ("ping".equals(type)) {
      send(socket, new JsonObject().put("type", "pong"));
    } else if (List.of("register", "unregister", "publish").contains(type) && frame.getValue("id") != null) {
      send(socket, ack(frame));
    }
  }

  /** {@code {"type":"ack","id":..,"address":..}} answering {@code frame}. */
  public static JsonObject ack(JsonObject frame) {
    return new JsonObject().put("type", "ack").put("id", frame.getValue("id")).put("address", frame.getString("address"));
  }

  public static void send(ServerWebSocket socket, JsonObject frame) {
    socket.writeTextMessage(frame.encode());
  }

  /** {@code ws://127.0.0.1:<port>/ws}. */
  public String url() {
    return "ws://127.0.0.1:" + server.actualPort() + "/ws";
  }

  /** Refuses the next {@code count} handshakes with HTTP {@code status}. */
  public void refuseHandshakes(int count, int status) {
    refusalStatus = status;
    refusals.set(count);
  }

  /** Handshakes attempted, refused ones included. */
  public int handshakes() {
    return handshakes.get();
  }

  /** WebSockets accepted so far. */
  public int connections() {
    return sockets.size();
  }

  /** Every client frame received, in order (pings included). */
  public List<JsonObject> frames() {
    return List.copyOf(frames);
  }

  /** The client frames of {@code type}, in order. */
  public List<JsonObject> sent(String type) {
    return frames.stream().filter(f -> type.equals(f.getString("type"))).toList();
  }

  /** The types of the client frames other than pings, in order, e.g. {@code [register, unregister, register]}. */
  public List<String> types() {
    return frames.stream().map(f -> f.getString("type")).filter(t -> !"ping".equals(t)).toList();
  }

  public void close() {
    Await.result(server.close());
  }
}
