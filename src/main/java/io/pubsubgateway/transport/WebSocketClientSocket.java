package io.pubsubgateway.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.session.ClientSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * A raw WebSocket ({@code http.path}). Reassembles fragmented text messages itself, up to
 * limits.maxFrameBytes. Writes go straight to the Netty channel without a flush, below the
 * WebSocket frame encoder: each is a retained duplicate of the message's wire frame, built once per
 * event loop ({@link WireFrames}), so a message costs one buffer per loop, not one per socket;
 * {@link #flush} flushes once per loop turn. Vert.x's own frames (close, pong) still go through
 * the encoder, in order with ours (everything is written on the connection's event loop).
 */
final class WebSocketClientSocket implements ClientSocket {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketClientSocket.class);
  private final ServerWebSocket ws;
  private final ChannelHandlerContext chctx;
  /** The frame encoder's context: a write from it skips the encoder. Null: write frames through it. */
  private final ChannelHandlerContext belowEncoder;
  private final int maxMessageBytes;
  private Events events;
  private Buffer fragments;
  private boolean discardingFragments;

  WebSocketClientSocket(ServerWebSocket ws, int maxMessageBytes, int outboundQueueBytes) {
    this.ws = ws;
    this.chctx = ((WebSocketInternal) ws).channelHandlerContext();
    ChannelPipeline pipeline = chctx.pipeline();
    // with a WebSocket extension (compression) frames must go through its encoder: not negotiated here
    this.belowEncoder = pipeline.get(WebSocketExtensionEncoder.class) == null
      ? pipeline.context(WebSocketFrameEncoder.class) : null;
    this.maxMessageBytes = maxMessageBytes;
    ws.setWriteQueueMaxSize(outboundQueueBytes);
  }

  @Override
  public void start(Events events) {
    this.events = events;
    ws.frameHandler(this::handleFrame);
    ws.exceptionHandler(err -> LOG.debug("connection error {}: {}", ws.remoteAddress(), err.toString()));
    ws.closeHandler(v -> events.handleClosed());
  }

  private void handleFrame(WebSocketFrame frame) {
    WebSocketFrameType type = frame.type();
    if (type == WebSocketFrameType.BINARY) {
      events.handleUnsupported();
    } else if (type == WebSocketFrameType.TEXT) {
      fragments = null;
      discardingFragments = false;
      if (frame.isFinal()) {
        message(frame.binaryData());
      } else {
        appendFragment(frame.binaryData());
      }
    } else if (type == WebSocketFrameType.CONTINUATION) {
      if (fragments == null && !discardingFragments) {
        return; // continuation of a binary message that was already refused
      }
      appendFragment(frame.binaryData());
      if (frame.isFinal()) {
        Buffer message = fragments;
        boolean tooLarge = discardingFragments;
        fragments = null;
        discardingFragments = false;
        if (tooLarge) {
          events.handleTooLarge();
        } else {
          message(message);
        }
      }
    }
    // ping/pong/close control frames are answered by Vert.x itself
  }

  private void message(Buffer data) {
    if (data.length() > maxMessageBytes) {
      events.handleTooLarge();
    } else {
      events.handleMessage(data);
    }
  }

  private void appendFragment(Buffer data) {
    if (discardingFragments) {
      return;
    }
    if (fragments == null) {
      fragments = Buffer.buffer(Math.min(maxMessageBytes, data.length() * 2));
    }
    if (fragments.length() + data.length() > maxMessageBytes) {
      fragments = null;
      discardingFragments = true;
    } else {
      fragments.appendBuffer(data);
    }
  }

  @Override
  public void write(byte[] frame) {
    if (belowEncoder != null) {
      belowEncoder.write(WireFrames.retained(frame, belowEncoder.alloc()), belowEncoder.voidPromise());
    } else {
      chctx.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)), chctx.voidPromise());
    }
  }

  @Override
  public boolean flush() {
    if (!chctx.channel().isActive()) {
      return true;
    }
    chctx.flush();
    return chctx.channel().isWritable();
  }

  @Override
  public void close(CloseCode code) {
    ws.close(code.code(), code.reason());
  }

  /** chctx.close() skips Vert.x's graceful close, which would wait for the backlog to drain. */
  @Override
  public void dropAfter(long graceMs) {
    chctx.channel().eventLoop().schedule(() -> {
      chctx.close();
    }, graceMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public String remoteAddress() {
    return String.valueOf(ws.remoteAddress());
  }

  @Override
  public Short closeCode() {
    return ws.closeStatusCode();
  }

  @Override
  public String closeReason() {
    return ws.closeReason();
  }
}
