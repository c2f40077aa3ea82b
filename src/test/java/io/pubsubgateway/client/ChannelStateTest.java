package io.pubsubgateway.client;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelStateTest {
  private static GatewayMessage rec(long offset, String epoch) {
    return new GatewayMessage("c", offset, Map.of("offset", Long.toString(offset), "epoch", epoch));
  }

  private static JsonObject ack(long offset, String epoch, Boolean recovered) {
    JsonObject ack = new JsonObject().put("type", "ack").put("id", "1").put("address", "c")
      .put("offset", offset).put("epoch", epoch);
    return recovered == null ? ack : ack.put("recovered", recovered);
  }

  @Test
  void noPositionNoSinceHeadersAndMessagesWithoutOffsetAlwaysPass() {
    ChannelState state = new ChannelState("c");
    assertNull(state.registerFields());
    assertNull(state.handleAck(new JsonObject().put("type", "ack").put("id", "1")));
    assertTrue(state.registered);
    assertNull(state.registerFields(), "a channel without history never asks for recovery");
    GatewayMessage plain = new GatewayMessage("c", 1, Map.of());
    assertTrue(state.accept(plain));
    assertTrue(state.accept(plain));
    assertNull(state.recovered());
  }

  @Test
  void theFirstAckPositionsTheChannelAndLaterAcksAskFromTheLastMessage() {
    ChannelState state = new ChannelState("c");
    assertNull(state.handleAck(ack(41, "e1", null)));
    assertEquals(41, state.offset());
    assertTrue(state.accept(rec(42, "e1")));
    assertEquals(new JsonObject().put("headers", new JsonObject().put("since.offset", "42").put("since.epoch", "e1")),
      state.registerFields());

    // same epoch: the missed messages follow the ack, the position stays until they arrive
    assertEquals(Boolean.TRUE, state.handleAck(ack(45, "e1", true)));
    assertEquals(42, state.offset());
    assertEquals(Boolean.TRUE, state.recovered());
    assertTrue(state.accept(rec(43, "e1")));

    // a new epoch: the stream restarted, the position is its top
    assertEquals(Boolean.FALSE, state.handleAck(ack(3, "e2", false)));
    assertEquals(3, state.offset());
    assertEquals("e2", state.epoch());
    assertEquals(Boolean.FALSE, state.recovered());
    assertFalse(state.accept(rec(3, "e2")));
    assertTrue(state.accept(rec(4, "e2")));
  }

  @ParameterizedTest(name = "last 10@e1, then {0}@{1}: new={2}")
  @CsvSource({
    "9, e1, false",
    "10, e1, false",
    "11, e1, true",
    "15, e1, true",
    "1, e2, true",
  })
  void duplicatesAreMessagesAtOrBelowTheLastOffsetOfTheSameEpoch(long offset, String epoch, boolean fresh) {
    ChannelState state = new ChannelState("c");
    state.handleAck(ack(10, "e1", null));
    assertEquals(fresh, state.accept(rec(offset, epoch)));
    assertEquals(fresh ? offset : 10, state.offset());
    assertEquals(fresh ? epoch : "e1", state.epoch());
  }
}
