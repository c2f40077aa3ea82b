package io.pubsubgateway.history;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.RingbufferConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.ringbuffer.ReadResultSet;
import com.hazelcast.ringbuffer.Ringbuffer;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.channel.ChannelRule;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * {@link HistoryStore} in the Hazelcast cluster the nodes already form. A channel's stream is identified
 * by its epoch: the map {@code __pubsub.epochs} holds, under the channel's name, the stream id
 * {@code <namespace>.<epoch>}, and each epoch has its own ringbuffer
 * {@code __pubsub.h.<namespace>.<epoch>@<channel>} (capacity {@code history.size}, time-to-live
 * {@code history.ttl}, one synchronous backup) whose sequence numbers are the offsets (offset = sequence + 1,
 * from 1 in every epoch). The {@code @<channel>} suffix puts the ringbuffer in the partition of the
 * channel's map key, so the two live and die together: when both copies of a partition are lost, the next
 * use creates a new stream with a new epoch.
 *
 * <p>Expiry ({@link StreamExpiry}): the epoch entry has a time-to-live of ttl + grace, refreshed by a node
 * before an append when its own last refresh is older than ttl / 4, and every ttl / 4 for the channels it
 * retains. When the entry expires, the member owning it destroys that epoch's ringbuffer (a local
 * expired-entry listener). A new epoch of the same channel has another ringbuffer, so a destroy never hits
 * a live stream. Hazelcast's expiry scan is made to visit every partition each second or two
 * ({@link #configure}). Per-channel state of this node that is neither retained nor used for
 * {@link StreamExpiry#forgetAfterMs} is dropped by a sweep every second.
 *
 * <p>Cost per published message: one ringbuffer add on the partition owner, which waits for its backup,
 * before the event-bus publish; about every ttl / 4 one epoch refresh per channel and node. Futures of
 * top/read complete on the caller's Vert.x context; the blocking reads run on a small worker pool.
 */
public final class HazelcastHistoryStore implements HistoryStore {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastHistoryStore.class);
  static final String RINGBUFFER_PREFIX = "__pubsub.h.";
  static final String EPOCHS = "__pubsub.epochs";
  /** Hazelcast's upper bound for one readMany. */
  private static final int MAX_READ = 1000;
  /** Period of the sweep: touches of retained channels, dropping unused per-channel state. */
  static final long SWEEP_PERIOD_MS = 1000;
  /** Hazelcast's expiry scan: once a second instead of every 5 s (see {@link #configure}). */
  static final String EXPIRATION_TASK_PERIOD = "hazelcast.internal.map.expiration.task.period.seconds";
  /** Hazelcast's expiry scan: partitions scanned per round, by default at most 3 per partition thread. */
  static final String EXPIRATION_OPERATION_COUNT = "hazelcast.internal.map.expiration.cleanup.operation.count";

  private final Vertx vertx;
  private final HazelcastInstance hz;
  private final IMap<String, String> epochs;
  private final WorkerExecutor workers;
  /** Destroys of expired streams' ringbuffers: their own pool, so a burst of them does not delay reads. */
  private final WorkerExecutor destroyers;
  /** Where completions of Hazelcast operations continue: one event loop of the node (they never block). */
  final Executor callbacks;
  private final LongSupplier clock = System::currentTimeMillis;
  private final Map<String, StreamView> streams = new ConcurrentHashMap<>();
  private final Map<String, RingbufferAppender> appenders = new ConcurrentHashMap<>();
  private final Map<String, Retained> retained = new ConcurrentHashMap<>();
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong destroyed = new AtomicLong();
  private UUID expiredListener;
  private UUID partitionLostListener;
  private long sweepTimer = -1;

  /** A channel this node retains: how many times, and a touch in flight. */
  private static final class Retained {
    final ChannelOptions options;
    int count;
    final AtomicBoolean touching = new AtomicBoolean();

    Retained(ChannelOptions options) {
      this.options = options;
    }
  }

  public HazelcastHistoryStore(Vertx vertx, HazelcastInstance hz) {
    this.vertx = vertx;
    this.hz = hz;
    this.epochs = hz.getMap(EPOCHS);
    this.workers = vertx.createSharedWorkerExecutor("pubsub-history", 8);
    this.destroyers = vertx.createSharedWorkerExecutor("pubsub-history-expiry", 8);
    ContextInternal loop = ((VertxInternal) vertx).createEventLoopContext();
    this.callbacks = command -> loop.runOnContext(v -> command.run());
  }

  /**
   * Adds to {@code hz} a ringbuffer configuration per namespace with history ({@code __pubsub.h.<namespace>.*};
   * Hazelcast matches the name without its {@code @} suffix, and the dot keeps namespace 1 from matching 10)
   * and the epochs map's. Also makes Hazelcast's background expiry scan visit every partition once a second
   * (unless the Hazelcast config sets these properties): by default it visits at most 3 partitions per
   * partition thread every 5 s, i.e. 6 of 271 on 2 cores, so expired epochs of idle channels — which nothing
   * reads any more — would be found after minutes (measured: 100,000 entries on 2 members, 12% removed after
   * 3 minutes; with these settings all within 10 s).
   */
  public static void configure(Config hz, List<ChannelRule> rules) {
    for (ChannelRule rule : rules) {
      ChannelOptions o = rule.options();
      if (o.history()) {
        hz.addRingBufferConfig(new RingbufferConfig(RINGBUFFER_PREFIX + o.namespace() + ".*")
          .setCapacity(o.historySize())
          .setTimeToLiveSeconds(o.historyTtlSeconds())
          .setBackupCount(1)
          .setAsyncBackupCount(0)
          .setInMemoryFormat(InMemoryFormat.BINARY));
      }
    }
    hz.addMapConfig(new MapConfig(EPOCHS).setBackupCount(1).setAsyncBackupCount(0));
    hz.getSerializationConfig().addDataSerializableFactory(EpochProcessor.FACTORY_ID, EpochProcessor.factory());
    if (hz.getProperty(EXPIRATION_TASK_PERIOD) == null) {
      hz.setProperty(EXPIRATION_TASK_PERIOD, "1");
    }
    if (hz.getProperty(EXPIRATION_OPERATION_COUNT) == null) {
      hz.setProperty(EXPIRATION_OPERATION_COUNT,
        Integer.toString(new HazelcastProperties(hz).getInteger(ClusterProperty.PARTITION_COUNT)));
    }
  }

  /** Listens for expired epochs and lost partitions, and starts the sweep. */
  @Override
  public void start() {
    expiredListener = epochs.addLocalEntryListener(
      (EntryExpiredListener<String, String>) event -> expired(event.getKey(), event.getOldValue()));
    partitionLostListener = hz.getPartitionService().addPartitionLostListener(event -> {
      LOG.warn("partition {} lost: forgetting cached stream epochs", event.getPartitionId());
      forgetEpochs();
    });
    sweepTimer = vertx.setPeriodic(SWEEP_PERIOD_MS, id -> sweep());
  }

  @Override
  public Future<Void> close() {
    if (sweepTimer >= 0) {
      vertx.cancelTimer(sweepTimer);
    }
    if (hz.getLifecycleService().isRunning()) {
      if (expiredListener != null) {
        epochs.removeEntryListener(expiredListener);
      }
      if (partitionLostListener != null) {
        hz.getPartitionService().removePartitionLostListener(partitionLostListener);
      }
    }
    return Future.succeededFuture();
  }

  @Override
  public Future<Position> append(String channel, ChannelOptions options, JsonObject message) {
    Promise<Position> promise = ((ContextInternal) vertx.getOrCreateContext()).promise();
    String item = message.encode();
    long now = clock.getAsLong();
    while (true) {
      RingbufferAppender appender = appenders.computeIfAbsent(channel, c -> new RingbufferAppender(this, c, options));
      if (appender.add(item, promise, now)) {
        return promise.future();
      }
      appenders.remove(channel, appender); // closed by the sweep meanwhile
    }
  }

  /**
   * The stream an append goes to: this node's view while its last touch is within the touch interval (the
   * epoch entry then lives for at least another 3/4 ttl), else the channel's current stream, touched.
   */
  Future<StreamView> streamForAppend(String channel, ChannelOptions options) {
    long now = clock.getAsLong();
    StreamView s = streams.get(channel);
    if (s != null && now - s.touchedAt < StreamExpiry.touchIntervalMs(options.historyTtlSeconds())) {
      s.usedAt = now;
      return Future.succeededFuture(s);
    }
    return load(channel, options, true);
  }

  /**
   * The channel's current stream in the cluster, created when it has none; {@code touch} also refreshes its
   * time-to-live. One operation on the key's owner. Remembers the result as this node's view.
   */
  Future<StreamView> load(String channel, ChannelOptions options, boolean touch) {
    return load(channel, options, touch, null);
  }

  /**
   * A new epoch for a channel whose stream {@code lossy} lost acknowledged messages (its ringbuffer's
   * sequence went back below what this node appended: a partition's owner died before its backup had
   * them); unless another node renewed it already, then that one.
   */
  Future<StreamView> renew(String channel, ChannelOptions options, String lossy) {
    return load(channel, options, true, lossy);
  }

  private Future<StreamView> load(String channel, ChannelOptions options, boolean touch, String replacing) {
    long seq = loads.incrementAndGet();
    long sent = clock.getAsLong();
    String candidate = StreamView.newId(options, UUID.randomUUID().toString().substring(0, 8));
    EpochProcessor processor = new EpochProcessor(candidate, StreamExpiry.idleSeconds(options.historyTtlSeconds()), touch,
      replacing);
    return completion(epochs.submitToKey(channel, processor))
      .map(id -> remember(channel, options, id, touch || id.equals(candidate) ? sent : 0, seq, sent));
  }

  /**
   * {@code stage} as a Vert.x future, completed on the store's event loop. Not
   * {@code Future.fromCompletionStage} or {@code whenComplete}: Hazelcast runs those callbacks on its
   * default async executor, which on a machine with 2 cores (common pool parallelism 1) starts a new thread
   * per callback; and its own response threads may not start further operations.
   */
  <T> Future<T> completion(CompletionStage<T> stage) {
    Promise<T> promise = Promise.promise();
    stage.whenCompleteAsync((result, err) -> {
      if (err != null) {
        promise.fail(err);
      } else {
        promise.complete(result);
      }
    }, callbacks);
    return promise.future();
  }

  /** Makes {@code id} this node's view of the channel unless a later load already found another stream. */
  private StreamView remember(String channel, ChannelOptions options, String id, long touchedAt, long seq, long now) {
    StreamView[] result = new StreamView[1];
    streams.compute(channel, (c, old) -> {
      StreamView s = old != null && (old.id.equals(id) || old.loadSeq > seq) ? old
        : new StreamView(hz, channel, options, id, seq);
      if (s.id.equals(id)) {
        s.touchedAt = Math.max(s.touchedAt, touchedAt);
      }
      s.usedAt = now;
      result[0] = s;
      return s;
    });
    return result[0];
  }

  /** Drops {@code stale} as this node's view of its channel. */
  void forget(StreamView stale) {
    streams.remove(stale.channel, stale);
  }

  @Override
  public Future<Position> top(String channel, ChannelOptions options) {
    return onCaller(load(channel, options, false).compose(s -> workers.executeBlocking(
      () -> new Position(s.ringbuffer().tailSequence() + 1, s.epoch), false)));
  }

  @Override
  public Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit) {
    return onCaller(load(channel, options, false).compose(s -> workers.executeBlocking(() -> {
      Ringbuffer<String> rb = s.ringbuffer();
      long tail = rb.tailSequence();
      Position top = new Position(tail + 1, s.epoch);
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
   * {@code future}, completing on the calling context: the Hazelcast futures complete on Hazelcast's
   * threads, and so would everything composed on them.
   */
  private <T> Future<T> onCaller(Future<T> future) {
    Promise<T> promise = ((ContextInternal) vertx.getOrCreateContext()).promise();
    future.onComplete(promise);
    return promise.future();
  }

  /** Counts; the first retain touches the epoch entry at once (creating the stream when it has none). */
  @Override
  public void retain(String channel, ChannelOptions options) {
    Retained r = retained.compute(channel, (c, old) -> {
      Retained now = old != null ? old : new Retained(options);
      now.count++;
      return now;
    });
    if (r.count == 1) {
      touch(channel, r);
    }
  }

  @Override
  public void release(String channel) {
    retained.computeIfPresent(channel, (c, r) -> --r.count <= 0 ? null : r);
  }

  private void touch(String channel, Retained r) {
    if (!r.touching.compareAndSet(false, true)) {
      return;
    }
    load(channel, r.options, true).onComplete(ar -> {
      r.touching.set(false);
      if (ar.failed()) {
        LOG.warn("channel {}: stream not refreshed (retried in {} ms): {}", channel, SWEEP_PERIOD_MS,
          ar.cause().toString());
      }
    });
  }

  /**
   * Every {@link #SWEEP_PERIOD_MS}: touches retained channels whose last touch is older than the touch
   * interval, closes idle appenders and forgets streams neither retained nor used for
   * {@link StreamExpiry#forgetAfterMs}. Never blocks.
   */
  void sweep() {
    long now = clock.getAsLong();
    retained.forEach((channel, r) -> {
      StreamView s = streams.get(channel);
      if (s == null || now - s.touchedAt >= StreamExpiry.touchIntervalMs(r.options.historyTtlSeconds())) {
        touch(channel, r);
      }
    });
    appenders.forEach((channel, a) -> {
      if (a.closeIfIdle(now)) {
        appenders.remove(channel, a);
      }
    });
    streams.forEach((channel, s) -> {
      if (!retained.containsKey(channel) && !appenders.containsKey(channel)
        && now - s.usedAt >= StreamExpiry.forgetAfterMs(s.options.historyTtlSeconds())) {
        streams.remove(channel, s);
      }
    });
  }

  /** On the member owning the expired epoch entry: its stream is over, its ringbuffer goes. */
  private void expired(String channel, String id) {
    if (id == null) {
      LOG.warn("channel {}: an epoch expired without its value; its ringbuffer stays", channel);
      return;
    }
    StreamView view = streams.get(channel);
    if (view != null && view.id.equals(id)) {
      forget(view);
    }
    destroy(id, channel);
  }

  /** Destroys the ringbuffer of stream {@code id} of {@code channel} (in the whole cluster), off the caller's thread. */
  void destroy(String id, String channel) {
    destroyers.executeBlocking(() -> {
      hz.getRingbuffer(StreamView.ringbufferName(id, channel)).destroy();
      destroyed.incrementAndGet();
      return null;
    }, false).onFailure(err -> LOG.warn("channel {}: ringbuffer of stream {} not destroyed: {}", channel, id,
      err.toString()));
  }

  /** Forgets the cached epochs: called when cluster members leave or a partition is lost, as a stream may have been lost. */
  public void forgetEpochs() {
    streams.clear();
  }

  /** Forgets the cached epochs ({@link #forgetEpochs}). */
  @Override
  public void membershipChanged() {
    forgetEpochs();
  }

  @Override
  public Map<String, Integer> localSizes() {
    return Map.of("streams", streams.size(), "appenders", appenders.size(), "retained", retained.size());
  }

  /** Ringbuffers of expired streams this node destroyed (as the owner of their epoch entries) since start. */
  public long destroyedStreams() {
    return destroyed.get();
  }
}
