package io.pubsubgateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Server-to-client WebSocket text frames as wire bytes, built once per message per event loop.
 * A frame the server sends is not masked, so header and payload are the same bytes for every
 * subscriber: the first socket of a loop that writes a message builds them in one direct buffer,
 * every other socket of the loop writes a retained duplicate of it (Netty's frame encoder would
 * otherwise copy each frame into a fresh buffer per socket, and the channel copy a heap buffer to
 * direct memory per socket).
 *
 * <p>Threading: one cache per event-loop thread; a frame is recognised by the identity of its
 * shared text array, which must not change. Each loop keeps the last message's buffer until the
 * next message (one buffer per loop, whatever the number of sockets).
 */
final class WireFrames {
  /** FIN + opcode 1 (text), RFC 6455 §5.2. */
  private static final int FIN_TEXT = 0x81;
  private static final FastThreadLocal<WireFrames> PER_LOOP = new FastThreadLocal<>() {
    @Override
    protected WireFrames initialValue() {
      return new WireFrames();
    }
  };

  private byte[] text;
  private ByteBuf wire;

  /** A retained duplicate of {@code text}'s wire frame, for one socket of the calling loop to write (and release). */
  static ByteBuf retained(byte[] text, ByteBufAllocator alloc) {
    return PER_LOOP.get().frame(text, alloc).retainedDuplicate();
  }

  private ByteBuf frame(byte[] payload, ByteBufAllocator alloc) {
    if (payload != text) {
      if (wire != null) {
        wire.release();
      }
      wire = encode(payload, alloc);
      text = payload;
    }
    return wire;
  }

  /** The unmasked, unfragmented text frame carrying {@code payload}: its header, then the payload. */
  static ByteBuf encode(byte[] payload, ByteBufAllocator alloc) {
    int length = payload.length;
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf buf = alloc.directBuffer(header + length);
    buf.writeByte(FIN_TEXT);
    if (length < 126) {
      buf.writeByte(length);
    } else if (length <= 0xFFFF) {
      buf.writeByte(126);
      buf.writeShort(length);
    } else {
      buf.writeByte(127);
      buf.writeLong(length);
    }
    return buf.writeBytes(payload);
  }
}
