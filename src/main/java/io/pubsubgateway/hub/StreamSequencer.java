package io.pubsubgateway.hub;

import io.pubsubgateway.config.ChannelOptions;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Delivers the messages of one channel with history, on one node, in offset order. Publishes from
 * different nodes may reach a node out of order, so a message ahead of the next expected offset
 * waits; if the missing one does not arrive within the gap wait it is read from the history (its
 * publisher appended it before publishing).
 *
 * <p>Threading: confined to one thread (the hub's context); timers and store callbacks must run
 * there too.
 */
final class StreamSequencer {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSequencer.class);

  /** Timers of the sequencer's thread. */
  interface Timers {
    long schedule(long delayMs, Runnable task);

    void cancel(long id);
  }

  /** Where ordered frames go: the channel's local subscribers. */
  interface Sink {
    /** Delivers a {@code rec} frame at {@code offset}. */
    void deliver(byte[] frame, long offset);
  }

  private record Held(Object body, MultiMap headers) {
  }

  private final String channel;
  private final ChannelOptions options;
  private final HistoryStore history;
  private final Timers timers;
  private final Sink sink;
  private final long gapWaitMs;
  private boolean positioned;
  private boolean closed;
  private String epoch;
  private long next;
  private final TreeMap<Long, Held> pending = new TreeMap<>();
  private long gapTimer = -1;

  StreamSequencer(String channel, ChannelOptions options, HistoryStore history, Timers timers, Sink sink,
                  long gapWaitMs) {
    this.channel = channel;
    this.options = options;
    this.history = history;
    this.timers = timers;
    this.sink = sink;
    this.gapWaitMs = gapWaitMs;
  }

  /** Learns where the stream stands; messages that arrived meanwhile were held. */
  Future<Void> start() {
    return history.top(channel, options).map(top -> {
      positioned = true;
      epoch = top.epoch();
      next = top.offset() + 1;
      List<Map.Entry<Long, Held>> held = new ArrayList<>(pending.entrySet());
      pending.clear();
      for (Map.Entry<Long, Held> m : held) {
        offer(m.getValue().body(), m.getValue().headers());
      }
      return null;
    });
  }

  /** A live message with an {@code offset} header. */
  void offer(Object body, MultiMap headers) {
    long offset = offsetOf(headers);
    if (!positioned) {
      pending.put(offset, new Held(body, headers));
      return;
    }
    String messageEpoch = headers.get(ChannelPublisher.EPOCH);
    if (messageEpoch != null && !messageEpoch.equals(epoch)) {
      LOG.info("channel {}: stream epoch {} -> {} (history was lost), following the new stream", channel,
        epoch, messageEpoch);
      epoch = messageEpoch;
      next = offset;
      pending.clear();
    }
    if (offset < next) {
      return; // already delivered (read from history while filling a gap)
    }
    if (offset > next) {
      pending.put(offset, new Held(body, headers));
      scheduleGapFill();
      return;
    }
    deliver(body, headers, offset);
    drain();
  }

  /** Stops timers; late store answers are ignored. */
  void close() {
    closed = true;
    if (gapTimer >= 0) {
      timers.cancel(gapTimer);
      gapTimer = -1;
    }
  }

  private void deliver(Object body, MultiMap headers, long offset) {
    sink.deliver(FrameCodec.encodeRec(channel, body, headers), offset);
    next = offset + 1;
  }

  /** Delivers held messages that are now next in line. */
  private void drain() {
    while (!pending.isEmpty() && pending.firstKey() <= next) {
      Map.Entry<Long, Held> first = pending.pollFirstEntry();
      if (first.getKey() == next) {
        deliver(first.getValue().body(), first.getValue().headers(), first.getKey());
      }
    }
    if (pending.isEmpty() && gapTimer >= 0) {
      timers.cancel(gapTimer);
      gapTimer = -1;
    } else if (!pending.isEmpty()) {
      scheduleGapFill();
    }
  }

  private void scheduleGapFill() {
    if (gapTimer >= 0) {
      return;
    }
    gapTimer = timers.schedule(gapWaitMs, () -> {
      gapTimer = -1;
      fillGap();
    });
  }

  /** Reads the offsets missing before the first held message from the history, then delivers on. */
  private void fillGap() {
    if (pending.isEmpty() || closed) {
      return;
    }
    long from = next;
    long upTo = pending.firstKey();
    String readEpoch = epoch;
    history.read(channel, options, from, (int) Math.min(upTo - from, Integer.MAX_VALUE))
      .onComplete(ar -> {
        if (closed || !readEpoch.equals(epoch)) {
          return;
        }
        if (ar.succeeded()) {
          for (HistoryStore.Entry e : ar.result().entries()) {
            if (e.offset() >= next && e.offset() < upTo) {
              sink.deliver(ChannelPublisher.encodeStored(channel, e, readEpoch), e.offset());
              next = e.offset() + 1;
            }
          }
        } else {
          LOG.warn("channel {}: cannot read offsets {}..{} from history: {}", channel, from, upTo - 1,
            ar.cause().toString());
        }
        if (next < upTo && !pending.isEmpty() && pending.firstKey() == upTo) {
          LOG.warn("channel {}: offsets {}..{} are not in the history any more, skipped", channel, next, upTo - 1);
          next = upTo;
        }
        drain();
      });
  }

  private static long offsetOf(MultiMap headers) {
    try {
      return Long.parseLong(headers.get(ChannelPublisher.OFFSET));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
