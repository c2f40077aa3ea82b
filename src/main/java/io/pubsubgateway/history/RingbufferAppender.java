package io.pubsubgateway.history;

import com.hazelcast.ringbuffer.OverflowPolicy;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.history.HistoryStore.Position;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The add pipeline of one channel on this node. Appends in call order: at most one add in flight;
 * what arrives meanwhile goes out as one {@code addAll} (at most {@value #MAX_BATCH} items) when it
 * completes, and items of one addAll get consecutive sequences. Hazelcast does not promise that two async
 * adds execute in the order they were issued, so without this a client's publishes could get offsets out
 * of order.
 *
 * <p>Each batch goes to the stream {@link HazelcastHistoryStore#streamForAppend} names (touched when this
 * node's last touch is older than the touch interval). If the ringbuffer answers with offsets at or below
 * what this node already saw of that stream, the stream was lost and the add recreated its ringbuffer: the
 * orphan is destroyed and the batch goes to the channel's current stream instead.
 *
 * <p>An idle appender is closed by the store's sweep; {@link #add} then returns false and the caller makes
 * a new one. Thread-safe (its own lock); Hazelcast completes the adds on its threads.
 */
final class RingbufferAppender {
  private static final Logger LOG = LoggerFactory.getLogger(RingbufferAppender.class);
  /** Hazelcast's upper bound for one addAll. */
  static final int MAX_BATCH = 1000;

  private final HazelcastHistoryStore store;
  private final String channel;
  private final ChannelOptions options;
  private final List<String> queued = new ArrayList<>();
  private final List<Promise<Position>> waiting = new ArrayList<>();
  private boolean inFlight;
  private boolean closed;
  private long usedAt;

  RingbufferAppender(HazelcastHistoryStore store, String channel, ChannelOptions options) {
    this.store = store;
    this.channel = channel;
    this.options = options;
  }

  /** Queues {@code item}; false when this appender was closed (the caller then uses a new one). */
  synchronized boolean add(String item, Promise<Position> promise, long now) {
    if (closed) {
      return false;
    }
    usedAt = now;
    queued.add(item);
    waiting.add(promise);
    if (!inFlight) {
      flush();
    }
    return true;
  }

  /** Closes this appender when nothing is queued or in flight and it was not used for {@link StreamExpiry#forgetAfterMs}. */
  synchronized boolean closeIfIdle(long now) {
    if (!inFlight && queued.isEmpty() && now - usedAt >= StreamExpiry.forgetAfterMs(options.historyTtlSeconds())) {
      closed = true;
    }
    return closed;
  }

  /** Sends what is queued as one batch; called with the lock held. */
  private void flush() {
    if (queued.isEmpty()) {
      inFlight = false;
      return;
    }
    inFlight = true;
    int n = Math.min(queued.size(), MAX_BATCH);
    List<String> items = new ArrayList<>(queued.subList(0, n));
    List<Promise<Position>> promises = new ArrayList<>(waiting.subList(0, n));
    queued.subList(0, n).clear();
    waiting.subList(0, n).clear();
    store.streamForAppend(channel, options).onComplete(s -> {
      if (s.failed()) {
        done(promises, s.cause(), null, 0);
      } else {
        send(items, promises, s.result(), true);
      }
    });
  }

  private void send(List<String> items, List<Promise<Position>> promises, StreamView stream, boolean mayMove) {
    CompletionStage<Long> added;
    try {
      added = stream.ringbuffer().addAllAsync(items, OverflowPolicy.OVERWRITE);
    } catch (RuntimeException e) {
      done(promises, e, null, 0);
      return;
    }
    // not whenComplete: see HazelcastHistoryStore.completion
    added.whenCompleteAsync((lastSeq, err) -> {
      if (err != null) {
        done(promises, err, null, 0);
        return;
      }
      long first = lastSeq + 1 - items.size() + 1;
      if (first > stream.lastOffset) {
        stream.lastOffset = lastSeq + 1;
        done(promises, null, stream.epoch, first);
        return;
      }
      // the ringbuffer went back below what this node appended: the stream was lost (its epoch entry with
      // it), or — same epoch — it lost acknowledged messages; offsets must never be reused in one epoch,
      // so that stream gets a new epoch (subscribers are told) and the batch goes there
      store.forget(stream);
      store.load(channel, options, true)
        .compose(current -> current.id.equals(stream.id) && mayMove ? store.renew(channel, options, stream.id)
          : Future.succeededFuture(current))
        .onComplete(current -> {
        if (current.failed()) {
          done(promises, current.cause(), null, 0);
        } else if (current.result().id.equals(stream.id) || !mayMove) {
          LOG.warn("channel {}: stream {} went back twice in one append; the batch stays in it", channel, stream.id);
          current.result().lastOffset = Math.max(current.result().lastOffset, lastSeq + 1);
          done(promises, null, stream.epoch, first);
        } else {
          LOG.info("channel {}: stream {} was lost; appending to {}", channel, stream.id, current.result().id);
          store.destroy(stream.id, channel);
          send(items, promises, current.result(), false);
        }
      });
    }, store.callbacks);
  }

  private void done(List<Promise<Position>> promises, Throwable err, String epoch, long firstOffset) {
    for (int i = 0; i < promises.size(); i++) {
      if (err != null) {
        promises.get(i).fail(err);
      } else {
        promises.get(i).complete(new Position(firstOffset + i, epoch));
      }
    }
    synchronized (this) {
      flush();
    }
  }
}
