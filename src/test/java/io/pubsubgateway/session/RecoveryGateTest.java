package io.pubsubgateway.session;

import io.pubsubgateway.history.HistoryStore.Position;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecoveryGateTest {
  private final RecoveryGate gate = new RecoveryGate();
  private final List<String> toClient = new ArrayList<>();

  private static byte[] frame(String epoch, long offset) {
    return (epoch + ":" + offset).getBytes(StandardCharsets.UTF_8);
  }

  /** A live frame reaching the session: the gate takes it or it goes to the client. */
  private void live(String epoch, long offset) {
    if (!gate.take("c", frame(epoch, offset), offset, epoch)) {
      toClient.add(epoch + ":" + offset);
    }
  }

  private void open(String epoch, long offset) {
    gate.open("c", new Position(offset, epoch)).forEach(f -> toClient.add(new String(f, StandardCharsets.UTF_8)));
  }

  @Test
  void framesArePassedThroughWhenTheChannelIsNotBeingPositioned() {
    live("e1", 7);
    assertEquals(List.of("e1:7"), toClient);
  }

  @Test
  void heldFramesPastThePositionAreReleasedInOrderAndEarlierOnesDropped() {
    gate.close("c");
    live("e1", 4);
    live("e1", 5);
    live("e1", 6);
    assertEquals(List.of(), toClient);
    open("e1", 4);
    assertEquals(List.of("e1:5", "e1:6"), toClient);
  }

  @Test
  void liveFramesAtOrBelowWhatTheRecoverySentAreDuplicates() {
    gate.close("c");
    open("e1", 10);              // the recovery replayed up to 10; the hub is behind
    live("e1", 9);
    live("e1", 10);
    live("e1", 11);
    live("e1", 3);               // after the first frame past the floor, the gate is out of the way
    assertEquals(List.of("e1:11", "e1:3"), toClient);
  }

  @Test
  void framesOutsideTheStreamOrderAreNeverTakenForDuplicates() {
    gate.close("c");
    live("e1", 0);
    open("e1", 10);
    live(null, 0);
    assertEquals(List.of("e1:0", "null:0"), toClient);
  }

  @Test
  void aNewStreamsFirstMessagesAreNotMistakenForDuplicatesOfTheOldOnes() {
    gate.close("c");
    open("e1", 500);             // recovered up to offset 500 of epoch e1
    live("e2", 1);               // the stream was lost and restarted: epoch e2 from offset 1
    live("e2", 2);
    assertEquals(List.of("e2:1", "e2:2"), toClient, "a frame of another epoch is never a duplicate");
  }

  @Test
  void heldFramesOfAnotherEpochAreReleasedNotDropped() {
    gate.close("c");
    live("e2", 1);
    open("e1", 500);
    assertEquals(List.of("e2:1"), toClient);
  }

  @Test
  void forgettingAChannelDropsWhatWasHeldAndItsFloor() {
    gate.close("c");
    live("e1", 5);
    gate.forget("c");
    live("e1", 5);
    assertEquals(List.of("e1:5"), toClient);
    assertFalse(gate.take("c", frame("e1", 6), 6, "e1"));
    gate.close("c");
    assertTrue(gate.take("c", frame("e1", 7), 7, "e1"));
  }
}
