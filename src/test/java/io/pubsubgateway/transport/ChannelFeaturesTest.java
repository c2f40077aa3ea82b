package io.pubsubgateway.transport;

import io.pubsubgateway.history.HistoryStore.Entry;
import io.pubsubgateway.history.HistoryStore.Page;
import io.pubsubgateway.history.HistoryStore.Position;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a recovery is complete: the rule behind {@code "recovered"} in the register ack. */
class ChannelFeaturesTest {

  private static Page page(long top, String epoch, long firstRead, long lastRead) {
    List<Entry> entries = new ArrayList<>();
    for (long o = firstRead; o <= lastRead && firstRead > 0; o++) {
      entries.add(new Entry(o, new JsonObject()));
    }
    return new Page(new Position(top, epoch), entries);
  }

  @ParameterizedTest(name = "since {0}@{1}, top {2}@e1, read {3}..{4} -> {5}")
  @CsvSource({
    "10, e1, 15, 11, 15, true",   // every missed message read
    "15, e1, 15, 0, 0, true",     // nothing missed
    "10, e2, 15, 11, 15, false",  // another stream
    "10, , 15, 11, 15, false",    // no epoch sent
    "10, e1, 15, 13, 15, false",  // 11 and 12 left the history
    "10, e1, 15, 11, 14, false",  // the read stopped short of the top
    "20, e1, 15, 0, 0, false",    // ahead of the stream: it restarted
    "10, e1, 15, 0, 0, false",    // history empty (expired) though messages were missed
  })
  void recoveredOnlyWhenNothingBetweenTheClientsOffsetAndTheTopIsLost(long since, String epoch, long top, long first,
                                                                     long last, boolean expected) {
    assertEquals(expected, ChannelFeatures.recovered(since, epoch, page(top, "e1", first, last)));
  }
}
