package io.pubsubgateway.history;

import io.pubsubgateway.config.ChannelOptions;
import io.pubsubgateway.history.HistoryStore.Entry;
import io.pubsubgateway.history.HistoryStore.Page;
import io.pubsubgateway.history.HistoryStore.Position;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
    store.append("a", THREE_FOR_A_MINUTE, msg(1));
    now.addAndGet(30_000);
    store.append("a", THREE_FOR_A_MINUTE, msg(2));
    now.addAndGet(30_001);
    assertEquals(List.of(2L), offsets(read("a", 1, 10)));
    now.addAndGet(60_000);
    assertEquals(List.of(), offsets(read("a", 1, 10)));
    assertEquals(3, store.append("a", THREE_FOR_A_MINUTE, msg(3)).result().offset());
  }
}
