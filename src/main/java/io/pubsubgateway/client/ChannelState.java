package io.pubsubgateway.client;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * One channel a {@link GatewayClient} subscribes to: its subscriptions, whether the current
 * connection registered it, and, on a channel with history, the stream position received so far.
 * The position makes recovery automatic (a re-registration asks for what came after it) and drops
 * duplicates (a message at or below it in the same epoch).
 *
 * <p>Threading: mutated on the client's event loop only; the position getters may be read from any
 * thread.
 */
final class ChannelState {
  /** Register header: the offset of the last message the client received. */
  static final String SINCE_OFFSET = "since.offset";
  /** Register header: the epoch of that message's stream. */
  static final String SINCE_EPOCH = "since.epoch";

  final String channel;
  final List<SubscriptionImpl> subs = new ArrayList<>();
  boolean registered;
  /** Consecutive failed re-registrations on the current connection. */
  int failedRegistrations;
  private volatile long offset;
  private volatile String epoch;
  private volatile Boolean recovered;

  ChannelState(String channel) {
    this.channel = channel;
  }

  long offset() {
    return offset;
  }

  String epoch() {
    return epoch;
  }

  Boolean recovered() {
    return recovered;
  }

  /** The fields of a register frame: {@code since.*} headers once a position is known, else none. */
  JsonObject registerFields() {
    if (epoch == null) {
      return null;
    }
    return new JsonObject().put("headers", new JsonObject()
      .put(SINCE_OFFSET, Long.toString(offset)).put(SINCE_EPOCH, epoch));
  }

  /**
   * Applies the gateway's register ack: registered, and on a channel with history the stream's
   * position. In the same epoch the position stays where the client is, as the missed messages
   * follow the ack; a new epoch (or the first ack) starts from the stream's top. Returns the ack's
   * {@code recovered} flag (null when the client did not ask for recovery).
   */
  Boolean handleAck(JsonObject ack) {
    registered = true;
    failedRegistrations = 0;
    String ackEpoch = ack.getString("epoch");
    Object ackOffset = ack.getValue("offset");
    if (ackEpoch != null && ackOffset instanceof Number top && !ackEpoch.equals(epoch)) {
      epoch = ackEpoch;
      offset = top.longValue();
    }
    Boolean flag = ack.getBoolean("recovered");
    if (flag != null) {
      recovered = flag;
    }
    return flag;
  }

  /**
   * Whether {@code message} is new: false for a duplicate (an offset at or below the last one in
   * the same epoch). A new message moves the position. Messages without a position (channels
   * without history, backends publishing on the event bus directly) are always new.
   */
  boolean accept(GatewayMessage message) {
    long at = message.offset();
    String messageEpoch = message.headers().get(GatewayMessage.EPOCH);
    if (at < 0 || messageEpoch == null) {
      return true;
    }
    if (messageEpoch.equals(epoch) && at <= offset) {
      return false;
    }
    epoch = messageEpoch;
    offset = at;
    return true;
  }
}
