package io.pubsubgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.net.URI;

/**
 * One load-generator WebSocket speaking a {@link Dialect}: subscribe, publish, and hand each
 * received message body (as text) to a handler. Used on one event loop.
 */
public final class BenchConnection {
  private final WebSocket ws;
  private final Dialect dialect;
  private final StringBuilder natsBuffer = new StringBuilder();
  private Handler<String> bodyHandler = b -> { };

  private BenchConnection(WebSocket ws, Dialect dialect) {
    this.ws = ws;
    this.dialect = dialect;
    ws.textMessageHandler(this::handleText);
    ws.binaryMessageHandler(buf -> handleText(buf.toString()));
  }

  /** Opens a connection; NATS connections send CONNECT first. */
  public static Future<BenchConnection> open(WebSocketClient client, String url, Dialect dialect) {
    URI uri = URI.create(url);
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(uri.getHost()).setPort(uri.getPort())
      .setURI(uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
      .setAllowOriginHeader(false);
    return client.connect(options).map(ws -> {
      BenchConnection c = new BenchConnection(ws, dialect);
      if (dialect == Dialect.NATS) {
        ws.writeTextMessage("CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"echo\":true}\r\n");
      }
      return c;
    });
  }

  public void bodyHandler(Handler<String> handler) {
    this.bodyHandler = handler;
  }

  public WebSocket socket() {
    return ws;
  }

  public void subscribe(String channel) {
    if (dialect == Dialect.NATS) {
      ws.writeTextMessage("SUB " + channel + " 1\r\n");
    } else {
      ws.writeTextMessage("{\"type\":\"register\",\"address\":\"" + channel + "\"}");
    }
  }

  public void unsubscribe(String channel) {
    if (dialect == Dialect.NATS) {
      ws.writeTextMessage("UNSUB 1\r\n");
    } else {
      ws.writeTextMessage("{\"type\":\"unregister\",\"address\":\"" + channel + "\"}");
    }
  }

  /** Publishes {@code body} (JSON text) on {@code channel}: one WebSocket frame per message for every dialect. */
  public void publish(String channel, String body) {
    if (dialect == Dialect.NATS) {
      ws.writeTextMessage("PUB " + channel + " " + Payload.bytes(body).length + "\r\n" + body + "\r\n");
    } else {
      ws.writeTextMessage("{\"type\":\"publish\",\"address\":\"" + channel + "\",\"body\":" + body + "}");
    }
  }

  /**
   * Keep-alive for the JSON dialect: vertx-web's bridge closes a socket that sent no ping for 10 s
   * (its default), so every JSON connection pings every 5 s, ours included. NATS pings its clients.
   */
  public void keepAlive() {
    if (dialect == Dialect.BRIDGE_JSON) {
      ws.writeTextMessage("{\"type\":\"ping\"}");
    }
  }

  public boolean writeQueueFull() {
    return ws.writeQueueFull();
  }

  private void handleText(String text) {
    if (dialect == Dialect.BRIDGE_JSON) {
      if (text.startsWith("{\"type\":\"rec\"")) {
        bodyHandler.handle(text);
      }
      return;
    }
    natsBuffer.append(text);
    int pos = 0;
    while (true) {
      int eol = natsBuffer.indexOf("\r\n", pos);
      if (eol < 0) {
        break;
      }
      if (startsAt(natsBuffer, "MSG ", pos)) {
        int lenStart = natsBuffer.lastIndexOf(" ", eol) + 1;
        int len = Integer.parseInt(natsBuffer, lenStart, eol, 10);
        int end = eol + 2 + len;
        if (natsBuffer.length() < end + 2) {
          break; // payload not complete yet
        }
        bodyHandler.handle(natsBuffer.substring(eol + 2, end));
        pos = end + 2;
      } else {
        if (startsAt(natsBuffer, "PING", pos)) {
          ws.writeTextMessage("PONG\r\n");
        } else if (startsAt(natsBuffer, "-ERR", pos)) {
          System.err.println("nats: " + natsBuffer.substring(pos, eol));
        }
        pos = eol + 2;
      }
    }
    natsBuffer.delete(0, pos);
  }

  private static boolean startsAt(CharSequence text, String prefix, int pos) {
    if (pos + prefix.length() > text.length()) {
      return false;
    }
    for (int k = 0; k < prefix.length(); k++) {
      if (text.charAt(pos + k) != prefix.charAt(k)) {
        return false;
      }
    }
    return true;
  }
}
