package io.pubsubgateway.hub;

import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.history.HistoryStore.Entry;
import io.pubsubgateway.history.HistoryStore.Page;
import io.pubsubgateway.history.HistoryStore.Position;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The offset order of a history channel on one node, driven by hand: a manual clock for the gap
 * timer and a history store whose answers the test gives.
 */
class StreamSequencerTest {
  private static final String CHANNEL = "room.a";
  private static final ChannelOptions OPTIONS = new ChannelOptions(0, false, false, 100, 60, true);
  private static final long GAP_WAIT = 200;

  private final ManualTimers timers = new ManualTimers();
  private final ScriptedHistory history = new ScriptedHistory();
  private final List<Long> delivered = new ArrayList<>();
  private final List<String> frames = new ArrayList<>();
  private final List<String> resyncs = new ArrayList<>();
  private StreamSequencer sequencer;

  private final StreamSequencer.Sink sink = new StreamSequencer.Sink() {
    @Override
    public void deliver(byte[] frame, long offset, String epoch) {
      delivered.add(offset);
      frames.add(new String(frame));
    }

    @Override
    public void resync(String reason) {
      resyncs.add(reason);
    }
  };

  private StreamSequencer sequencer(int maxPending) {
    return new StreamSequencer(CHANNEL, OPTIONS, history, timers, sink, GAP_WAIT, maxPending);
  }

  /** Starts at {@code top} of {@code epoch}; the top entry's mid is "mid-<top>". */
  private void start(long top, String epoch) {
    history.top = new Position(top, epoch);
    history.entries.put(top, stored(top));
    sequencer = sequencer(100);
    assertTrue(sequencer.start().succeeded());
  }

  private static MultiMap headers(String offset, String epoch) {
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    if (offset != null) {
      h.add(ChannelPublisher.OFFSET, offset);
    }
    if (epoch != null) {
      h.add(ChannelPublisher.EPOCH, epoch);
    }
    return h;
  }

  private void live(long offset, String epoch) {
    MultiMap h = headers(Long.toString(offset), epoch);
    h.add(ChannelPublisher.MID, "mid-" + offset);
    sequencer.offer("m" + offset, h);
  }

  private static Entry stored(long offset) {
    return stored(offset, "mid-" + offset);
  }

  private static Entry stored(long offset, String mid) {
    return new Entry(offset, new JsonObject().put("body", "m" + offset).put(ChannelPublisher.MID_FIELD, mid));
  }

  private static Page page(long top, String epoch, Entry... entries) {
    return new Page(new Position(top, epoch), List.of(entries));
  }

  private static List<Long> range(long fromInclusive, long toInclusive) {
    return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
  }

  @Test
  void messagesInOrderAreDeliveredAtOnce() {
    start(4, "e1");
    live(5, "e1");
    live(6, "e1");
    assertEquals(List.of(5L, 6L), delivered);
    assertEquals(0, timers.pending());
  }

  @Test
  void aMessageAheadWaitsForTheMissingOneThenBothGoInOrder() {
    start(4, "e1");
    live(6, "e1");
    assertEquals(List.of(), delivered);
    live(5, "e1");
    assertEquals(List.of(5L, 6L), delivered);
    assertEquals(0, timers.pending(), "gap timer cancelled once the gap closed");
  }

  @Test
  void duplicatesAndMessagesBeforeThePositionAreDropped() {
    start(4, "e1");
    live(3, "e1");
    live(5, "e1");
    live(5, "e1");
    assertEquals(List.of(5L), delivered);
  }

  @Test
  void messagesArrivingBeforeThePositionIsKnownAreHeldThenDeliveredFromIt() {
    history.top = new Position(4, "e1");
    history.entries.put(4L, stored(4));
    Promise<Position> top = Promise.promise();
    history.nextTop = top;
    sequencer = sequencer(100);
    Future<Void> started = sequencer.start();
    live(6, "e1");
    live(4, "e1");
    live(5, "e1");
    assertEquals(List.of(), delivered);
    top.complete(new Position(4, "e1"));
    assertTrue(started.succeeded());
    assertEquals(List.of(5L, 6L), delivered);
  }

