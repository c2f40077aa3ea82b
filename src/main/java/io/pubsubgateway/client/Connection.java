package io.pubsubgateway.client;

import io.pubsubgateway.protocol.ErrorCode;
import io.pubsubgateway.protocol.FrameType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * One open WebSocket of a {@link GatewayClient}: sends frames with request ids and matches the
 * gateway's answers ({@code ack}, {@code history}, {@code presence} or {@code err} with the same id)
 * to them; hands messages and join/leave events to its listener. Used only on the client's event
 * loop.
 */
final class Connection {
  private final Vertx vertx;
  private final WebSocket ws;
  private final String url;
  private final Duration requestTimeout;
  private final Map<String, Promise<JsonObject>> pending = new HashMap<>();
  private long nextId;
  private long lastFrameAtMs = System.currentTimeMillis();

  /** What the connection hands to its client. */
  interface Listener {
    void handleMessage(GatewayMessage message);

    void handleEvent(ChannelEvent event);

    void handleUnsolicitedError(GatewayException error);

    /** {@code insufficient_state} for {@code channel}: the gateway ended that subscription. */
    void handleInsufficientState(String channel);

    /**
     * {@code access_denied} for {@code channel} without id: the gateway ended that subscription (a
     * refreshed token no longer allows it).
     */
    void handleSubscriptionEnded(String channel, GatewayException error);
  }

  Connection(Vertx vertx, WebSocket ws, String url, Duration requestTimeout, Listener listener) {
    this.vertx = vertx;
    this.ws = ws;
    this.url = url;
    this.requestTimeout = requestTimeout;
    ws.textMessageHandler(text -> handleText(text, listener));
  }

  String url() {
    return url;
  }

  WebSocket socket() {
    return ws;
  }

  long lastFrameAtMs() {
    return lastFrameAtMs;
  }

  /**
   * Sends {@code type} for {@code address} (none when null) with a fresh id and the {@code fields}
   * ({@code body}, {@code headers}, {@code limit}, {@code token}; may be null). Completes with the gateway's answer frame, fails
   * with its {@code err} (code in {@link GatewayException#code()}) or {@code timeout}.
   */
  Future<JsonObject> request(FrameType type, String address, JsonObject fields) {
    String id = Long.toString(++nextId);
    JsonObject frame = new JsonObject().put("type", type.wire());
    if (address != null) {
      frame.put("address", address);
    }
    frame.put("id", id);
    if (fields != null) {
      frame.mergeIn(fields);
    }
    Promise<JsonObject> promise = Promise.promise();
    pending.put(id, promise);
    long timer = vertx.setTimer(requestTimeout.toMillis(), t -> {
      Promise<JsonObject> p = pending.remove(id);
      if (p != null) {
        p.fail(new GatewayException(GatewayException.TIMEOUT, "no answer from " + url + " within " + requestTimeout));
      }
    });
    ws.writeTextMessage(frame.encode());
    return promise.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  void ping() {
    ws.writeTextMessage("{\"type\":\"ping\"}");
  }

  /** Fails every unanswered request (the connection is gone). */
  void failPending(GatewayException error) {
    for (Promise<JsonObject> p : new ArrayList<>(pending.values())) {
      p.tryFail(error);
    }
    pending.clear();
  }

  private void handleText(String text, Listener listener) {
    lastFrameAtMs = System.currentTimeMillis();
    JsonObject frame;
    try {
      frame = new JsonObject(text);
    } catch (DecodeException e) {
      return;
    }
    String type = frame.getString("type", "");
    Object id = frame.getValue("id");
    switch (type) {
      case "rec" -> listener.handleMessage(new GatewayMessage(frame.getString("address"), frame.getValue("body"),
        GatewayMessage.headers(frame.getJsonObject("headers"))));
      case "join", "leave" -> listener.handleEvent(ChannelEvent.fromFrame(frame));
      case "err" -> {
        GatewayException error = new GatewayException(String.valueOf(frame.getValue("body")),
          frame.getString("message", "refused") + (frame.getString("address") == null ? "" : " (" + frame.getString("address") + ")"));
        Promise<JsonObject> p = id == null ? null : pending.remove(String.valueOf(id));
        if (p != null) {
          p.tryFail(error);
        } else if (ErrorCode.INSUFFICIENT_STATE.code().equals(frame.getValue("body")) && frame.getValue("address") instanceof String channel) {
          listener.handleInsufficientState(channel);
        } else if (ErrorCode.ACCESS_DENIED.code().equals(frame.getValue("body")) && frame.getValue("address") instanceof String channel) {
          listener.handleSubscriptionEnded(channel, error);
        } else {
          listener.handleUnsolicitedError(error);
        }
      }
      default -> {
        // ack, history, presence: answers to requests; pong and future frame types: liveness only
        Promise<JsonObject> p = id == null ? null : pending.remove(String.valueOf(id));
        if (p != null) {
          p.tryComplete(frame);
        }
      }
    }
  }
}
