package io.pubsubgateway.session;

import io.pubsubgateway.history.HistoryStore.Position;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One session's gate for live messages of channels with history: from the moment the session asks
 * to subscribe until its position is known, live frames are held; when the position is known
 * (after the recovery's replay, if any) the held frames past it are released, and from then on live
 * frames at or below it — which the hub may still deliver after the recovery read past them — are
 * dropped as duplicates.
 *
 * <p>Threading: the session's event loop only.
 */
final class RecoveryGate {
  private Map<String, List<Held>> held;
  /** Per channel just positioned: the last position sent; live frames at or below it are duplicates. */
  private Map<String, Position> floors;

  /** A live frame with its stream position (offset 0: outside the stream's order). */
  record Held(long offset, String epoch, byte[] frame) {
  }

  /** A subscription is being positioned: its live frames are held. */
  void close(String channel) {
    if (held == null) {
      held = new HashMap<>();
    }
    held.put(channel, new ArrayList<>());
  }

  /**
   * A live frame: true when the gate took it (held, or dropped as a duplicate of what the recovery
   * sent), false when it goes to the client.
   */
  boolean take(String channel, byte[] frame, long offset, String epoch) {
    if (floors != null && offset > 0 && epoch != null) {
      Position floor = floors.get(channel);
      if (floor != null) {
        if (offset <= floor.offset() && floor.epoch().equals(epoch)) {
          return true; // an offset means nothing without its epoch: only the same stream's are duplicates
        }
        floors.remove(channel);
      }
    }
    List<Held> list = held == null ? null : held.get(channel);
    if (list == null) {
      return false;
    }
    list.add(new Held(offset, epoch, frame));
    return true;
  }

  /**
   * The position is known and everything up to {@code sent} went to the client: returns the held
   * frames to send after it, in order, and drops later duplicates up to the last of them.
   */
  List<byte[]> open(String channel, Position sent) {
    List<Held> live = held == null ? null : held.remove(channel);
    List<byte[]> out = new ArrayList<>();
    long last = sent.offset();
    for (Held h : live == null ? List.<Held>of() : live) {
      boolean sameStream = sent.epoch() != null && sent.epoch().equals(h.epoch());
      if (h.offset() == 0 || !sameStream || h.offset() > last) {
        out.add(h.frame());
        if (sameStream) {
          last = Math.max(last, h.offset());
        }
      }
    }
    if (floors == null) {
      floors = new HashMap<>();
    }
    floors.put(channel, new Position(last, sent.epoch()));
    return out;
  }

  /** The subscription ended: nothing held or remembered for it. */
  void forget(String channel) {
    if (held != null) {
      held.remove(channel);
    }
    if (floors != null) {
      floors.remove(channel);
    }
  }
}