  @Test
  void aGapNotClosedWithinTheWaitIsReadFromTheHistory() {
    start(4, "e1");
    live(8, "e1");
    timers.advance(GAP_WAIT - 1);
    assertEquals(0, history.reads.size());
    timers.advance(1);
    assertEquals(1, history.reads.size());
    assertEquals("read 5 x3", history.reads.peekFirst().describe());
    history.reads.pollFirst().promise.complete(new Page(new Position(8, "e1"), List.of(stored(5), stored(6), stored(7))));
    assertEquals(range(5, 8), delivered);
    assertTrue(frames.get(0).contains("\"offset\":\"5\"") && frames.get(0).contains("\"epoch\":\"e1\""), frames.get(0));
  }

  @Test
  void aFailedHistoryReadIsRetriedAndNeverSkipsTheGap() {
    start(4, "e1");
    live(7, "e1");
    timers.advance(GAP_WAIT);
    history.reads.pollFirst().promise.fail(new IllegalStateException("partition migrating"));
    assertEquals(List.of(), delivered, "nothing delivered past a gap whose read failed");
    // retried after a backoff
    timers.advance(10_000);
    assertEquals(1, history.reads.size(), "the read is retried");
    history.reads.pollFirst().promise.complete(new Page(new Position(7, "e1"), List.of(stored(5), stored(6))));
    assertEquals(range(5, 7), delivered);
  }

  @Test
  void aMessageWithANonNumericOffsetIsDeliveredNotDropped() {
    start(4, "e1");
    sequencer.offer("odd", headers("seven", "e1"));
    live(5, "e1");
    assertEquals(2, delivered.size(), "both delivered: " + frames);
    assertTrue(frames.get(0).contains("\"odd\""), frames.toString());
  }

  @Test
  void aStaleEpochOnSomeMessagesDoesNotThrowAwayTheHeldOnes() {
    start(4, "e2");
    history.currentEpoch = "e2";
    live(6, "e2");                 // waits for 5
    live(3, "e1");                 // labelled with a stale epoch by a node that never refreshed it
    live(5, "e2");
    assertEquals(List.of(5L, 6L), delivered);
    assertEquals(List.of(), resyncs);
  }

  @Test
  void offsetsProvenGoneFromTheHistoryResyncTheSubscribersInsteadOfBeingSkipped() {
    start(4, "e1");
    live(9, "e1");
    timers.advance(GAP_WAIT);
    // the read succeeds and shows the history starts at 7: 5 and 6 left it (size or ttl)
    history.reads.pollFirst().promise.complete(page(9, "e1", stored(7), stored(8)));
    assertEquals(List.of(), delivered, "nothing delivered across a gap");
    assertEquals(List.of("offsets 5..6 are no longer in the history"), resyncs);
    live(10, "e1");
    assertEquals(List.of(), delivered, "a resynced sequencer delivers nothing more");
    assertTrue(sequencer.stopped());
  }

  @Test
  void anotherMessageAtAnOffsetAlreadyDeliveredResyncs() {
    start(4, "e1");
    live(5, "e1");
    live(6, "e1");
    live(5, "e1");                       // the same message again: a plain duplicate
    assertEquals(List.of(), resyncs);
    MultiMap other = headers("5", "e1");
    other.add(ChannelPublisher.MID, "someone-else");
    sequencer.offer("x", other);         // offset 5 reused: the stream lost what this node delivered there
    assertEquals(List.of("the stream holds another message at offset 5 than the one this node delivered (the stream "
      + "lost acknowledged messages)"), resyncs);
    assertEquals(List.of(5L, 6L), delivered);
  }

  @Test
  void aMessageOfTheStreamsNewEpochResyncsTheSubscribers() {
    start(4, "e1");
    live(5, "e1");
    history.currentEpoch = "e2";  // the stream was lost and restarted
    live(1, "e2");
    assertEquals(List.of(5L), delivered);
    assertEquals(List.of("the stream's epoch changed from e1 to e2 (its history was lost)"), resyncs);
  }

  @Test
  void aGapFillThatFindsANewEpochResyncs() {
    start(4, "e1");
    live(7, "e1");
    timers.advance(GAP_WAIT);
    history.reads.pollFirst().promise.complete(page(3, "e9", stored(1), stored(2), stored(3)));
    assertEquals(List.of(), delivered);
    assertEquals(1, resyncs.size());
  }

