package io.pubsubgateway.client;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One channel a {@link GatewayClient} subscribes to: its subscriptions, whether the current
 * connection registered it, and, on a channel with history, the stream position of the last
 * message delivered (offset, epoch and message id, always together). The position makes recovery
 * automatic (a re-registration asks for what came after it), drops duplicates (a message at or
 * below it in the same epoch) and exposes discontinuities (a message past the next offset, or of
 * another epoch), which the registry answers with a re-subscription with recovery.
 *
 * <p>Threading: mutated on the client's event loop only; the position getters may be read from any
 * thread.
 */
final class ChannelState {
  /** Register header: the offset of the last message the client received. */
  static final String SINCE_OFFSET = "since.offset";
  /** Register header: the epoch of that message's stream. */
  static final String SINCE_EPOCH = "since.epoch";
  /** Register header: that message's id ({@link GatewayMessage#MID}), when known. */
  static final String SINCE_MID = "since.mid";

  /** What to do with a message received on the channel. */
  enum Continuity {
    /** Deliver it: the next one of the stream (the position moved to it), or a message without a position. */
    NEXT,
    /** Drop it: at or below the position in the same epoch, already delivered. */
    DUPLICATE,
    /** Do not deliver it: it comes after a gap, or from another epoch; re-subscribe with recovery. */
    GAP
  }

  /** A position in a channel's stream; {@code mid} is null when unknown (old gateways, an empty stream). */
  record StreamPosition(long offset, String epoch, String mid) {
  }

  final String channel;
  final List<SubscriptionImpl> subs = new ArrayList<>();
  boolean registered;
  /** Consecutive failed re-registrations on the current connection. */
  int failedRegistrations;
  /** Re-subscriptions for a discontinuity (insufficient_state, a gap) since the last message delivered. */
  int resyncs;
  private volatile StreamPosition position;
  /** After an ack that reported a loss in the same epoch: the next message, wherever it is, starts the position again. */
  private boolean reanchor;
  private volatile Boolean recovered;

  ChannelState(String channel) {
    this.channel = channel;
  }

  /** The position, or null before a register ack or message gave one. */
  StreamPosition position() {
    return position;
  }

  long offset() {
    StreamPosition p = position;
    return p == null ? 0 : p.offset();
  }

  String epoch() {
    StreamPosition p = position;
    return p == null ? null : p.epoch();
  }

  Boolean recovered() {
    return recovered;
  }

  /**
   * The fields of a register frame: {@code since.offset} and {@code since.epoch} (and
   * {@code since.mid} when the message id is known) once a position is known, else none.
   */
  JsonObject registerFields() {
    StreamPosition p = position;
    if (p == null) {
      return null;
    }
    JsonObject headers = new JsonObject().put(SINCE_OFFSET, Long.toString(p.offset())).put(SINCE_EPOCH, p.epoch());
    if (p.mid() != null) {
      headers.put(SINCE_MID, p.mid());
    }
    return new JsonObject().put("headers", headers);
  }

  /**
   * Applies the gateway's register ack: registered, and on a channel with history the stream's
   * position. In the same epoch the position stays where the client is, as the missed messages
   * follow the ack (after {@code "recovered": false} they may start past a gap, or the client's
   * last message may not be in the stream at all: the next message then sets the position); a new
   * epoch (or the first ack) starts from the stream's top, with the ack's {@code mid}. Returns the
   * ack's {@code recovered} flag (null when the client did not ask for recovery).
   */
  Boolean handleAck(JsonObject ack) {
    registered = true;
    failedRegistrations = 0;
    String ackEpoch = ack.getValue("epoch") instanceof String e ? e : null;
    Boolean flag = ack.getValue("recovered") instanceof Boolean b ? b : null;
    if (ackEpoch != null && ack.getValue("offset") instanceof Number top) {
      StreamPosition p = position;
      if (p == null || !ackEpoch.equals(p.epoch())) {
        position = new StreamPosition(top.longValue(), ackEpoch, ack.getValue("mid") instanceof String m ? m : null);
        reanchor = false;
      } else {
        reanchor = Boolean.FALSE.equals(flag);
      }
    }
    if (flag != null) {
      recovered = flag;
    }
    return flag;
  }

  /**
   * Classifies {@code message} against the position: {@link Continuity#NEXT} moves the position to
   * it. Messages without a position (channels without history, backends publishing on the event bus
   * directly) are always {@code NEXT}; so is the first positioned one when no position is known yet
   * or after an ack that reported a loss.
   */
  Continuity accept(GatewayMessage message) {
    long at = message.offset();
    String messageEpoch = message.headers().get(GatewayMessage.EPOCH);
    if (at < 0 || messageEpoch == null) {
      return Continuity.NEXT;
    }
    StreamPosition p = position;
    if (p != null && !reanchor) {
      if (!messageEpoch.equals(p.epoch()) || at > p.offset() + 1) {
        return Continuity.GAP;
      }
      if (at <= p.offset()) {
        return Continuity.DUPLICATE;
      }
    }
    position = new StreamPosition(at, messageEpoch, message.headers().get(GatewayMessage.MID));
    reanchor = false;
    resyncs = 0;
    return Continuity.NEXT;
  }
}
