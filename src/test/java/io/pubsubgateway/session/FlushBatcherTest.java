package io.pubsubgateway.session;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop's flush batcher with real sessions on a real event loop, over sockets that log what is
 * done to them: a socket written during a turn is flushed once, after the turn's writes, whatever
 * the number of frames; a socket nothing was written to is never flushed; a closing session is
 * flushed like the others and not closed again.
 */
class FlushBatcherTest {
  private static final LimitsConfig LIMITS = new LimitsConfig(65536, 100, 0, 0, 0, 1 << 20, 200);

  private final Vertx vertx = Vertx.vertx();
  private final Context context = ((VertxInternal) vertx).createEventLoopContext();
  private final GatewayMetrics metrics = GatewayMetrics.disabled();
  private final SessionServices services;
  /** What every socket was asked to do, in order: "write a f1", "flush a", "close a 4003", ... */
  private final List<String> log = new ArrayList<>();
  /** Socket calls made off the loop (must stay empty). */
  private final List<String> offLoop = new ArrayList<>();

  FlushBatcherTest() {
    services = MemorySessionServices.of(vertx, context, metrics, LIMITS, null);
  }

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  /** Runs {@code turn} as one task on the loop and returns its result (bounded wait). */
  private <T> T turn(Supplier<T> turn) {
    return Await.on(context, turn);
  }

  private void turn(Runnable turn) {
    turn(() -> {
      turn.run();
      return null;
    });
  }

  /**
   * The log once the loop ran everything queued so far: a task queued from here runs behind the
   * flush that the previous turns queued.
   */
  private List<String> logAfterTheLoopRan() {
    return turn(() -> {
      assertEquals(List.of(), offLoop);
      return List.copyOf(log);
    });
  }

  private Session session(RecordingSocket socket) {
    return turn(() -> {
      Session s = new Session(socket, Principal.ANONYMOUS, services, () -> log.add("closed " + socket.name));
      s.start();
      return s;
    });
  }

