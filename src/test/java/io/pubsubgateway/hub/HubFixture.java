package io.pubsubgateway.hub;

import io.netty.channel.EventLoop;
import io.pubsubgateway.cluster.ClusterQuorum;
import io.pubsubgateway.config.ClusterConfig;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.history.MemoryHistoryStore;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.MemoryBroker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One node's hub, in process: a real Vert.x with {@value #LOOPS} event loops, the {@link ChannelHub}
 * with its shard on each of them (each on a context of its own), and a {@link LocalHub} per loop as
 * each {@code GatewayVerticle} instance has (sharing its thread with that loop's shard, on another
 * context), over a {@link MemoryBroker} that stamps publishes and a {@link MemoryHistoryStore} whose
 * retains are counted. Channels named {@code hist.*} have history; others have none. A fixture may
 * also put LocalHubs on some loops only, or two on one loop (a mismatch of event loops and server
 * verticles).
 */
final class HubFixture implements AutoCloseable {
  static final int LOOPS = 4;
  static final ChannelOptions HISTORY = new ChannelOptions(0, false, false, 10, 60, false);

  final Vertx vertx;
  final List<EventLoop> eventLoops = new ArrayList<>();
  final MemoryBroker broker;
  final CountingHistory history = new CountingHistory(new MemoryHistoryStore());
  final GatewayMetrics metrics = GatewayMetrics.prometheus();
  final ChannelPublisher publisher;
  final ChannelHub hub;
  final List<Loop> loops = new ArrayList<>();

  /**
   * A {@code GatewayVerticle}'s event loop: its context and its {@link LocalHub}; {@code eventLoop}
   * is the index of its Netty event loop (the same as {@code index} in the default fixture).
   */
  record Loop(int index, int eventLoop, Context context, LocalHub hub) {
  }

  /** A LocalHub on each of the {@value #LOOPS} event loops, in their order. */
  HubFixture() {
    this(0, 1, 2, 3);
    Set<Thread> threads = new HashSet<>();
    for (Loop l : loops) {
      threads.add(on(l.context(), Thread::currentThread));
    }
    assertEquals(LOOPS, threads.size(), "each LocalHub on its own event loop");
  }

