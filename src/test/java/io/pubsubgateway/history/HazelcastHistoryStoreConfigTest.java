package io.pubsubgateway.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.RingbufferConfig;
import io.pubsubgateway.config.GatewayConfig;
import io.pubsubgateway.testing.TestConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The Hazelcast configuration the store adds: one wildcard ringbuffer config per namespace with history. */
class HazelcastHistoryStoreConfigTest {
  private static final Config HZ = configured();

  /** Rules 0..11; rule 1 keeps 11 messages for 60 s, rule 10 keeps 1010 for 120 s, the others no history. */
  private static Config configured() {
    JsonArray rules = new JsonArray();
    for (int i = 0; i < 12; i++) {
      JsonObject rule = TestConfig.rule("ns" + i + ".*", "token", "token");
      if (i == 1) {
        rule.put("history", new JsonObject().put("size", 11).put("ttl", "60s"));
      } else if (i == 10) {
        rule.put("history", new JsonObject().put("size", 1010).put("ttl", "120s"));
      }
      rules.add(rule);
    }
    GatewayConfig config = TestConfig.config(null, rules);
    Config hz = new Config();
    HazelcastHistoryStore.configure(hz, config.channels());
    return hz;
  }

  @ParameterizedTest(name = "{0} -> capacity {1}")
  @CsvSource({
    "__pubsub.h.1.0a1b2c3d@ns1.room, 11",
    "__pubsub.h.1.0a1b2c3d@ns1.a@b.c, 11",
    "__pubsub.h.10.0a1b2c3d@ns10.room, 1010",
    "__pubsub.h.10.ffffffff@ns1.room, 1010",
    "__pubsub.h.100.0a1b2c3d@x, 10000",
    "__pubsub.h.0.0a1b2c3d@ns0.room, 10000"})
  void eachNamespaceMatchesItsOwnWildcardOnlyAndNamespace1DoesNotMatch10(String name, int capacity) {
    RingbufferConfig rb = HZ.findRingbufferConfig(name);
    assertEquals(capacity, rb.getCapacity(), "10000 is Hazelcast's default: no namespace config matched");
  }

  @Test
  void theTtlAndOneSynchronousBackupComeFromTheRule() {
    RingbufferConfig rb = HZ.findRingbufferConfig("__pubsub.h.10.0a1b2c3d@ns10.room");
    assertEquals(120, rb.getTimeToLiveSeconds());
    assertEquals(1, rb.getBackupCount());
    assertEquals(0, rb.getAsyncBackupCount());
  }

  @Test
  void hazelcastsExpiryScanVisitsEveryPartitionEverySecond() {
    assertEquals("1", HZ.getProperty(HazelcastHistoryStore.EXPIRATION_TASK_PERIOD));
    assertEquals("271", HZ.getProperty(HazelcastHistoryStore.EXPIRATION_OPERATION_COUNT));
    Config own = new Config().setProperty(HazelcastHistoryStore.EXPIRATION_TASK_PERIOD, "3");
    HazelcastHistoryStore.configure(own, java.util.List.of());
    assertEquals("3", own.getProperty(HazelcastHistoryStore.EXPIRATION_TASK_PERIOD), "the operator's value is kept");
  }
}
