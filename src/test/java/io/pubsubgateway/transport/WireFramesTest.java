package io.pubsubgateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireFramesTest {
  /** Unpooled: a released buffer object is not recycled for the next frame, so identities below mean something. */
  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(true);

  private static byte[] text(int length) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) 'x');
    return b;
  }

  /** What Netty's server-side encoder (unmasked) writes for the same text frame, all its buffers joined. */
  private static byte[] netty(byte[] payload) {
    EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    channel.writeOutbound(new TextWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    ByteBuf all = Unpooled.buffer();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      all.writeBytes(b);
      b.release();
    }
    channel.finishAndReleaseAll();
    return ByteBufUtil.getBytes(all);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 125, 126, 1000, 1024, 1025, 65535, 65536, 100_000})
  void theWireFrameIsWhatNettysEncoderWrites(int length) {
    byte[] payload = text(length);
    ByteBuf wire = WireFrames.encode(payload, ALLOC);
    try {
      assertTrue(wire.isDirect());
      assertArrayEquals(netty(payload), ByteBufUtil.getBytes(wire));
    } finally {
      wire.release();
    }
  }

  @Test
  void socketsOfOneLoopShareOneBufferPerMessageAndTheLastMessagesBufferIsReleasedByTheNext() {
    byte[] m1 = text(200);
    byte[] m2 = text(200);
    ByteBuf a = WireFrames.retained(m1, ALLOC);
    ByteBuf b = WireFrames.retained(m1, ALLOC);
    ByteBuf shared = a.unwrap();
    assertSame(shared, b.unwrap(), "the second socket writes the same buffer");
    assertEquals(3, shared.refCnt(), "the loop's reference and one per socket");
    a.release();
    b.release();
    assertEquals(1, shared.refCnt(), "the loop keeps the last message's frame");

    ByteBuf c = WireFrames.retained(m2, ALLOC);
    assertNotSame(shared, c.unwrap(), "another message (another array, same bytes) gets its own frame");
    assertEquals(0, shared.refCnt(), "the previous message's frame is released");
    assertArrayEquals(netty(m2), ByteBufUtil.getBytes(c));
    c.release();
  }
}
