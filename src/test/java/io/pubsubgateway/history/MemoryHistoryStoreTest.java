package io.pubsubgateway.history;

import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.history.HistoryStore.Entry;
import io.pubsubgateway.history.HistoryStore.Page;
import io.pubsubgateway.history.HistoryStore.Position;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryHistoryStoreTest {
  private static final ChannelOptions THREE_FOR_A_MINUTE = new ChannelOptions(0, false, false, 3, 60, true);
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final MemoryHistoryStore store = new MemoryHistoryStore(now::get);

  private static JsonObject msg(int n) {
    return new JsonObject().put("body", n);
  }

  private Page read(String channel, long from, int limit) {
    return store.read(channel, THREE_FOR_A_MINUTE, from, limit).result();
  }

  private static List<Long> offsets(Page page) {
    return page.entries().stream().map(Entry::offset).toList();
  }

  @Test
  void offsetsStartAtOneAndIncreasePerChannelUnderOneEpoch() {
    assertEquals(0, store.top("a", THREE_FOR_A_MINUTE).result().offset());
    Position first = store.append("a", THREE_FOR_A_MINUTE, msg(1)).result();
    Position second = store.append("a", THREE_FOR_A_MINUTE, msg(2)).result();
    Position other = store.append("b", THREE_FOR_A_MINUTE, msg(1)).result();
    assertEquals(1, first.offset());
    assertEquals(2, second.offset());
    assertEquals(first.epoch(), second.epoch());
    assertEquals(1, other.offset());
    assertNotEquals(first.epoch(), other.epoch(), "each stream has its own epoch");
    assertEquals(second, store.top("a", THREE_FOR_A_MINUTE).result());
  }

  @Test
  void keepsTheLastSizeMessagesReadFromAnOffsetWithALimit() {
    for (int i = 1; i <= 5; i++) {
      store.append("a", THREE_FOR_A_MINUTE, msg(i));
    }
    assertEquals(List.of(3L, 4L, 5L), offsets(read("a", 1, 10)), "the oldest two were dropped");
    assertEquals(List.of(4L, 5L), offsets(read("a", 4, 10)));
    assertEquals(List.of(3L, 4L), offsets(read("a", 1, 2)));
    assertEquals(List.of(), offsets(read("a", 6, 10)));
    assertEquals(5, read("a", 6, 10).top().offset());
    assertEquals(msg(4), read("a", 4, 1).entries().get(0).message());
  }

  @Test
  void messagesExpireAfterTheTtlWhileOffsetsGoOn() {
    store.retain("a", THREE_FOR_A_MINUTE); // subscribed: the stream outlives its messages
    store.append("a", THREE_FOR_A_MINUTE, msg(1));
    now.addAndGet(30_000);
    store.append("a", THREE_FOR_A_MINUTE, msg(2));
    now.addAndGet(30_001);
    assertEquals(List.of(2L), offsets(read("a", 1, 10)));
    now.addAndGet(60_000);
    assertEquals(List.of(), offsets(read("a", 1, 10)));
    assertEquals(3, store.append("a", THREE_FOR_A_MINUTE, msg(3)).result().offset());
  }

  /** ttl 60 s: an unused stream lives ttl + grace = 60 + 16 = 76 s. */
  private static final long IDLE_MS = StreamExpiry.idleSeconds(60) * 1000L;

  @ParameterizedTest(name = "ttl {0}s: grace {1}s, unused streams live {2}s, touched every {3} ms")
  @CsvSource({"1, 2, 3, 250", "2, 2, 4, 500", "60, 16, 76, 15000", "300, 76, 376, 75000", "86400, 21601, 108001, 21600000"})
  void theGraceIsAQuarterOfTheTtlRoundedUpPlusOneSecond(int ttl, int grace, int idle, long touchMs) {
    assertEquals(grace, StreamExpiry.graceSeconds(ttl));
    assertEquals(idle, StreamExpiry.idleSeconds(ttl));
    assertEquals(touchMs, StreamExpiry.touchIntervalMs(ttl));
    assertTrue(StreamExpiry.idleSeconds(ttl) * 1000L - 1000 >= ttl * 1000L + StreamExpiry.touchIntervalMs(ttl),
      "an append right before a touch is due still has its full ttl, less Hazelcast's 1 s rounding");
  }

  @Test
  void anUnretainedIdleStreamIsGoneAfterTtlPlusGraceAndTheNextUseStartsANewEpochAtOne() {
    Position first = store.append("a", THREE_FOR_A_MINUTE, msg(1)).result();
    store.append("a", THREE_FOR_A_MINUTE, msg(2));
    now.addAndGet(IDLE_MS - 1);
    assertEquals(0, store.sweep(), "not yet");
    assertEquals(1, store.localSizes().get("streams"));
    now.addAndGet(1);
    assertEquals(1, store.sweep());
    assertEquals(0, store.localSizes().get("streams"));
    Position top = store.top("a", THREE_FOR_A_MINUTE).result();
    assertEquals(0, top.offset());
    assertNotEquals(first.epoch(), top.epoch(), "a new stream");
    assertEquals(new Position(1, top.epoch()), store.append("a", THREE_FOR_A_MINUTE, msg(3)).result());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "retained, true, false, true",
    "appended to before ttl + grace, false, true, true",
    "neither, false, false, false"})
  void aStreamStaysWhileRetainedOrAppendedTo(String name, boolean retained, boolean appended, boolean stays) {
    String epoch = store.top("a", THREE_FOR_A_MINUTE).result().epoch();
    if (retained) {
      store.retain("a", THREE_FOR_A_MINUTE);
    }
    for (int i = 0; i < 5; i++) {
      now.addAndGet(IDLE_MS / 2);
      if (appended) {
        store.append("a", THREE_FOR_A_MINUTE, msg(i));
      }
      store.sweep();
    }
    assertEquals(stays, epoch.equals(store.top("a", THREE_FOR_A_MINUTE).result().epoch()), name);
  }

  @Test
  void aReleasedStreamLivesTtlPlusGraceFromItsRelease() {
    String epoch = store.top("a", THREE_FOR_A_MINUTE).result().epoch();
    store.retain("a", THREE_FOR_A_MINUTE);
    store.retain("a", THREE_FOR_A_MINUTE);
    now.addAndGet(10 * IDLE_MS);
    store.release("a");
    assertEquals(0, store.sweep(), "still retained once");
    store.release("a");
    now.addAndGet(IDLE_MS - 1);
    assertEquals(0, store.sweep());
    assertEquals(epoch, store.top("a", THREE_FOR_A_MINUTE).result().epoch());
    now.addAndGet(1);
    assertEquals(1, store.sweep());
  }

  @Test
  void topOfAnExpiredStreamNotYetSweptGivesANewEpoch() {
    String epoch = store.append("a", THREE_FOR_A_MINUTE, msg(1)).result().epoch();
    now.addAndGet(IDLE_MS);
    Position top = store.top("a", THREE_FOR_A_MINUTE).result();
    assertEquals(0, top.offset());
    assertNotEquals(epoch, top.epoch());
  }

  @Test
  void callsSweepAtMostOnceASecond() {
    for (int i = 0; i < 100; i++) {
      store.top("c" + i, THREE_FOR_A_MINUTE);
    }
    now.addAndGet(IDLE_MS);
    store.top("fresh", THREE_FOR_A_MINUTE); // more than a second since the store was made: sweeps
    assertEquals(1, store.localSizes().get("streams"));
    for (int i = 0; i < 100; i++) {
      store.top("d" + i, THREE_FOR_A_MINUTE);
    }
    now.addAndGet(IDLE_MS);
    store.top("a", THREE_FOR_A_MINUTE);
    assertEquals(1, store.localSizes().get("streams"), "the 101 idle ones swept on the way");
    now.addAndGet(MemoryHistoryStore.SWEEP_EVERY_MS - 1);
    store.top("b", THREE_FOR_A_MINUTE);
    assertEquals(2, store.localSizes().get("streams"));
  }

  @Test
  void keepsTheMessageAsGiven() {
    JsonObject message = new JsonObject().put("body", new JsonObject().put("x", 1)).put("headers",
      new JsonObject().put("k", "v")).put("mid", "m-1").put("unknown", true);
    store.append("a", THREE_FOR_A_MINUTE, message);
    assertEquals(List.of(new Entry(1, message)), read("a", 1, 10).entries());
  }
}
