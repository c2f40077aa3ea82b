package io.pubsubgateway.client;

import io.pubsubgateway.client.ChannelState.Continuity;
import io.pubsubgateway.client.ChannelState.StreamPosition;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChannelStateTest {
  private static GatewayMessage rec(long offset, String epoch) {
    return rec(offset, epoch, null);
  }

  private static GatewayMessage rec(long offset, String epoch, String mid) {
    Map<String, String> headers = new HashMap<>(Map.of("offset", Long.toString(offset), "epoch", epoch));
    if (mid != null) {
      headers.put("mid", mid);
    }
    return new GatewayMessage("c", offset, Map.copyOf(headers));
  }

  private static JsonObject ack(long offset, String epoch, Boolean recovered) {
    return ack(offset, epoch, null, recovered);
  }

  private static JsonObject ack(long offset, String epoch, String mid, Boolean recovered) {
    JsonObject ack = new JsonObject().put("type", "ack").put("id", "1").put("address", "c")
      .put("offset", offset).put("epoch", epoch);
    if (mid != null) {
      ack.put("mid", mid);
    }
    return recovered == null ? ack : ack.put("recovered", recovered);
  }

  private static JsonObject since(long offset, String epoch, String mid) {
    JsonObject headers = new JsonObject().put("since.offset", Long.toString(offset)).put("since.epoch", epoch);
    if (mid != null) {
      headers.put("since.mid", mid);
    }
    return new JsonObject().put("headers", headers);
  }

  /** "" in a CSV table is null. */
  private static String orNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  @Test
  void noPositionNoSinceHeadersAndMessagesWithoutOffsetAlwaysPass() {
    ChannelState state = new ChannelState("c");
    assertNull(state.registerFields());
    assertNull(state.handleAck(new JsonObject().put("type", "ack").put("id", "1")));
    assertTrue(state.registered);
    assertNull(state.registerFields(), "a channel without history never asks for recovery");
    GatewayMessage plain = new GatewayMessage("c", 1, Map.of());
    assertEquals(Continuity.NEXT, state.accept(plain));
    assertEquals(Continuity.NEXT, state.accept(plain));
    assertNull(state.position());
    assertNull(state.recovered());
  }

  @Test
  void theFirstAckPositionsTheChannelAndLaterAcksAskFromTheLastMessage() {
    ChannelState state = new ChannelState("c");
    assertNull(state.handleAck(ack(41, "e1", "m41", null)));
    assertEquals(new StreamPosition(41, "e1", "m41"), state.position());
    assertEquals(since(41, "e1", "m41"), state.registerFields());
    assertEquals(Continuity.NEXT, state.accept(rec(42, "e1", "m42")));
    assertEquals(since(42, "e1", "m42"), state.registerFields());

    // same epoch: the missed messages follow the ack, the position stays until they arrive
    assertEquals(Boolean.TRUE, state.handleAck(ack(45, "e1", "m45", true)));
    assertEquals(new StreamPosition(42, "e1", "m42"), state.position());
    assertEquals(Boolean.TRUE, state.recovered());
    assertEquals(Continuity.NEXT, state.accept(rec(43, "e1", "m43")));

    // a new epoch: the stream restarted, the position is its top, with the ack's mid
    assertEquals(Boolean.FALSE, state.handleAck(ack(3, "e2", "n3", false)));
    assertEquals(new StreamPosition(3, "e2", "n3"), state.position());
    assertEquals(3, state.offset());
    assertEquals("e2", state.epoch());
    assertEquals(Boolean.FALSE, state.recovered());
    assertEquals(Continuity.DUPLICATE, state.accept(rec(3, "e2", "n3")));
    assertEquals(Continuity.NEXT, state.accept(rec(4, "e2", "n4")));
  }

  @ParameterizedTest(name = "position {0}@{1}/{2}, ack {3}@{4}/{5} recovered={6} -> {7}@{8}/{9}")
  @CsvSource(nullValues = "null", value = {
    // first ack: the stream's top, with its mid when the stream is not empty (old gateways: none)
    "-1, , , 10, e1, m10, null, 10, e1, m10",
    "-1, , , 10, e1, , null, 10, e1, ",
    "-1, , , 0, e1, , null, 0, e1, ",
    // same epoch: the client's own position stays (recovered or not)
    "7, e1, m7, 10, e1, m10, true, 7, e1, m7",
    "7, e1, , 10, e1, m10, true, 7, e1, ",
    "7, e1, m7, 10, e1, m10, false, 7, e1, m7",
    // another epoch: the new stream's top and its mid, or none
    "7, e1, m7, 2, e2, n2, false, 2, e2, n2",
    "7, e1, m7, 2, e2, , false, 2, e2, ",
  })
  void theAckSetsThePositionOnlyForANewStream(long offset, String epoch, String mid, long ackOffset, String ackEpoch,
                                             String ackMid, Boolean recovered, long offsetAfter, String epochAfter,
                                             String midAfter) {
    ChannelState state = new ChannelState("c");
    if (offset >= 0) {
      state.handleAck(ack(offset - 1, epoch, null));
      assertEquals(Continuity.NEXT, state.accept(rec(offset, epoch, orNull(mid))));
    }
    state.handleAck(ack(ackOffset, ackEpoch, orNull(ackMid), recovered));
    assertEquals(new StreamPosition(offsetAfter, epochAfter, orNull(midAfter)), state.position());
    assertEquals(since(offsetAfter, epochAfter, orNull(midAfter)), state.registerFields(),
      "since.mid only when the mid is known");
  }

  @ParameterizedTest(name = "last 10@e1, then {0}@{1}: {2}")
  @CsvSource({
    "9, e1, DUPLICATE",
    "10, e1, DUPLICATE",
    "11, e1, NEXT",
    "12, e1, GAP",
    "15, e1, GAP",
    "1, e2, GAP",
    "11, e2, GAP",
    "10, e2, GAP",
  })
  void continuityVerdicts(long offset, String epoch, Continuity verdict) {
    ChannelState state = new ChannelState("c");
    state.handleAck(ack(10, "e1", "m10", null));
    assertEquals(verdict, state.accept(rec(offset, epoch, "x" + offset)));
    boolean moved = verdict == Continuity.NEXT;
    assertEquals(moved ? new StreamPosition(offset, epoch, "x" + offset) : new StreamPosition(10, "e1", "m10"),
      state.position(), "only the next message moves the position");
  }

  @Test
  void afterAnAckReportingALossTheNextMessageStartsThePositionWhereverItIs() {
    ChannelState state = new ChannelState("c");
    state.handleAck(ack(10, "e1", "m10", null));
    // messages 11-14 left the history: the gateway replays from 15
    assertEquals(Boolean.FALSE, state.handleAck(ack(16, "e1", "m16", false)));
    assertEquals(Continuity.NEXT, state.accept(rec(15, "e1", "m15")));
    assertEquals(Continuity.NEXT, state.accept(rec(16, "e1", "m16")));
    assertEquals(Continuity.GAP, state.accept(rec(18, "e1", "m18")), "continuity is checked again");

    // the client's 16 was on a discarded side of a split: the merged stream's top is 12
    assertEquals(Boolean.FALSE, state.handleAck(ack(12, "e1", "k12", false)));
    assertEquals(new StreamPosition(16, "e1", "m16"), state.position(), "kept until a message comes");
    assertEquals(Continuity.NEXT, state.accept(rec(13, "e1", "k13")), "not a duplicate: another message");
    assertEquals(new StreamPosition(13, "e1", "k13"), state.position());
    assertEquals(Continuity.DUPLICATE, state.accept(rec(13, "e1", "k13")));
  }

  @Test
  void aRecoveredAckKeepsCheckingContinuityFromTheClientsPosition() {
    ChannelState state = new ChannelState("c");
    state.handleAck(ack(10, "e1", null));
    state.handleAck(ack(14, "e1", true));
    assertEquals(Continuity.GAP, state.accept(rec(12, "e1")));
    assertEquals(Continuity.NEXT, state.accept(rec(11, "e1")));
  }

  @Test
  void resyncsCountUntilAMessageIsDelivered() {
    ChannelState state = new ChannelState("c");
    state.handleAck(ack(10, "e1", null));
    state.resyncs = 2;
    assertEquals(Continuity.DUPLICATE, state.accept(rec(10, "e1")));
    assertEquals(2, state.resyncs);
    assertEquals(Continuity.NEXT, state.accept(rec(11, "e1")));
    assertEquals(0, state.resyncs);
  }
}
