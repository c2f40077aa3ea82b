package io.pubsubgateway.hub;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The node's channel table: for each channel with local subscribers, the one broker subscription
 * this node holds and the event loops ({@link LocalHub}s) that want its messages. A message from the
 * broker is encoded once and handed to each interested event loop.
 *
 * <p>Sharded by event loop: the table has one {@link HubShard} per event loop of the Vert.x
 * instance, and a channel belongs to the shard of {@link #ownerIndex its name's hash}. The shard
 * registers the channel's broker subscription on its loop, so the channel's messages arrive there,
 * runs its {@link StreamSequencer} there and keeps its attach/detach count there, single-threaded.
 * The channel's subscribers on the owner loop are delivered synchronously, from the broker's handler;
 * those of other loops get one task per loop per turn of the owner loop ({@link Handover}). A loop
 * that runs no server verticle (no {@link LocalHub}) still owns its share of channels and hands all
 * their messages over.
 *
 * <p>On channels with history a {@link StreamSequencer} delivers in offset order, so every node
 * delivers a channel's messages in the same order, and never past a gap it cannot fill: when a
 * channel's continuity is lost the hub drops the channel and every local subscriber is told to
 * subscribe again with recovery ({@link Subscriber#resync}).
 *
 * <p>After a cluster membership change or a merge the node calls {@link #reposition()} (history
 * channels catch up with what their stream holds, or resync) and {@link #checkRegistrations}
 * (each channel's event-bus registration must exist in the cluster; a missing one is registered
 * again); both run on every shard.
 *
 * <p>Threading: public methods may be called from any thread; each hops onto the owning shard's
 * loop (or every shard's).
 */
public final class ChannelHub {
  /** Lower bound of the messages a history channel may hold behind a gap (else its history size). */
  static final int MIN_MAX_PENDING = 64;
  /** Registration lookups in flight at once during a check, over all shards. */
  private static final int CHECKS_IN_FLIGHT = 16;

  private final Broker broker;
  private final ChannelPublisher publisher;
  private final GatewayMetrics metrics;
  private final List<EventLoop> loops;
  private final HubShard[] shards;
  /** LocalHubs per loop. */
  private final AtomicIntegerArray localHubs;

  /**
   * Creates one shard per event loop of {@code vertx}, each on a context of its own on that loop.
   *
   * @param gapWaitMs how long a message of a history channel waits for the offsets before it before
   *                  they are read from the history ({@code cluster.gapWaitMs})
   */
  public ChannelHub(Vertx vertx, Broker broker, ChannelPublisher publisher, GatewayMetrics metrics,
                    long gapWaitMs) {
    this(vertx, broker, publisher, metrics, gapWaitMs, NodeChannelListener.NONE);
  }

  /**
   * The same, telling {@code listener} when the node starts and stops holding each channel (its
   * first local subscriber arrived, its last one left).
   */
  public ChannelHub(Vertx vertx, Broker broker, ChannelPublisher publisher, GatewayMetrics metrics,
                    long gapWaitMs, NodeChannelListener listener) {
    this.broker = broker;
    this.publisher = publisher;
    this.metrics = metrics;
    VertxInternal internal = (VertxInternal) vertx;
    List<EventLoop> found = new ArrayList<>();
    for (EventExecutor e : internal.nettyEventLoopGroup()) {
      found.add((EventLoop) e);
    }
    this.loops = List.copyOf(found);
    this.localHubs = new AtomicIntegerArray(loops.size());
    this.shards = new HubShard[loops.size()];
    for (int i = 0; i < shards.length; i++) {
      ContextInternal context = internal.contextBuilder().withEventLoop(loops.get(i)).build();
      shards[i] = new HubShard(context, new Handover(context, i, loops), broker, publisher, metrics, gapWaitMs,
        listener);
    }
  }

  /** The index of the shard owning {@code channel} among {@code shards}: a stable hash of its name. */
  static int ownerIndex(String channel, int shards) {
    int h = channel.hashCode();
    return Math.floorMod(h ^ (h >>> 16), shards);
  }

  private HubShard owner(String channel) {
    return shards[ownerIndex(channel, shards.length)];
  }

  /**
   * Counts a {@link LocalHub} on {@code loop}; returns the loop's index.
   *
   * @throws IllegalArgumentException when {@code loop} is not an event loop of the hub's Vert.x
   */
  int register(EventLoop loop) {
    int index = loops.indexOf(loop);
    if (index < 0) {
      throw new IllegalArgumentException("a LocalHub must run on an event loop of the hub's Vert.x instance");
    }
    localHubs.incrementAndGet(index);
    return index;
  }

  /**
   * Adds {@code hub} as a receiver of {@code channel}; the first one makes this node subscribe in
   * the cluster. The future completes once the cluster subscription is registered (and, with
   * history, once the hub knows the stream's position). {@code token} identifies the hub's local
   * channel in a later {@link LocalHub#resyncOnLoop}. Runs as a task on the channel's owner loop.
   */
  Future<Void> attach(String channel, LocalHub hub, Object token) {
    return owner(channel).attach(channel, hub, token);
  }

  /** Removes {@code hub}; the last one makes this node release its cluster subscription. */
  void detach(String channel, LocalHub hub) {
    owner(channel).detach(channel, hub);
  }

  /**
   * After a membership change or a merge: every history channel checks its stream against what this
   * node delivered, delivers what it missed, or resyncs its subscribers.
   */
  public void reposition() {
    for (HubShard shard : shards) {
      shard.reposition();
    }
  }

  /**
   * Checks that the cluster holds this node's registration of every channel it subscribes to, and
   * registers again those that went missing (vertx-hazelcast republishes its own registrations after
   * a member left or a merge, but a merge can still lose some, and a node whose registration is
   * missing receives nothing published elsewhere). Completes with the number restored.
   */
  public Future<Integer> checkRegistrations(ClusterManager cm) {
    int inFlight = Math.max(1, CHECKS_IN_FLIGHT / shards.length);
    List<Future<Integer>> perShard = new ArrayList<>(shards.length);
    for (HubShard shard : shards) {
      perShard.add(shard.checkRegistrations(cm, inFlight));
    }
    return Future.all(perShard).map(all -> {
      int restored = 0;
      for (Future<Integer> f : perShard) {
        restored += f.result();
      }
      if (restored > 0) {
        metrics.registrationsRestored(restored);
      }
      return restored;
    });
  }

  /**
   * What this node's connections subscribe to, as seen by the hub: channel to local subscriber count
   * summed over the event loops.
   */
  public Future<Map<String, Integer>> localChannels() {
    List<Future<Set<LocalHub>>> attached = new ArrayList<>(shards.length);
    for (HubShard shard : shards) {
      attached.add(shard.attachedHubs());
    }
    return Future.all(attached).compose(all -> {
      Set<LocalHub> hubs = new LinkedHashSet<>();
      attached.forEach(f -> hubs.addAll(f.result()));
      List<Future<Map<String, Integer>>> perLoop = new ArrayList<>();
      for (LocalHub hub : hubs) {
        perLoop.add(hub.counts());
      }
      return Future.join(perLoop).transform(ar -> {
        Map<String, Integer> merged = new TreeMap<>();
        for (Future<Map<String, Integer>> f : perLoop) {
          if (f.succeeded()) {
            f.result().forEach((ch, n) -> merged.merge(ch, n, Integer::sum));
          }
        }
        return Future.succeededFuture(merged);
      });
    });
  }

  /** Channels this node holds a cluster subscription for. */
  public int channelCount() {
    int n = 0;
    for (HubShard shard : shards) {
      n += shard.channelCount();
    }
    return n;
  }

  /** The event loops the channels are spread over (every event loop of the Vert.x instance). */
  public int eventLoops() {
    return shards.length;
  }

  /** Event loops without a {@link LocalHub} (no server verticle): they only run their shard. */
  public int loopsWithoutLocalHub() {
    int n = 0;
    for (int i = 0; i < localHubs.length(); i++) {
      if (localHubs.get(i) == 0) {
        n++;
      }
    }
    return n;
  }

  /** The context the shard owning {@code channel} runs on (for tests). */
  Context ownerContext(String channel) {
    return owner(channel).context();
  }

  /** Hand-over tasks all shards gave to other loops so far (for tests). */
  long handOvers() {
    long n = 0;
    for (HubShard shard : shards) {
      n += shard.handOvers();
    }
    return n;
  }

  public Broker broker() {
    return broker;
  }

  public ChannelPublisher publisher() {
    return publisher;
  }
}
