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
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

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

  @Override
  public Future<Position> append(String channel, ChannelOptions options, JsonObject message) {
    Context context = vertx.getOrCreateContext();
    Ringbuffer<String> rb = ringbuffer(channel, options);
    String item = message.encode();
    return epoch(channel)
      .compose(cached -> Future.fromCompletionStage(rb.addAsync(item, OverflowPolicy.OVERWRITE), context)
        .compose(seq -> {
          long offset = seq + 1;
          if (offset > cached.lastOffset) {
            cached.lastOffset = offset;
            return Future.succeededFuture(new Position(offset, cached.epoch));
          }
          // the stream restarted below what this node saw: it was lost, and with it its epoch
          cache.remove(channel, cached);
          return epoch(channel).map(fresh -> {
            fresh.lastOffset = Math.max(fresh.lastOffset, offset);
            return new Position(offset, fresh.epoch);
          });
        }));
  }

  @Override
  public Future<Position> top(String channel, ChannelOptions options) {
    Context context = vertx.getOrCreateContext();
    return epoch(channel).compose(cached -> workers.executeBlocking(() -> {
      long offset = ringbuffer(channel, options).tailSequence() + 1;
      return new Position(offset, cached.epoch);
    }, false));
  }

  @Override
  public Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit) {
    Context context = vertx.getOrCreateContext();
    return epoch(channel).compose(cached -> workers.executeBlocking(() -> {
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
    }, false));
  }

  /** The channel's epoch: cached, else the one in the cluster, else a new one put there. */
  private Future<Cached> epoch(String channel) {
    Cached cached = cache.get(channel);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    String candidate = UUID.randomUUID().toString().substring(0, 8);
    return workers.executeBlocking(() -> epochs.putIfAbsent(channel, candidate), false).map(existing -> {
      Cached loaded = new Cached(existing == null ? candidate : existing);
      Cached raced = cache.putIfAbsent(channel, loaded);
      return raced != null ? raced : loaded;
    });
  }

  /** Forgets the cached epochs: called when cluster members leave, as a partition may have been lost. */
  public void forgetEpochs() {
    cache.clear();
  }
}