  private static byte[] frame(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aBurstOfFramesToOneSocketIsFlushedOnceAfterTheTurn() {
    RecordingSocket a = new RecordingSocket("a");
    Session sa = session(a);
    List<String> duringTheTurn = turn(() -> {
      for (int i = 1; i <= 5; i++) {
        assertTrue(sa.send(frame("f" + i)));
      }
      return List.copyOf(log);
    });
    assertEquals(List.of("write a f1", "write a f2", "write a f3", "write a f4", "write a f5"), duringTheTurn,
      "nothing flushed while the turn runs");
    assertEquals(List.of("write a f1", "write a f2", "write a f3", "write a f4", "write a f5", "flush a"),
      logAfterTheLoopRan());
  }

  @Test
  void everySocketWrittenInATurnIsFlushedOnceInOneBatchAndAnUnwrittenOneNever() {
    RecordingSocket a = new RecordingSocket("a");
    RecordingSocket b = new RecordingSocket("b");
    RecordingSocket c = new RecordingSocket("c");
    RecordingSocket idle = new RecordingSocket("idle");
    Session sa = session(a);
    Session sb = session(b);
    Session sc = session(c);
    session(idle);
    turn(() -> {
      sb.send(frame("1"));
      sa.send(frame("2"));
      sb.send(frame("3"));
      sc.send(frame("4"));
      sa.send(frame("5"));
    });
    assertEquals(List.of("write b 1", "write a 2", "write b 3", "write c 4", "write a 5",
      "flush b", "flush a", "flush c"), logAfterTheLoopRan());
  }

  @Test
  void nothingWrittenNothingFlushed() {
    Session sa = session(new RecordingSocket("a"));
    turn(() -> { });
    turn(() -> { });
    assertEquals(List.of(), logAfterTheLoopRan());
    turn(sa::flush); // the socket does log flushes: the empty log above is the batcher's doing
    assertEquals(List.of("flush a"), logAfterTheLoopRan());
  }

  @Test
  void turnsQueuedBeforeTheFlushShareItAndATurnAfterItGetsItsOwn() {
    RecordingSocket a = new RecordingSocket("a");
    Session sa = session(a);
    Promise<Void> thirdRan = Promise.promise();
    turn(() -> {
      // two turns queued now run before the flush the first of them queues; a third is queued behind it
      context.runOnContext(v -> sa.send(frame("f1")));
      context.runOnContext(v -> {
        sa.send(frame("f2"));
        context.runOnContext(w -> {
          sa.send(frame("f3"));
          thirdRan.complete();
        });
      });
    });
    Await.result(thirdRan.future());
    assertEquals(List.of("write a f1", "write a f2", "flush a", "write a f3", "flush a"), logAfterTheLoopRan());
  }

  @Test
  void aSessionClosedAfterItsWritesIsFlushedOnceAndNotClosedAgainEvenIfItsSocketRefusesMore() {
    RecordingSocket a = new RecordingSocket("a");
    RecordingSocket b = new RecordingSocket("b");
    Session sa = session(a);
    Session sb = session(b);
    turn(() -> {
      sa.send(frame("f1"));
      sb.send(frame("g1"));
      sa.close(CloseCode.GOING_AWAY);
      a.writable = false; // a socket being closed reports its queue as it likes: no slow-consumer close follows
      assertFalse(sa.send(frame("f2")), "a closing session takes no frame");
    });
    assertEquals(List.of("write a f1", "write b g1", "close a 1001", "flush a", "flush b"), logAfterTheLoopRan());
    turn(() -> assertFalse(sa.send(frame("f3"))));
    assertEquals(List.of("write a f1", "write b g1", "close a 1001", "flush a", "flush b"), logAfterTheLoopRan(),
      "no write and no flush after the close");
  }

  @Test
  void aSessionWhoseClientLeftAfterItsWritesIsFlushedOnceAndOthersStillAre() {
    RecordingSocket a = new RecordingSocket("a");
    RecordingSocket b = new RecordingSocket("b");
    Session sa = session(a);
    Session sb = session(b);
    turn(() -> {
      sa.send(frame("f1"));
      sb.send(frame("g1"));
      sa.handleClosed(); // the connection dropped between the write and the flush
      sb.send(frame("g2"));
    });
    assertEquals(List.of("write a f1", "write b g1", "closed a", "write b g2", "flush a", "flush b"),
      logAfterTheLoopRan());
  }

  @Test
  void aSocketThatDoesNotKeepUpIsClosedWithSlowConsumerAtItsFlush() {
    RecordingSocket a = new RecordingSocket("a");
    RecordingSocket b = new RecordingSocket("b");
    Session sa = session(a);
    Session sb = session(b);
    a.writable = false;
    turn(() -> {
      sa.send(frame("f1"));
      sb.send(frame("g1"));
    });
    assertEquals(List.of("write a f1", "write b g1", "flush a", "close a 4003", "drop a after 5000", "flush b"),
      logAfterTheLoopRan());
    turn(() -> assertFalse(sa.send(frame("f2"))));
    assertEquals(6, logAfterTheLoopRan().size(), "nothing more for the slow consumer");
  }

  /** A socket that logs each call; {@link #writable} is what its flush reports. */
  private final class RecordingSocket implements ClientSocket {
    final String name;
    volatile boolean writable = true;

    RecordingSocket(String name) {
      this.name = name;
    }

    private void record(String what) {
      if (Vertx.currentContext() != context) {
        offLoop.add(what);
      }
      log.add(what);
    }

    @Override
    public void start(Events events) {
    }

    @Override
    public void write(byte[] frame) {
      record("write " + name + " " + new String(frame, StandardCharsets.UTF_8));
    }

    @Override
    public boolean flush() {
      record("flush " + name);
      return writable;
    }

    @Override
    public void close(CloseCode code) {
      record("close " + name + " " + code.code());
    }

    @Override
    public void dropAfter(long graceMs) {
      record("drop " + name + " after " + graceMs);
    }

    @Override
    public String remoteAddress() {
      return "test:" + name;
    }

    @Override
    public Short closeCode() {
      return null;
    }

    @Override
    public String closeReason() {
      return null;
    }
  }
}
