package io.pubsubgateway.session;

import io.pubsubgateway.history.HistoryStore.Entry;
import io.pubsubgateway.history.HistoryStore.Page;
import io.pubsubgateway.history.HistoryStore.Position;
import io.pubsubgateway.hub.ChannelPublisher;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a recovery is complete: the rule behind {@code "recovered"} in the register ack. */
class ChannelFeaturesTest {

  /** Entries {@code firstRead..lastRead} (none when 0) of a stream at {@code top}; entry o has mid "m{o}". */
  private static Page page(long top, String epoch, long firstRead, long lastRead) {
    List<Entry> entries = new ArrayList<>();
    for (long o = firstRead; o <= lastRead && firstRead > 0; o++) {
      entries.add(new Entry(o, new JsonObject().put(ChannelPublisher.MID_FIELD, "m" + o)));
    }
    return new Page(new Position(top, epoch), entries);
  }

  @ParameterizedTest(name = "since {0}@{1} mid {2}, top {3}@e1, read {4}..{5} -> {6}")
  @CsvSource({
    "10, e1, m10, 15, 10, 15, true",   // the client's message is the stream's, every later one read
    "10, e1,    , 15, 10, 15, true",   // an older client that sends no mid: not checked
    "10, e1, m10, 15, 11, 15, true",   // the client's message left the history, every later one is there
    "15, e1, m15, 15, 15, 15, true",   // nothing missed
    "0,  e1,    , 3,  1,  3,  true",   // from the very start
    "10, e1, x10, 15, 10, 15, false",  // another message at the client's offset: a merge kept the other side's
    "15, e1, x15, 15, 15, 15, false",  // the same, at the top
    "10, e2, m10, 15, 10, 15, false",  // another stream
    "10,   , m10, 15, 10, 15, false",  // no epoch sent
    "10, e1, m10, 15, 13, 15, false",  // 10..12 left the history: 11 and 12 are lost
    "10, e1, m10, 15, 10, 14, false",  // the read stopped short of the top
    "20, e1, m20, 15, 0,  0,  false",  // ahead of the stream: another side's, or it restarted
    "10, e1, m10, 15, 0,  0,  false",  // history empty (expired) though messages were missed
  })
  void recoveredOnlyWhenTheClientsStreamIsTheClustersAndNothingAfterItIsLost(long since, String epoch, String mid,
                                                                            long top, long first, long last,
                                                                            boolean expected) {
    assertEquals(expected, ChannelFeatures.recovered(since, epoch, mid, page(top, "e1", first, last)));
  }
}
