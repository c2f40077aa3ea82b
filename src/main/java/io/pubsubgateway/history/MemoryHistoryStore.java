package io.pubsubgateway.history;

import io.pubsubgateway.config.ChannelOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * {@link HistoryStore} in this JVM's memory, for a standalone node ({@code cluster.enabled: false}):
 * lost when the node stops, so a restarted node starts every stream with a new epoch.
 */
public final class MemoryHistoryStore implements HistoryStore {
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();
  private final LongSupplier clockMs;

  public MemoryHistoryStore() {
    this(System::currentTimeMillis);
  }

  MemoryHistoryStore(LongSupplier clockMs) {
    this.clockMs = clockMs;
  }

  private record Stored(long offset, long expiresAtMs, JsonObject message) {
  }

  private static final class Stream {
    final String epoch = UUID.randomUUID().toString().substring(0, 8);
    final ArrayDeque<Stored> entries = new ArrayDeque<>();
    long last;
  }

  private Stream stream(String channel) {
    return streams.computeIfAbsent(channel, c -> new Stream());
  }

  @Override
  public Future<Position> append(String channel, ChannelOptions options, JsonObject message) {
    Stream s = stream(channel);
    synchronized (s) {
      long now = clockMs.getAsLong();
      s.last++;
      s.entries.addLast(new Stored(s.last, now + options.historyTtlSeconds() * 1000L, message));
      while (s.entries.size() > options.historySize()) {
        s.entries.removeFirst();
      }
      return Future.succeededFuture(new Position(s.last, s.epoch));
    }
  }

  @Override
  public Future<Position> top(String channel, ChannelOptions options) {
    Stream s = stream(channel);
    synchronized (s) {
      return Future.succeededFuture(new Position(s.last, s.epoch));
    }
  }

  @Override
  public Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit) {
    Stream s = stream(channel);
    synchronized (s) {
      long now = clockMs.getAsLong();
      while (!s.entries.isEmpty() && s.entries.peekFirst().expiresAtMs() <= now) {
        s.entries.removeFirst();
      }
      List<Entry> out = new ArrayList<>();
      for (Stored e : s.entries) {
        if (e.offset() >= fromOffset && out.size() < limit) {
          out.add(new Entry(e.offset(), e.message()));
        }
      }
      return Future.succeededFuture(new Page(new Position(s.last, s.epoch), out));
    }
  }
}