  @Test
  void tooManyMessagesBehindAGapResync() {
    history.top = new Position(0, "e1");
    sequencer = sequencer(3);
    sequencer.start();
    live(2, "e1");
    live(3, "e1");
    live(4, "e1");
    assertEquals(List.of(), resyncs);
    live(5, "e1");
    assertEquals(List.of("more than 3 messages wait behind offset 1"), resyncs);
  }

  @Test
  void readsThatNeitherFillNorProveTheGapAreRetriedThenGivenUp() {
    start(4, "e1");
    live(6, "e1");
    timers.advance(GAP_WAIT);
    for (int i = 0; i < StreamSequencer.MAX_INCONCLUSIVE_READS; i++) {
      history.reads.pollFirst().promise.complete(page(4, "e1"));  // the stream (still) ends at 4
      assertEquals(List.of(), resyncs, "attempt " + i);
      timers.advance(StreamSequencer.MAX_RETRY_DELAY_MS);
    }
    history.reads.pollFirst().promise.complete(page(4, "e1"));
    assertEquals(List.of("offsets 5..5 could not be read from the history (the stream ends at 4)"), resyncs);
    assertEquals(List.of(), delivered);
  }

  @Test
  void withoutGapWaitTheGapIsReadAtOnceAndAFailedReadStillBacksOff() {
    history.top = new Position(4, "e1");
    history.entries.put(4L, stored(4));
    sequencer = new StreamSequencer(CHANNEL, OPTIONS, history, timers, sink, 0, 100);
    assertTrue(sequencer.start().succeeded());
    live(6, "e1");
    timers.advance(0);
    assertEquals(1, history.reads.size(), "read without waiting");
    history.reads.pollFirst().promise.fail(new IllegalStateException("partition migrating"));
    timers.advance(StreamSequencer.RETRY_BASE_MS);
    assertEquals(0, history.reads.size(), "a failed read is not retried sooner than the retry base allows");
    timers.advance(StreamSequencer.MAX_RETRY_DELAY_MS);
    assertEquals(1, history.reads.size(), "the read is retried");
    history.reads.pollFirst().promise.complete(page(6, "e1", stored(5)));
    assertEquals(List.of(5L, 6L), delivered);
    assertEquals(List.of(), resyncs);
  }

  @Test
  void aRepositionDeliversWhatTheStreamGotWhileThisNodeWasCutOff() {
    start(4, "e1");
    live(5, "e1");
    sequencer.reposition();
    timers.advance(0);
    ScriptedHistory.Read read = history.reads.pollFirst();
    assertEquals("read 5 x101", read.describe(), "from the last delivered offset, to check it");
    read.promise.complete(page(8, "e1", stored(5), stored(6), stored(7), stored(8)));
    live(9, "e1");
    assertEquals(range(5, 9), delivered);
    assertEquals(List.of(), resyncs);
  }

  @Test
  void aRepositionThatFindsAnotherMessageAtTheLastDeliveredOffsetResyncs() {
    start(4, "e1");
    live(5, "e1");
    live(6, "e1");                     // delivered on this side of a split
    sequencer.reposition();
    timers.advance(0);
    // after the merge the stream holds the other side's 6 and 7
    history.reads.pollFirst().promise.complete(page(7, "e1", stored(6, "other-6"), stored(7, "other-7")));
    assertEquals(List.of(5L, 6L), delivered);
    assertEquals(List.of("the message at offset 6 is not the one this node delivered (a merge kept another side's "
      + "stream)"), resyncs);
  }

  @Test
  void aRepositionThatFindsTheStreamShorterThanWhatWasDeliveredResyncs() {
    start(4, "e1");
    live(5, "e1");
    live(6, "e1");
    sequencer.reposition();
    timers.advance(0);
    history.reads.pollFirst().promise.complete(page(5, "e1", stored(5)));
    assertEquals(List.of("the stream ends at offset 5 but this node delivered up to 6 (a merge kept another side's "
      + "stream)"), resyncs);
  }

  @Test
  void aRepositionRightAfterTheStartChecksTheTopEntryItStartedFrom() {
    history.top = new Position(4, "e1");
    history.entries.put(4L, stored(4, "mine-4"));
    sequencer = sequencer(100);
    sequencer.start();
    sequencer.reposition();
    timers.advance(0);
    history.reads.pollFirst().promise.complete(page(4, "e1", stored(4, "theirs-4")));
    assertEquals(1, resyncs.size(), resyncs.toString());
  }

