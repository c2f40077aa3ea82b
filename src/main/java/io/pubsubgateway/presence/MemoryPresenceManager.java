package io.pubsubgateway.presence;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link PresenceManager} in this JVM's memory, for a standalone node. */
public final class MemoryPresenceManager implements PresenceManager {
  static final Comparator<Presence> ORDER = Comparator.comparing(Presence::user).thenComparing(Presence::client);
  private final Map<String, Map<String, Presence>> channels = new ConcurrentHashMap<>();

  @Override
  public Future<Void> add(Presence presence) {
    channels.computeIfAbsent(presence.channel(), c -> new ConcurrentHashMap<>()).put(presence.client(), presence);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> remove(String channel, String client) {
    channels.computeIfPresent(channel, (c, clients) -> {
      clients.remove(client);
      return clients.isEmpty() ? null : clients;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<List<Presence>> list(String channel) {
    List<Presence> list = new ArrayList<>(channels.getOrDefault(channel, Map.of()).values());
    list.sort(ORDER);
    return Future.succeededFuture(list);
  }

  @Override
  public Future<List<Presence>> removeNode(String node) {
    List<Presence> removed = new ArrayList<>();
    for (String channel : channels.keySet()) {
      channels.computeIfPresent(channel, (c, clients) -> {
        clients.values().removeIf(p -> {
          boolean gone = p.node().equals(node);
          if (gone) {
            removed.add(p);
          }
          return gone;
        });
        return clients.isEmpty() ? null : clients;
      });
    }
    return Future.succeededFuture(removed);
  }
}
