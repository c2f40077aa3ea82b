package io.pubsubgateway.session;

import io.pubsubgateway.protocol.CloseCode;
import io.vertx.core.buffer.Buffer;

/**
 * The connection under a {@link Session}, the one thing of the transport a session writes to: a raw
 * WebSocket or a SockJS session (the transport package's {@code WebSocketClientSocket} and
 * {@code SockJsClientSocket}). Hides framing, writing and closing; the session sees whole text
 * messages.
 *
 * <p>Threading: the connection's event loop only.
 */
public interface ClientSocket {

  /** What the socket reports to its session. */
  interface Events {
    /** A complete text message (a protocol frame) of at most limits.maxFrameBytes. */
    void handleMessage(Buffer message);

    /** A message over limits.maxFrameBytes was discarded (the socket stays open). */
    void handleTooLarge();

    /** Data the protocol does not carry (binary frames): the session closes with 1003. */
    void handleUnsupported();

    /** The connection closed, whoever closed it. */
    void handleClosed();
  }

  void start(Events events);

  /** Queues a text frame; the array may be shared by many sockets and must not change. */
  void write(byte[] frame);

  /**
   * Sends what {@link #write} queued (once per event-loop turn). Returns false when the client does
   * not keep up: more than limits.outboundQueueBytes remain unsent.
   */
  boolean flush();

  /** Closes with {@code code} (a close frame where the transport has one). */
  void close(CloseCode code);

  /** Drops the connection after {@code graceMs} (0: at once) without waiting for the client (slow consumer). */
  void dropAfter(long graceMs);

  String remoteAddress();

  /** The close code received or sent, when the transport knows it; else null. */
  Short closeCode();

  String closeReason();
}
