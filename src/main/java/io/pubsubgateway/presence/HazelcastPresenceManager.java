package io.pubsubgateway.presence;

import com.hazelcast.config.Config;
import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastJsonValue;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link PresenceManager} in the Hazelcast cluster: the map {@code __pubsub.presence} (one
 * synchronous backup), key {@code <channel>\n<client>}, value the entry as JSON with indexes on
 * {@code channel} and {@code node}. A presence query is an indexed query on {@code channel}; adding
 * and removing are single-key operations. Blocking queries run on a small worker pool.
 */
public final class HazelcastPresenceManager implements PresenceManager {
  static final String MAP = "__pubsub.presence";

  private final Vertx vertx;
  private final IMap<String, HazelcastJsonValue> map;
  private final WorkerExecutor workers;

  public HazelcastPresenceManager(Vertx vertx, HazelcastInstance hz) {
    this.vertx = vertx;
    this.map = hz.getMap(MAP);
    this.workers = vertx.createSharedWorkerExecutor("pubsub-presence", 4);
  }

  /** Adds the presence map's configuration (backup, indexes) to {@code hz}. */
  public static void configure(Config hz) {
    hz.addMapConfig(new MapConfig(MAP).setBackupCount(1).setAsyncBackupCount(0)
      .addIndexConfig(new IndexConfig(IndexType.HASH, "channel"))
      .addIndexConfig(new IndexConfig(IndexType.HASH, "node")));
  }

  private static String key(String channel, String client) {
    return channel + "\n" + client;
  }

  @Override
  public Future<Void> add(Presence presence) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(map.setAsync(key(presence.channel(), presence.client()),
      new HazelcastJsonValue(presence.toStored().encode())), context);
  }

  @Override
  public Future<Void> remove(String channel, String client) {
    Context context = vertx.getOrCreateContext();
    return Future.fromCompletionStage(map.removeAsync(key(channel, client)), context).mapEmpty();
  }

  @Override
  public Future<List<Presence>> list(String channel) {
    return workers.executeBlocking(() -> {
      List<Presence> list = new ArrayList<>();
      for (HazelcastJsonValue v : map.values(Predicates.equal("channel", channel))) {
        list.add(Presence.fromStored(new JsonObject(v.getValue())));
      }
      list.sort(MemoryPresenceManager.ORDER);
      return list;
    }, false);
  }

  @Override
  public Future<List<Presence>> removeNode(String node) {
    return workers.executeBlocking(() -> {
      List<Presence> removed = new ArrayList<>();
      for (String key : map.keySet(Predicates.equal("node", node))) {
        HazelcastJsonValue v = map.remove(key);
        if (v != null) {
          removed.add(Presence.fromStored(new JsonObject(v.getValue())));
        }
      }
      return removed;
    }, false);
  }
}
