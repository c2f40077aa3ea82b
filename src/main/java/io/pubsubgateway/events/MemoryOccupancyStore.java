package io.pubsubgateway.events;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link OccupancyStore} of a standalone node, in memory: its node is the only member of any set.
 * Futures complete at once, on the calling thread.
 */
public final class MemoryOccupancyStore implements OccupancyStore {
  private final String node;
  private final Map<String, TreeSet<String>> sets = new ConcurrentHashMap<>();

  public MemoryOccupancyStore(String node) {
    this.node = node;
  }

  @Override
  public Future<Boolean> claim(String channel) {
    boolean[] wasEmpty = new boolean[1];
    sets.compute(channel, (k, set) -> {
      wasEmpty[0] = set == null || set.isEmpty();
      TreeSet<String> next = set == null ? new TreeSet<>() : set;
      next.add(node);
      return next;
    });
    return Future.succeededFuture(wasEmpty[0]);
  }

  @Override
  public Future<Boolean> release(String channel) {
    boolean[] emptied = new boolean[1];
    sets.computeIfPresent(channel, (k, set) -> {
      emptied[0] = set.remove(node) && set.isEmpty();
      return set.isEmpty() ? null : set;
    });
    return Future.succeededFuture(emptied[0]);
  }

  @Override
  public Future<Boolean> reclaim(String channel) {
    boolean[] first = new boolean[1];
    sets.compute(channel, (k, set) -> {
      TreeSet<String> next = set == null ? new TreeSet<>() : set;
      next.add(node);
      first[0] = next.first().equals(node);
      return next;
    });
    return Future.succeededFuture(first[0]);
  }

  @Override
  public Future<List<String>> removeNode(String departed) {
    List<String> emptied = new ArrayList<>();
    for (String channel : List.copyOf(sets.keySet())) {
      sets.computeIfPresent(channel, (k, set) -> {
        if (set.remove(departed) && set.isEmpty()) {
          emptied.add(channel);
        }
        return set.isEmpty() ? null : set;
      });
    }
    return Future.succeededFuture(emptied);
  }
}
