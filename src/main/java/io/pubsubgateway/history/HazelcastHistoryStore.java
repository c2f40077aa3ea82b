package io.pubsubgateway.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.OverflowPolicy;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import io.pubsubgateway.config.ChannelOptions;
import io.pubsubgateway.config.ChannelRule;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link HistoryStore} in the Hazelcast cluster the nodes already form: one ringbuffer per channel
 * ({@code __pubsub.h.<namespace>@<channel>}: capacity {@code history.size}, time-to-live
 * {@code history.ttl}, one synchronous backup) whose sequence numbers are the offsets (offset =
 * sequence + 1), and the channel's epoch in the map {@code __pubsub.epochs} under the channel's
 * name. The {@code @<channel>} suffix puts the ringbuffer in the partition of that map key, so the
 * two live and die together: when both copies of a partition are lost, the next use creates an
 * empty stream with a new epoch.
 *
 * <p>Cost per published message: one ringbuffer add on the partition owner, which waits for its
 * backup (one network round trip to the owner when it is another node, one from the owner to the
 * backup), before the event-bus publish. Futures complete on the caller's Vert.x context; the
 * blocking reads (tail sequence, reads) run on a small worker pool.
 */
public final class HazelcastHistoryStore implements HistoryStore {
  static final String RINGBUFFER_PREFIX = "__pubsub.h.";
  static final String EPOCHS = "__pubsub.epochs";
  /** Hazelcast's upper bound for one readMany. */
  private static final int MAX_READ = 1000;

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final IMap<String, String> epochs;
  private final WorkerExecutor workers;
  private final Map<String, Future<Cached>> cache = new ConcurrentHashMap<>();
  private final Map<String, Appender> appenders = new ConcurrentHashMap<>();

  /** This node's view of a stream: its epoch and the highest offset seen. */
  private static final class Cached {
    final String epoch;
    volatile long lastOffset;

    Cached(String epoch) {
      this.epoch = epoch;
    }
  }

  public HazelcastHistoryStore(Vertx vertx, HazelcastInstance hz) {
    this.vertx = vertx;
    this.hz = hz;
    this.epochs = hz.getMap(EPOCHS);
    this.workers = vertx.createSharedWorkerExecutor("pubsub-history", 8);
  }

  /** Adds the ringbuffer configuration of each namespace with history, and the epochs map's, to {@code hz}. */
  public static void configure(Config hz, List<ChannelRule> rules) {
    for (ChannelRule rule : rules) {
      ChannelOptions o = rule.options();
      if (o.history()) {
        hz.addRingBufferConfig(new RingbufferConfig(RINGBUFFER_PREFIX + o.namespace())
          .setCapacity(o.historySize())
          .setTimeToLiveSeconds(o.historyTtlSeconds())
          .setBackupCount(1)
          .setAsyncBackupCount(0)
          .setInMemoryFormat(InMemoryFormat.BINARY));
      }
    }
    hz.addMapConfig(new MapConfig(EPOCHS).setBackupCount(1).setAsyncBackupCount(0));
  }

  private Ringbuffer<String> ringbuffer(String channel, ChannelOptions options) {
    return hz.getRingbuffer(RINGBUFFER_PREFIX + options.namespace() + "@" + channel);
  }

  /**
   * Appends in call order: per channel, this node has at most one add in flight; what arrives
   * meanwhile goes out as one {@code addAll} when it completes (items of one addAll get consecutive
   * sequences). Hazelcast does not promise that two async adds execute in the order they were
   * issued, so without this a client's publishes could get offsets out of order.
   */
  @Override
  public Future<Position> append(String channel, ChannelOptions options, JsonObject message) {
    Promise<Position> promise = ((ContextInternal) vertx.getOrCreateContext()).promise();
    Appender appender = appenders.computeIfAbsent(channel, c -> new Appender(c, options));
    appender.add(message.encode(), promise);
    return promise.future();
  }

  /** The add pipeline of one channel on this node. */
  private final class Appender {
    private final String channel;
    private final Ringbuffer<String> rb;
    private final List<String> queued = new ArrayList<>();
    private final List<Promise<Position>> waiting = new ArrayList<>();
    private boolean inFlight;

    Appender(String channel, ChannelOptions options) {
      this.channel = channel;
      this.rb = ringbuffer(channel, options);
    }

