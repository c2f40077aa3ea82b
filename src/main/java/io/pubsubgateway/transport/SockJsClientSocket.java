package io.pubsubgateway.transport;

import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.session.ClientSocket;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SockJS session (any SockJS transport: websocket, xhr-streaming, xhr-polling...), as the official
 * {@code @vertx/eventbus-bridge-client.js} and {@code sockjs-client} open it. Each SockJS message is
 * one protocol frame. Writes go through the SockJS session, which frames and escapes them per
 * transport (a copy per socket: SockJS cannot share the encoded frame the way a raw WebSocket does).
 * SockJS closes carry its own code (3000 "Go away!") except on the websocket transport.
 */
final class SockJsClientSocket implements ClientSocket {
  private static final Logger LOG = LoggerFactory.getLogger(SockJsClientSocket.class);
  private final SockJSSocket sock;
  private final int maxMessageBytes;
  private final Context context;
  private CloseCode closedWith;

  SockJsClientSocket(SockJSSocket sock, int maxMessageBytes, int outboundQueueBytes) {
    this.sock = sock;
    this.maxMessageBytes = maxMessageBytes;
    this.context = Vertx.currentContext();
    sock.setWriteQueueMaxSize(outboundQueueBytes);
  }

  @Override
  public void start(Events events) {
    sock.handler(message -> {
      if (message.length() > maxMessageBytes) {
        events.handleTooLarge();
      } else {
        events.handleMessage(message);
      }
    });
    sock.exceptionHandler(err -> LOG.debug("SockJS error {}: {}", sock.remoteAddress(), err.toString()));
    sock.closeHandler(v -> events.handleClosed());
  }

  @Override
  public void write(byte[] frame) {
    sock.write(Buffer.buffer(frame));
  }

  @Override
  public boolean flush() {
    return !sock.writeQueueFull();
  }

  @Override
  public void close(CloseCode code) {
    closedWith = code;
    sock.close(code.code(), code.reason());
  }

  @Override
  public void dropAfter(long graceMs) {
    context.owner().setTimer(Math.max(1, graceMs), id -> sock.close()); // a Vert.x timer takes at least 1 ms
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(sock.remoteAddress());
  }

  @Override
  public Short closeCode() {
    return closedWith == null ? null : closedWith.code();
  }

  @Override
  public String closeReason() {
    return closedWith == null ? null : closedWith.reason();
  }
}