  @Test
  void liveMessagesDeliveredWhileARepositionReadIsInFlightAreNotMistakenForAFork() {
    start(4, "e1");
    live(5, "e1");
    sequencer.reposition();
    timers.advance(0);
    live(6, "e1");                       // delivered after the read was sent
    history.reads.pollFirst().promise.complete(page(5, "e1", stored(5)));  // the stream as it was then
    assertEquals(List.of(), resyncs);
    assertEquals(List.of(5L, 6L), delivered);
  }

  @Test
  void aFailedRepositionReadIsRetried() {
    start(4, "e1");
    live(5, "e1");
    sequencer.reposition();
    timers.advance(0);
    history.reads.pollFirst().promise.fail(new IllegalStateException("no quorum"));
    timers.advance(StreamSequencer.MAX_RETRY_DELAY_MS);
    history.reads.pollFirst().promise.complete(page(6, "e1", stored(5), stored(6)));
    assertEquals(List.of(5L, 6L), delivered);
    assertEquals(List.of(), resyncs);
  }

  @Test
  void aClosedSequencerIgnoresLateAnswersAndMessages() {
    start(4, "e1");
    live(6, "e1");
    timers.advance(GAP_WAIT);
    sequencer.close();
    history.reads.pollFirst().promise.complete(page(6, "e1", stored(5), stored(6)));
    live(7, "e1");
    assertEquals(List.of(), delivered);
    assertEquals(0, timers.pending());
  }

  /** Timers advanced by hand. */
  static final class ManualTimers implements StreamSequencer.Timers {
    private final TreeMap<Long, Runnable> byDue = new TreeMap<>();
    private final java.util.Map<Long, Long> dueById = new java.util.HashMap<>();
    private long now;
    private long ids;

    @Override
    public long schedule(long delayMs, Runnable task) {
      long id = ++ids;
      long due = (now + delayMs) * 1_000_000 + id; // unique, ordered by due time then id
      byDue.put(due, task);
      dueById.put(id, due);
      return id;
    }

    @Override
    public void cancel(long id) {
      Long due = dueById.remove(id);
      if (due != null) {
        byDue.remove(due);
      }
    }

    void advance(long ms) {
      long until = now + ms;
      while (!byDue.isEmpty() && byDue.firstKey() / 1_000_000 <= until) {
        var first = byDue.pollFirstEntry();
        now = first.getKey() / 1_000_000;
        dueById.values().remove(first.getKey());
        first.getValue().run();
      }
      now = until;
    }

    int pending() {
      return byDue.size();
    }
  }

  /** A history store whose reads the test answers. */
  static final class ScriptedHistory implements HistoryStore {
    record Read(long from, int limit, Promise<Page> promise) {
      String describe() {
        return "read " + from + " x" + limit;
      }
    }

    Position top;
    Promise<Position> nextTop;
    String currentEpoch;
    /** Entries answered at once to one-entry reads (the start's read of the top entry). */
    final java.util.Map<Long, Entry> entries = new java.util.HashMap<>();
    final Deque<Read> reads = new ArrayDeque<>();

    @Override
    public Future<Position> append(String channel, ChannelOptions options, JsonObject message) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<Position> top(String channel, ChannelOptions options) {
      if (nextTop != null) {
        Promise<Position> p = nextTop;
        nextTop = null;
        return p.future();
      }
      Position t = currentEpoch == null ? top : new Position(top.offset(), currentEpoch);
      return Future.succeededFuture(t);
    }

    @Override
    public void retain(String channel, ChannelOptions options) {
    }

    @Override
    public void release(String channel) {
    }

    @Override
    public java.util.Map<String, Integer> localSizes() {
      return java.util.Map.of();
    }

    @Override
    public Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit) {
      if (limit == 1 && entries.containsKey(fromOffset)) {
        return Future.succeededFuture(new Page(top, List.of(entries.get(fromOffset))));
      }
      Read r = new Read(fromOffset, limit, Promise.promise());
      reads.add(r);
      return r.promise.future();
    }
  }
}
