package io.pubsubgateway.history;

import io.pubsubgateway.channel.ChannelOptions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * {@link HistoryStore} in this JVM's memory, for a standalone node ({@code cluster.enabled: false}):
 * lost when the node stops, so a restarted node starts every stream with a new epoch.
 *
 * <p>Streams expire as in the cluster ({@link StreamExpiry}): a stream that is not retained and had no
 * append (nor was created or released) for {@code history.ttl + grace} is gone; the next use starts a new
 * one, with a new epoch, from offset 1. Expired streams are found on use and by a sweep that runs at most
 * every {@value #SWEEP_EVERY_MS} ms, piggybacked on the store's calls.
 */
public final class MemoryHistoryStore implements HistoryStore {
  /** How often at most a call of the store also sweeps expired streams. */
  static final long SWEEP_EVERY_MS = 1000;
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();
  private final LongSupplier clockMs;
  private final AtomicLong lastSweep;

  public MemoryHistoryStore() {
    this(System::currentTimeMillis);
  }

  MemoryHistoryStore(LongSupplier clockMs) {
    this.clockMs = clockMs;
    this.lastSweep = new AtomicLong(clockMs.getAsLong());
  }

  private record Stored(long offset, long expiresAtMs, JsonObject message) {
  }

  /** One stream; guarded by its own lock. A stream removed from the map is dead: users retry with a new one. */
  private static final class Stream {
    final String epoch = UUID.randomUUID().toString().substring(0, 8);
    final ArrayDeque<Stored> entries = new ArrayDeque<>();
    final long idleMs;
    long last;
    int retained;
    long activeAt;
    boolean dead;

    Stream(ChannelOptions options, long now) {
      this.idleMs = StreamExpiry.idleSeconds(options.historyTtlSeconds()) * 1000L;
      this.activeAt = now;
    }

    boolean expired(long now) {
      return retained == 0 && now - activeAt >= idleMs;
    }
  }

  /** Runs {@code body} under the lock of the channel's live stream, made when it has none or it expired. */
  private <T> T withStream(String channel, ChannelOptions options, Function<Stream, T> body) {
    long now = clockMs.getAsLong();
    maybeSweep(now);
    while (true) {
      Stream s = streams.computeIfAbsent(channel, c -> new Stream(options, now));
      synchronized (s) {
        if (s.dead) {
          continue;
        }
        if (s.expired(now)) {
          s.dead = true;
          streams.remove(channel, s);
          continue;
        }
        return body.apply(s);
      }
    }
  }

  @Override
  public Future<Position> append(String channel, ChannelOptions options, JsonObject message) {
    return Future.succeededFuture(withStream(channel, options, s -> {
      long now = clockMs.getAsLong();
      s.last++;
      s.activeAt = now;
      s.entries.addLast(new Stored(s.last, now + options.historyTtlSeconds() * 1000L, message));
      while (s.entries.size() > options.historySize()) {
        s.entries.removeFirst();
      }
      return new Position(s.last, s.epoch);
    }));
  }

  @Override
  public Future<Position> top(String channel, ChannelOptions options) {
    return Future.succeededFuture(withStream(channel, options, s -> new Position(s.last, s.epoch)));
  }

  @Override
  public Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit) {
    return Future.succeededFuture(withStream(channel, options, s -> {
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
      return new Page(new Position(s.last, s.epoch), out);
    }));
  }

  @Override
  public void retain(String channel, ChannelOptions options) {
    withStream(channel, options, s -> ++s.retained);
  }

  /** The ttl of a released stream counts from its release (or its last append, when later). */
  @Override
  public void release(String channel) {
    Stream s = streams.get(channel);
    if (s != null) {
      synchronized (s) {
        if (s.retained > 0 && --s.retained == 0) {
          s.activeAt = Math.max(s.activeAt, clockMs.getAsLong());
        }
      }
    }
  }

  private void maybeSweep(long now) {
    long last = lastSweep.get();
    if (now - last >= SWEEP_EVERY_MS && lastSweep.compareAndSet(last, now)) {
      sweep();
    }
  }

  /** Removes every expired stream now; returns how many. */
  int sweep() {
    long now = clockMs.getAsLong();
    int removed = 0;
    for (Map.Entry<String, Stream> e : streams.entrySet()) {
      Stream s = e.getValue();
      synchronized (s) {
        if (!s.dead && s.expired(now)) {
          s.dead = true;
          streams.remove(e.getKey(), s);
          removed++;
        }
      }
    }
    return removed;
  }

  @Override
  public Map<String, Integer> localSizes() {
    return Map.of("streams", streams.size());
  }
}
