package io.pubsubgateway.hub;

import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.cluster.ClusterQuorum;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.history.HistoryStore.Position;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Publishes to a channel for clients and the server API: on channels with history the message is
 * first appended to the channel's stream, then published with the {@value #OFFSET} and
 * {@value #EPOCH} headers the stream assigned and its {@value #MID}; other channels go straight to
 * the broker. Also publishes the join/leave events of channels with {@code joinLeave}.
 *
 * <p>Without the cluster's quorum ({@code cluster.minMembers}) every publish fails with
 * {@link QuorumLostException}: what an isolated node publishes would reach only its own side of a
 * partition, and what it appends would be thrown away when the sides merge. The check runs again
 * after the append, so an append acknowledged only because its backup's member was declared gone
 * is never published nor acknowledged. Thread-safe.
 */
public final class ChannelPublisher {
  /** Header of messages on channels with history: the message's offset in the channel's stream. */
  public static final String OFFSET = "offset";
  /** Header of messages on channels with history: the stream's epoch. */
  public static final String EPOCH = "epoch";
  /**
   * Header of messages on channels with history: the message's id, unique per stream entry. A
   * recovering client sends the id of its last message back ({@code since.mid}), so a node can tell
   * when the stream at that offset is no longer the one the client saw (a merge after a split).
   */
  public static final String MID = "mid";
  /** The field of a stored message that holds its {@value #MID}. */
  public static final String MID_FIELD = "mid";
  /** Event-bus header marking a join/leave event (value {@code join} or {@code leave}); never sent to clients as a header. */
  public static final String EVENT = "pubsub.event";
  /** Header names a publisher may not set: the gateway assigns them. */
  static final Set<String> RESERVED = Set.of(OFFSET, EPOCH, MID, EVENT, Broker.PUBLISHED_AT_HEADER);

  private final Broker broker;
  private final Function<String, ChannelOptions> options;
  private final HistoryStore history;
  private final ClusterQuorum quorum;

  /**
   * @param quorum whether this node has its cluster's quorum ({@link ClusterQuorum#none()} without one)
   */
  public ChannelPublisher(Broker broker, Function<String, ChannelOptions> options, HistoryStore history,
                          ClusterQuorum quorum) {
    this.broker = broker;
    this.options = options;
    this.history = history;
    this.quorum = quorum;
  }

  /** A publish refused because this node is cut off from the majority of its cluster. */
  public static final class QuorumLostException extends RuntimeException {
    public QuorumLostException() {
      super("cluster quorum lost: this node is cut off from the majority of its cluster", null, false, false);
    }
  }

  /**
   * Publishes {@code body} with the publisher's {@code headers} (reserved names dropped); completes
   * with the message's position in the stream, or null on a channel without history.
   */
  public Future<Position> publish(String channel, Object body, JsonObject headers) {
    JsonObject clean = new JsonObject();
    if (headers != null) {
      for (Map.Entry<String, Object> e : headers) {
        if (!RESERVED.contains(e.getKey())) {
          clean.put(e.getKey(), e.getValue());
        }
      }
    }
    if (!quorum.present()) {
      return Future.failedFuture(new QuorumLostException());
    }
    ChannelOptions o = options.apply(channel);
    if (!o.history()) {
      broker.publish(channel, body, clean);
      return Future.succeededFuture();
    }
    String mid = newMid();
    JsonObject message = new JsonObject().put("body", body);
    if (!clean.isEmpty()) {
      message.put("headers", clean.copy());
    }
    message.put(MID_FIELD, mid);
    return history.append(channel, o, message).compose(position -> {
      if (!quorum.presentNow()) {
        return Future.failedFuture(new QuorumLostException());
      }
      broker.publish(channel, body, withPosition(clean, position).put(MID, mid));
      return Future.succeededFuture(position);
    });
  }

  /** A new message id: 48 random bits as 12 hex digits. */
  static String newMid() {
    long bits = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL;
    String hex = Long.toHexString(bits);
    return "000000000000".substring(hex.length()) + hex;
  }

  /** Publishes a {@code join} or {@code leave} event with {@code body} to the channel's subscribers. */
  public void event(String channel, String type, JsonObject body) {
    broker.publish(channel, body, new JsonObject().put(EVENT, type));
  }

  /** The headers of a message at {@code position}: the publisher's, then offset and epoch. */
  public static JsonObject withPosition(JsonObject headers, Position position) {
    JsonObject h = headers == null ? new JsonObject() : headers.copy();
    return h.put(OFFSET, Long.toString(position.offset())).put(EPOCH, position.epoch());
  }

  /** The event-bus address of {@code channel}. */
  public String address(String channel) {
    return broker.address(channel);
  }

  /**
   * The {@code rec} frame of a message read back from the history: the same body and headers a
   * live delivery of it carries (the publisher's headers, then offset and epoch).
   */
  public static byte[] encodeStored(String channel, HistoryStore.Entry stored, String epoch) {
    JsonObject m = stored.message();
    JsonObject headers = withPosition(m.getJsonObject("headers"), new Position(stored.offset(), epoch));
    String mid = m.getString(MID_FIELD);
    if (mid != null) {
      headers.put(MID, mid);
    }
    return FrameCodec.encodeStoredRec(channel, m.getValue("body"), headers);
  }

  public ChannelOptions options(String channel) {
    return options.apply(channel);
  }

  public Broker broker() {
    return broker;
  }

  public HistoryStore history() {
    return history;
  }
}