  /** A LocalHub on each of the given event loops (by index; twice: two on that loop), in this order. */
  HubFixture(int... serverLoops) {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(LOOPS));
    VertxInternal internal = (VertxInternal) vertx;
    internal.nettyEventLoopGroup().forEach(e -> eventLoops.add((EventLoop) e));
    assertEquals(LOOPS, eventLoops.size());
    broker = new MemoryBroker(vertx, true);
    publisher = new ChannelPublisher(broker, ch -> ch.startsWith("hist.") ? HISTORY : ChannelOptions.NONE, history,
      ClusterQuorum.none());
    hub = new ChannelHub(vertx, broker, publisher, metrics, ClusterConfig.DEFAULT_GAP_WAIT_MS);
    assertEquals(LOOPS, hub.eventLoops(), "one shard per event loop");
    for (int i = 0; i < serverLoops.length; i++) {
      Context context = internal.contextBuilder().withEventLoop(eventLoops.get(serverLoops[i])).build();
      loops.add(new Loop(i, serverLoops[i], context, new LocalHub(context, hub, metrics)));
    }
    for (Loop l : loops) {
      assertEquals(l.eventLoop(), l.hub().loop(), "the LocalHub found its loop");
      assertTrue(on(l.context(), () -> eventLoops.get(l.eventLoop()).inEventLoop()), "runs on its event loop");
    }
  }

  /** The index of the event loop whose shard owns {@code channel}. */
  int owner(String channel) {
    return eventLoops.indexOf(((ContextInternal) hub.ownerContext(channel)).nettyEventLoop());
  }

  /** {@code count} channel names {@code prefix + n} owned by event loop {@code eventLoop}. */
  List<String> ownedBy(int eventLoop, String prefix, int count) {
    List<String> names = new ArrayList<>();
    for (int n = 0; names.size() < count; n++) {
      if (owner(prefix + n) == eventLoop) {
        names.add(prefix + n);
      }
    }
    return names;
  }

  Loop loop(int i) {
    return loops.get(i);
  }

  /** Runs {@code action} on {@code context} and returns its result (bounded wait). */
  static <T> T on(Context context, Supplier<T> action) {
    return Await.on(context, action);
  }

  /** Subscribes on the subscriber's loop; the returned future is the one {@link LocalHub#subscribe} gave. */
  Future<Void> subscribe(String channel, Recorder subscriber) {
    Loop l = subscriber.loop;
    return on(l.context(), () -> l.hub().subscribe(channel, subscriber));
  }

  /** Subscribes and waits until the node's broker subscription is registered. */
  void subscribed(String channel, Recorder... subscribers) {
    for (Recorder s : subscribers) {
      Await.result(subscribe(channel, s));
    }
  }

  void unsubscribe(String channel, Recorder subscriber) {
    Loop l = subscriber.loop;
    on(l.context(), () -> {
      l.hub().unsubscribe(channel, subscriber);
      return null;
    });
  }

  /**
   * Attaches and detaches from every loop at once: each loop, {@code rounds} times, subscribes a new
   * subscriber to one of {@code channels} and unsubscribes it in the same turn, in the next turn, or
   * once the subscription is ready (the pattern differs per loop, so the loops' attaches and detaches
   * of a channel interleave at its shard), then yields the loop. Returns, once every loop is done,
   * the futures every subscribe gave.
   */
  List<Future<Void>> race(List<String> channels, int rounds) {
    List<Future<Void>> loopsDone = new ArrayList<>();
    List<Future<Void>> readies = Collections.synchronizedList(new ArrayList<>());
    for (Loop l : loops) {
      Promise<Void> done = Promise.promise();
      loopsDone.add(done.future());
      l.context().runOnContext(v -> round(l, channels, 0, rounds, readies, done));
    }
    Await.result(Future.all(loopsDone));
    return readies;
  }

  private void round(Loop l, List<String> channels, int i, int rounds, List<Future<Void>> readies,
                     Promise<Void> done) {
    if (i == rounds) {
      // the unsubscribes of the last rounds were queued behind this turn or wait for a ready: let them run
      Future.join(new ArrayList<>(readies)).onComplete(ar -> l.context().runOnContext(v -> done.complete()));
      return;
    }
    String channel = channels.get((i * 7 + l.index()) % channels.size());
    Recorder s = new Recorder("r" + l.index() + "." + i, l);
    Future<Void> ready = l.hub().subscribe(channel, s);
    readies.add(ready);
    switch ((i + l.index()) % 3) {
      case 0 -> l.hub().unsubscribe(channel, s);
      case 1 -> l.context().runOnContext(v -> l.hub().unsubscribe(channel, s));
      default -> ready.onComplete(ar -> l.hub().unsubscribe(channel, s));
    }
    l.context().runOnContext(v -> round(l, channels, i + 1, rounds, readies, done));
  }

  /**
   * What the hub sees once everything the loops sent it so far is done (attach and detach are queued
   * on its context): channel to local subscriber count over all loops.
   */
  Map<String, Integer> settled() {
    return Await.result(hub.localChannels());
  }

  /**
   * Publishes {@code marker} (a body used once per test) on each channel and waits until each witness
   * received it as its last frame: what was published before it has then reached the witness's loop.
   */
  void fence(String marker, Map<String, List<Recorder>> witnesses) {
    witnesses.forEach((channel, recorders) -> Await.result(publisher.publish(channel, marker, null)));
    witnesses.forEach((channel, recorders) -> recorders.forEach(r -> r.awaitLast(rec(channel, "\"" + marker + "\""))));
  }

  /** The exact {@code rec} frame of a message without headers; {@code bodyJson} as it is on the wire. */
  static String rec(String channel, String bodyJson) {
    return "{\"type\":\"rec\",\"address\":\"" + channel + "\",\"body\":" + bodyJson + "}";
  }

  Recorder recorder(String name, int loop) {
    return new Recorder(name, loops.get(loop));
  }

  @Override
  public void close() {
    Await.result(vertx.close());
  }

  /**
   * One delivery to a {@link Subscriber}, with the context it ran on and whether it ran within the
   * broker's handler (synchronously, without a task in between).
   */
  record Delivery(String channel, byte[] frame, long offset, String epoch, Context context, boolean inBrokerHandler) {
    String text() {
      return new String(frame, StandardCharsets.UTF_8);
    }
  }

  /**
   * A subscriber on one loop that records what it is given; {@link #accept} says whether it takes
   * frames (false: a closing connection). Read from the test thread, written on its loop.
   */
  static final class Recorder implements Subscriber {
    final String name;
    final Loop loop;
    private final List<Delivery> deliveries = new ArrayList<>();
    private final List<String> resyncs = new ArrayList<>();
    private final List<Integer> deliveriesAtResync = new ArrayList<>();
    volatile boolean accept = true;
    /** Run on its loop after each delivery (for subscribers that act while a frame is delivered). */
    volatile Runnable onDeliver = () -> { };

    Recorder(String name, Loop loop) {
      this.name = name;
      this.loop = loop;
    }

    @Override
    public boolean deliver(String channel, byte[] frame, long offset, String epoch) {
      synchronized (this) {
        deliveries.add(new Delivery(channel, frame, offset, epoch, Vertx.currentContext(), MemoryBroker.inHandler()));
      }
      onDeliver.run();
      return accept;
    }

    @Override
    public void resync(String channel, String reason) {
      synchronized (this) {
        resyncs.add(channel + ": " + reason);
        deliveriesAtResync.add(deliveries.size());
      }
    }

    synchronized List<Delivery> deliveries() {
      return List.copyOf(deliveries);
    }

    synchronized List<String> frames() {
      return deliveries.stream().map(Delivery::text).toList();
    }

    synchronized List<String> resyncs() {
      return List.copyOf(resyncs);
    }

    /** How many deliveries it had received when it was told to resync, per resync. */
    synchronized List<Integer> deliveriesAtResync() {
      return List.copyOf(deliveriesAtResync);
    }

    synchronized int count() {
      return deliveries.size();
    }

    void awaitLast(String frame) {
      Await.until(name + " receives " + frame, () -> {
        List<String> f = frames();
        return !f.isEmpty() && f.get(f.size() - 1).equals(frame);
      });
    }

    void awaitResyncs(int n) {
      Await.until(name + " is told to resync " + n + " time(s)", () -> resyncs().size() >= n);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The store, counting the hub's retains and releases per channel. */
  static final class CountingHistory implements HistoryStore {
    private final HistoryStore store;
    private final Map<String, AtomicInteger> retains = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> releases = new ConcurrentHashMap<>();

    CountingHistory(HistoryStore store) {
      this.store = store;
    }

    int retains(String channel) {
      return retains.getOrDefault(channel, new AtomicInteger()).get();
    }

    int releases(String channel) {
      return releases.getOrDefault(channel, new AtomicInteger()).get();
    }

    @Override
    public Future<Position> append(String channel, ChannelOptions options, JsonObject message) {
      return store.append(channel, options, message);
    }

    @Override
    public Future<Position> top(String channel, ChannelOptions options) {
      return store.top(channel, options);
    }

    @Override
    public Future<Page> read(String channel, ChannelOptions options, long fromOffset, int limit) {
      return store.read(channel, options, fromOffset, limit);
    }

    @Override
    public void retain(String channel, ChannelOptions options) {
      retains.computeIfAbsent(channel, c -> new AtomicInteger()).incrementAndGet();
      store.retain(channel, options);
    }

    @Override
    public void release(String channel) {
      releases.computeIfAbsent(channel, c -> new AtomicInteger()).incrementAndGet();
      store.release(channel);
    }

    @Override
    public Map<String, Integer> localSizes() {
      return store.localSizes();
    }
  }
}
