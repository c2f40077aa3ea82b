package io.pubsubgateway.events;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@link OccupancyStore} in the Hazelcast cluster: the map {@code __pubsub.occupancy} (one
 * synchronous backup), key the channel, value the sorted set of the Vert.x ids of the nodes holding
 * it; an empty set is removed. Every change is an entry processor, atomic on its key: claim,
 * release and reclaim are single-key asynchronous calls; removing a departed node runs over all
 * entries on a small worker pool. Nothing here runs per message or per subscriber: only when a
 * node starts or stops holding a channel.
 *
 * <p>After a partition heals, Hazelcast merges the map with its default policy (an entry of the
 * merging side is kept only where the other side has none); the nodes then {@link #reclaim} their
 * channels (see src/docs/events.md).
 */
public final class HazelcastOccupancyStore implements OccupancyStore {
  static final String MAP = "__pubsub.occupancy";

  private final Vertx vertx;
  private final String node;
  private final IMap<String, TreeSet<String>> map;
  private final WorkerExecutor workers;

  public HazelcastOccupancyStore(Vertx vertx, HazelcastInstance hz, String node) {
    this.vertx = vertx;
    this.node = node;
    this.map = hz.getMap(MAP);
    this.workers = vertx.createSharedWorkerExecutor("pubsub-occupancy", 2);
  }

  /** Adds the occupancy map's configuration (one synchronous backup) to {@code hz}. */
  public static void configure(Config hz) {
    hz.addMapConfig(new MapConfig(MAP).setBackupCount(1).setAsyncBackupCount(0));
  }

  @Override
  public Future<Boolean> claim(String channel) {
    return submit(channel, new Claim(node));
  }

  @Override
  public Future<Boolean> release(String channel) {
    return submit(channel, new Release(node));
  }

  @Override
  public Future<Boolean> reclaim(String channel) {
    return submit(channel, new Reclaim(node));
  }

  /** The processor's answer; a call Hazelcast refuses at once (instance not active) is a failed future. */
  private Future<Boolean> submit(String channel, EntryProcessor<String, TreeSet<String>, Boolean> processor) {
    try {
      return Future.fromCompletionStage(map.submitToKey(channel, processor), vertx.getOrCreateContext());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<List<String>> removeNode(String departed) {
    return workers.executeBlocking(() -> {
      List<String> emptied = new ArrayList<>();
      for (Map.Entry<String, Boolean> e : map.executeOnEntries(new Release(departed)).entrySet()) {
        if (Boolean.TRUE.equals(e.getValue())) {
          emptied.add(e.getKey());
        }
      }
      return emptied;
    }, false);
  }

  /** Adds {@code node}; true when the set was empty. */
  static final class Claim implements EntryProcessor<String, TreeSet<String>, Boolean> {
    @Serial
    private static final long serialVersionUID = 1L;
    private final String node;

    Claim(String node) {
      this.node = node;
    }

    @Override
    public Boolean process(Map.Entry<String, TreeSet<String>> entry) {
      TreeSet<String> set = entry.getValue();
      boolean wasEmpty = set == null || set.isEmpty();
      TreeSet<String> next = set == null ? new TreeSet<>() : set;
      next.add(node);
      entry.setValue(next);
      return wasEmpty;
    }
  }

  /** Removes {@code node}; true when that emptied the set (which is then removed). */
  static final class Release implements EntryProcessor<String, TreeSet<String>, Boolean> {
    @Serial
    private static final long serialVersionUID = 1L;
    private final String node;

    Release(String node) {
      this.node = node;
    }

    @Override
    public Boolean process(Map.Entry<String, TreeSet<String>> entry) {
      TreeSet<String> set = entry.getValue();
      if (set == null || !set.remove(node)) {
        return false;
      }
      entry.setValue(set.isEmpty() ? null : set);
      return set.isEmpty();
    }
  }

  /** Adds {@code node}; true when it is then the set's first id. */
  static final class Reclaim implements EntryProcessor<String, TreeSet<String>, Boolean> {
    @Serial
    private static final long serialVersionUID = 1L;
    private final String node;

    Reclaim(String node) {
      this.node = node;
    }

    @Override
    public Boolean process(Map.Entry<String, TreeSet<String>> entry) {
      TreeSet<String> next = entry.getValue() == null ? new TreeSet<>() : entry.getValue();
      next.add(node);
      entry.setValue(next);
      return next.first().equals(node);
    }
  }
}
