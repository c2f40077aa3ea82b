package io.pubsubgateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.session.ClientSocket;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.http.WebSocketInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * A raw WebSocket ({@code http.path}) as a Netty handler of our own. Vert.x does the upgrade (and
 * everything before it: routing, the token check, the connect hook); right after the upgrade this
 * handler replaces Vert.x's in the channel's pipeline ({@link #takeOver}), so Vert.x's
 * {@code ServerWebSocket}, its connection objects, its outbound queue (4.7 KiB per connection,
 * allocated even though we never write through it) and the upgrade request with its headers are
 * garbage from then on: the live heap of an idle connection is the Netty channel, the frame
 * decoder and this object (see src/docs/performance.md, "Lean connections").
 *
 * <p>Reading: reassembles fragmented text messages, up to limits.maxFrameBytes; answers pings with
 * pongs; echoes a client's close frame and closes the connection; binary data is refused (the
 * session closes with 1003). A protocol violation the decoder reports closes with its code: 1009
 * for a frame over the hard cap (4 × limits.maxFrameBytes), 1002 for an unmasked or malformed frame.
 *
 * <p>Writing: each message is a retained duplicate of its wire frame, built once per event loop
 * ({@link WireFrames}) and written below the frame encoder without a flush; {@link #flush} flushes
 * once per loop turn. Close and pong frames go through the encoder, in order with ours. The
 * channel's write-buffer high-water mark is limits.outboundQueueBytes: above it the client is
 * too slow ({@link #flush} says so).
 *
 * <p>Vert.x's own meters of the connection (open HTTP connections and WebSockets) are kept right:
 * this handler reports the disconnection Vert.x would have reported ({@link VertxConnectionMeters}).
 *
 * <p>Threading: the connection's event loop, which is the server verticle's; events reach the
 * session through the verticle's context (so futures and event-bus requests of the session stay on
 * it).
 */
final class WebSocketClientSocket extends ChannelInboundHandlerAdapter implements ClientSocket {
  private static final Logger LOG = LoggerFactory.getLogger(WebSocketClientSocket.class);
  /** How long a close we sent waits for the client's before the connection is dropped (Vert.x's default too). */
  static final long CLOSING_TIMEOUT_MS = 5_000;
  private static final String HANDLER_NAME = "pubsub-websocket";

  private final ContextInternal context;
  private final int maxMessageBytes;
  private final String remoteAddress;
  private final VertxConnectionMeters meters;
  private ChannelHandlerContext chctx;
  /** The frame encoder's context: a write from it skips the encoder. Null: write frames through it. */
  private ChannelHandlerContext belowEncoder;
  private Events events;
  private Buffer fragments;
  private boolean discardingFragments;
  /** A continuation belongs to a binary message (already refused). */
  private boolean inBinaryMessage;
  private boolean closeSent;
  private Short closeCode;
  private String closeReason;
  private ScheduledFuture<?> closingTimeout;
  private boolean closed;

  private WebSocketClientSocket(ContextInternal context, int maxMessageBytes, String remoteAddress,
                                VertxConnectionMeters meters) {
    this.context = context;
    this.maxMessageBytes = maxMessageBytes;
    this.remoteAddress = remoteAddress;
    this.meters = meters;
  }

  /**
   * Replaces Vert.x's handler of a just-upgraded WebSocket by a new socket of ours. Must run on the
   * connection's event loop in the same turn as the upgrade (before any frame of the client is
   * read), which the completion of {@code toWebSocket()} on the verticle's context is.
   */
  static WebSocketClientSocket takeOver(ServerWebSocket ws, ContextInternal context, int maxMessageBytes,
                                        int outboundQueueBytes) {
    ChannelHandlerContext vertxHandler = ((WebSocketInternal) ws).channelHandlerContext();
    ChannelPipeline pipeline = vertxHandler.pipeline();
    WebSocketClientSocket socket = new WebSocketClientSocket(context, maxMessageBytes,
      String.valueOf(ws.remoteAddress()), VertxConnectionMeters.of(ws));
    pipeline.channel().config().setWriteBufferWaterMark(
      new WriteBufferWaterMark(outboundQueueBytes / 2, outboundQueueBytes));
    pipeline.replace(vertxHandler.handler(), HANDLER_NAME, socket);
    return socket;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.chctx = ctx;
    ChannelPipeline pipeline = ctx.pipeline();
    // with a WebSocket extension (compression) frames must go through its encoder: not negotiated here
    this.belowEncoder = pipeline.get(WebSocketExtensionEncoder.class) == null
      ? pipeline.context(WebSocketFrameEncoder.class) : null;
  }

  @Override
  public void start(Events events) {
    this.events = events;
    if (closed) {
      context.dispatch(events, Events::handleClosed); // gone between the upgrade and now
    } else if (!chctx.channel().isActive()) {
      closed(); // never active for this handler: no channelInactive will come
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof WebSocketFrame frame && events != null && !closed) {
        handleFrame(frame);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void handleFrame(WebSocketFrame frame) {
    if (frame instanceof TextWebSocketFrame) {
      fragments = null;
      discardingFragments = false;
      inBinaryMessage = false;
      if (frame.isFinalFragment()) {
        message(frame.content());
      } else {
        appendFragment(frame.content());
      }
    } else if (frame instanceof ContinuationWebSocketFrame) {
      if (inBinaryMessage || (fragments == null && !discardingFragments)) {
        return; // continuation of a binary message that was already refused
      }
      appendFragment(frame.content());
      if (frame.isFinalFragment()) {
        Buffer message = fragments;
        boolean tooLarge = discardingFragments;
        fragments = null;
        discardingFragments = false;
        if (tooLarge) {
          context.dispatch(events, Events::handleTooLarge);
        } else {
          context.dispatch(message, events::handleMessage);
        }
      }
    } else if (frame instanceof BinaryWebSocketFrame) {
      fragments = null;
      inBinaryMessage = !frame.isFinalFragment();
      context.dispatch(events, Events::handleUnsupported);
    } else if (frame instanceof PingWebSocketFrame) {
      // RFC 6455 §5.5.2: a pong with the ping's payload
      chctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), chctx.voidPromise());
    } else if (frame instanceof CloseWebSocketFrame close) {
      handleClose(close);
    }
    // pongs: nothing to do
  }

  private void handleClose(CloseWebSocketFrame close) {
    ByteBuf body = close.content();
    closeCode = body.readableBytes() < 2 ? (short) 1000 : body.getShort(body.readerIndex());
    closeReason = body.readableBytes() <= 2 ? null : close.reasonText();
    if (closeSent) {
      chctx.close(); // the client answered ours: the server closes the TCP connection (RFC 6455 §7.1.1)
    } else {
      closeSent = true;
      chctx.writeAndFlush(new CloseWebSocketFrame(closeCode, closeReason)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void message(ByteBuf data) {
    if (data.readableBytes() > maxMessageBytes) {
      context.dispatch(events, Events::handleTooLarge);
    } else {
      context.dispatch(Buffer.buffer(ByteBufUtil.getBytes(data)), events::handleMessage);
    }
  }

  private void appendFragment(ByteBuf data) {
    if (discardingFragments) {
      return;
    }
    if (fragments == null) {
      fragments = Buffer.buffer(Math.min(maxMessageBytes, data.readableBytes() * 2));
    }
    if (fragments.length() + data.readableBytes() > maxMessageBytes) {
      fragments = null;
      discardingFragments = true;
    } else {
      fragments.appendBytes(ByteBufUtil.getBytes(data));
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed();
  }

  private void closed() {
    if (closed) {
      return;
    }
    closed = true;
    if (closingTimeout != null) {
      closingTimeout.cancel(false);
    }
    meters.disconnected();
    if (events != null) {
      context.dispatch(events, Events::handleClosed);
    }
  }

  /**
   * A protocol violation the decoder reports (a frame over the hard cap: 1009, an unmasked or
   * malformed frame: 1002) gets its close frame, then the connection is closed without waiting for
   * the client's (the decoder ignores the rest of its input); an I/O error closes it at once.
   */
  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("connection error {}: {}", remoteAddress, cause.toString());
    if (cause instanceof CorruptedWebSocketFrameException corrupted && !closeSent && ctx.channel().isActive()) {
      closeSent = true;
      ctx.writeAndFlush(new CloseWebSocketFrame(corrupted.closeStatus())).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
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

  /** A close frame with the code, then the client's close (or {@link #CLOSING_TIMEOUT_MS}) closes the connection. */
  @Override
  public void close(CloseCode code) {
    if (closeSent || closed) {
      return;
    }
    closeSent = true;
    chctx.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()));
    closingTimeout = chctx.executor().schedule(() -> {
      chctx.close();
    }, CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /** Closes the channel without a close handshake (which would wait for the backlog to drain). */
  @Override
  public void dropAfter(long graceMs) {
    chctx.executor().schedule(() -> {
      chctx.close();
    }, graceMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public String remoteAddress() {
    return remoteAddress;
  }

  /** The code of the client's close frame (1000 when it had none); null when the client sent none. */
  @Override
  public Short closeCode() {
    return closeCode;
  }

  @Override
  public String closeReason() {
    return closeReason;
  }
}