    synchronized void add(String item, Promise<Position> promise) {
      queued.add(item);
      waiting.add(promise);
      if (!inFlight) {
        flush();
      }
    }

    /** Sends what is queued as one batch; called with the lock held. */
    private void flush() {
      if (queued.isEmpty()) {
        inFlight = false;
        return;
      }
      inFlight = true;
      List<String> items = new ArrayList<>(queued);
      List<Promise<Position>> promises = new ArrayList<>(waiting);
      queued.clear();
      waiting.clear();
      epoch(channel).onComplete(e -> {
        if (e.failed()) {
          done(promises, e.cause(), null, 0);
          return;
        }
        Cached cached = e.result();
        rb.addAllAsync(items, OverflowPolicy.OVERWRITE).whenComplete((lastSeq, err) -> {
          if (err != null) {
            done(promises, err, null, 0);
          } else {
            long first = lastSeq + 1 - items.size() + 1;
            if (first > cached.lastOffset) {
              cached.lastOffset = lastSeq + 1;
              done(promises, null, cached.epoch, first);
              return;
            }
            // the stream restarted below what this node saw: it was lost, and with it its epoch
            forget(channel, cached);
            epoch(channel).onComplete(fresh -> {
              if (fresh.failed()) {
                done(promises, fresh.cause(), null, 0);
              } else {
                fresh.result().lastOffset = Math.max(fresh.result().lastOffset, lastSeq + 1);
                done(promises, null, fresh.result().epoch, first);
              }
            });
          }
        });
      });
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

  @Override
  public Future<Position> top(String channel, ChannelOptions options) {
    return onCallerContext(epoch(channel).compose(cached -> workers.executeBlocking(() -> {
      long offset = ringbuffer(channel, options).tailSequence() + 1;
      return new Position(offset, cached.epoch);
    }, false)));
  }

  @Override
  public Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit) {
    return onCallerContext(epoch(channel).compose(cached -> workers.executeBlocking(() -> {
      Ringbuffer<String> rb = ringbuffer(channel, options);
      long tail = rb.tailSequence();
      Position top = new Position(tail + 1, cached.epoch);
      List<Entry> entries = new ArrayList<>();
      long next = Math.max(fromOffset - 1, rb.headSequence());
      while (next <= tail && entries.size() < limit) {
        int count = (int) Math.min(Math.min(limit - entries.size(), MAX_READ), tail - next + 1);
        ReadResultSet<String> rs = rb.readManyAsync(next, 0, count, null).toCompletableFuture().get();
        if (rs.size() == 0) {
          break;
        }
        for (int i = 0; i < rs.size(); i++) {
          entries.add(new Entry(rs.getSequence(i) + 1, new JsonObject(rs.get(i))));
        }
        next = rs.getNextSequenceToReadFrom();
      }
      return new Page(top, entries);
    }, false)));
  }

  /**
   * {@code result} completing on the calling thread's context: the epoch future is shared by every
   * caller and completes on the first caller's context, and what is composed on it would too.
   */
  private <T> Future<T> onCallerContext(Future<T> result) {
    Promise<T> promise = ((ContextInternal) vertx.getOrCreateContext()).promise();
    result.onComplete(promise);
    return promise.future();
  }

  /**
   * The channel's epoch: cached, else the one in the cluster, else a new one put there. One lookup
   * per channel: concurrent callers share its future, so their appends keep the order of their calls.
   */
  private Future<Cached> epoch(String channel) {
    Future<Cached> cached = cache.get(channel);
    if (cached != null) {
      return cached;
    }
    String candidate = UUID.randomUUID().toString().substring(0, 8);
    Future<Cached> loading = cache.computeIfAbsent(channel, c -> workers.executeBlocking(
      () -> new Cached(Objects.requireNonNullElse(epochs.putIfAbsent(channel, candidate), candidate)), true));
    loading.onFailure(err -> cache.remove(channel, loading));
    return loading;
  }

  private void forget(String channel, Cached stale) {
    Future<Cached> current = cache.get(channel);
    if (current != null && current.succeeded() && current.result() == stale) {
      cache.remove(channel, current);
    }
  }

  /** Forgets the cached epochs: called when cluster members leave, as a partition may have been lost. */
  public void forgetEpochs() {
    cache.clear();
  }
}
