package io.pubsubgateway.history;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.pubsubgateway.channel.ChannelOptions;

/**
 * This node's view of one stream in the cluster: one epoch of one channel, stored in the ringbuffer
 * {@code __pubsub.h.<namespace>.<epoch>@<channel>}. The epoch an append labels a message with and the
 * ringbuffer it writes to both come from one view, so they are always the same stream.
 *
 * <p>Thread-safe: the times and the last offset are written by whichever thread completes an operation.
 */
final class StreamView {
  final String channel;
  final ChannelOptions options;
  /** {@code <namespace>.<epoch>}: the value of the channel's entry in {@code __pubsub.epochs}. */
  final String id;
  final String epoch;
  /** Which load made this view (a node-wide sequence): a view from an older load never replaces a newer one. */
  final long loadSeq;
  private final HazelcastInstance hz;
  private volatile Ringbuffer<String> ringbuffer;
  /** Highest offset this node saw appended: an append below it means the ringbuffer was recreated. */
  volatile long lastOffset;
  /** When this node last refreshed (or created) the epoch entry's time-to-live; 0 = never. */
  volatile long touchedAt;
  /** When this node last used the stream (append, top, read). */
  volatile long usedAt;

  StreamView(HazelcastInstance hz, String channel, ChannelOptions options, String id, long loadSeq) {
    this.hz = hz;
    this.channel = channel;
    this.options = options;
    this.id = id;
    this.epoch = id.substring(id.indexOf('.') + 1);
    this.loadSeq = loadSeq;
  }

  /** The stream id of a new epoch of a channel of {@code options}' namespace. */
  static String newId(ChannelOptions options, String epoch) {
    return options.namespace() + "." + epoch;
  }

  /** The ringbuffer's name: the {@code @<channel>} suffix places it in the partition of the channel's epoch entry. */
  static String ringbufferName(String id, String channel) {
    return HazelcastHistoryStore.RINGBUFFER_PREFIX + id + "@" + channel;
  }

  String ringbufferName() {
    return ringbufferName(id, channel);
  }

  /** The stream's ringbuffer (its proxy is created on first use). */
  Ringbuffer<String> ringbuffer() {
    Ringbuffer<String> rb = ringbuffer;
    if (rb == null) {
      rb = hz.getRingbuffer(ringbufferName());
      ringbuffer = rb;
    }
    return rb;
  }
}
