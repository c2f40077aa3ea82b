package io.pubsubgateway.hub;

import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The node's channel table: for each channel with local subscribers, the one broker subscription
 * this node holds and the event loops ({@link LocalHub}s) that want its messages. A message from the
 * broker is encoded once here and handed to each interested event loop.
 *
 * <p>On channels with history a {@link StreamSequencer} delivers in offset order, so every node
 * delivers a channel's messages in the same order, and never past a gap it cannot fill: when a
 * channel's continuity is lost the hub drops the channel and every local subscriber is told to
 * subscribe again with recovery ({@link Subscriber#resync}).
 *
 * <p>After a cluster membership change or a merge the node calls {@link #reposition()} (history
 * channels catch up with what their stream holds, or resync) and {@link #checkRegistrations}
 * (each channel's event-bus registration must exist in the cluster; a missing one is registered
 * again).
 *
 * <p>Threading: all state is touched only on {@code context} (one event loop); public methods may
 * be called from any thread and hop onto it.
 */
public final class ChannelHub {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelHub.class);
  /** Lower bound of the messages a history channel may hold behind a gap (else its history size). */
  static final int MIN_MAX_PENDING = 64;
  /** Registration lookups in flight at once during a check. */
  private static final int CHECKS_IN_FLIGHT = 16;

  private final Context context;
  private final Broker broker;
  private final ChannelPublisher publisher;
  private final GatewayMetrics metrics;
  private final StreamSequencer.Timers timers;
  private final long gapWaitMs;
  private final Map<String, Entry> channels = new HashMap<>();
  private volatile int channelCount;

  /** An event loop's interest in a channel; {@code token} names its local channel there. */
  private record Attached(LocalHub hub, Object token) {
  }

  private static final class Entry {
    final List<Attached> hubs = new ArrayList<>(4);
    ChannelOptions options;
    /** The current subscription; messages reaching another (one being replaced) are ignored. */
    MessageConsumer<Object> consumer;
    Future<Void> ready;
    boolean restoring;
    /** Offset order of a channel with history; null without history. */
    StreamSequencer sequencer;
  }

  /**
   * @param gapWaitMs how long a message of a history channel waits for the offsets before it before
   *                  they are read from the history ({@code cluster.gapWaitMs})
   */
  public ChannelHub(Context context, Broker broker, ChannelPublisher publisher, GatewayMetrics metrics,
                    long gapWaitMs) {
    this.context = context;
    this.gapWaitMs = gapWaitMs;
    this.timers = new StreamSequencer.Timers() {
      @Override
      public long schedule(long delayMs, Runnable task) {
        return context.owner().setTimer(Math.max(1, delayMs), id -> task.run());
      }

      @Override
      public void cancel(long id) {
        context.owner().cancelTimer(id);
      }
    };
    this.broker = broker;
    this.publisher = publisher;
    this.metrics = metrics;
  }

  /**
   * Adds {@code hub} as a receiver of {@code channel}; the first one makes this node subscribe in
   * the cluster. The future completes once the cluster subscription is registered (and, with
   * history, once the hub knows the stream's position). {@code token} identifies the hub's local
   * channel in a later {@link LocalHub#resync}.
   */
  Future<Void> attach(String channel, LocalHub hub, Object token) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      Entry entry = channels.get(channel);
      if (entry == null) {
        entry = create(channel);
      }
      entry.hubs.add(new Attached(hub, token));
      entry.ready.onComplete(promise);
    });
    return promise.future();
  }

  private Entry create(String channel) {
    Entry entry = new Entry();
    channels.put(channel, entry);
    channelCount = channels.size();
    entry.options = publisher.options(channel);
    if (entry.options.history()) {
      publisher.history().retain(channel, entry.options); // the stream lives while this node has subscribers
      entry.sequencer = new StreamSequencer(channel, entry.options, publisher.history(), timers,
        new StreamSequencer.Sink() {
          @Override
          public void deliver(byte[] frame, long offset, String epoch) {
            ChannelHub.this.deliver(channel, entry, frame, offset, epoch);
          }

          @Override
          public void resync(String reason) {
            ChannelHub.this.resync(channel, entry, reason);
          }
        }, gapWaitMs, Math.max(entry.options.historySize(), MIN_MAX_PENDING));
    }
    entry.consumer = subscribe(channel, entry);
    entry.ready = entry.consumer.completion()
      .compose(registered -> entry.sequencer != null ? entry.sequencer.start() : Future.succeededFuture());
    entry.ready.onFailure(err -> {
      if (channels.get(channel) == entry) {
        remove(channel, entry);
      }
    });
    return entry;
  }

  /** A broker subscription whose messages count only while it is the entry's current one. */
  private MessageConsumer<Object> subscribe(String channel, Entry entry) {
    List<MessageConsumer<Object>> self = new ArrayList<>(1);
    MessageConsumer<Object> consumer = broker.subscribe(channel, msg -> {
      if (entry.consumer == self.get(0)) {
        dispatch(channel, entry, msg);
      }
    });
    self.add(consumer);
    return consumer;
  }

  /** Removes {@code hub}; the last one makes this node release its cluster subscription. */
  void detach(String channel, LocalHub hub) {
    context.runOnContext(v -> {
      Entry entry = channels.get(channel);
      if (entry == null) {
        return;
      }
      entry.hubs.removeIf(a -> a.hub() == hub);
      if (entry.hubs.isEmpty()) {
        remove(channel, entry);
      }
    });
  }

  private void remove(String channel, Entry entry) {
    channels.remove(channel);
    channelCount = channels.size();
    entry.consumer.unregister();
    if (entry.sequencer != null) {
      entry.sequencer.close();
      publisher.history().release(channel);
    }
  }

  /** Continuity of a history channel is lost: the channel is dropped and its local subscribers resync. */
  private void resync(String channel, Entry entry, String reason) {
    if (channels.get(channel) != entry) {
      return;
    }
    metrics.resynced();
    remove(channel, entry);
    for (Attached a : entry.hubs) {
      a.hub().resync(channel, a.token(), reason);
    }
  }

  private void dispatch(String channel, Entry entry, Message<Object> msg) {
    MultiMap headers = msg.headers();
    String publishedAt = headers.get(Broker.PUBLISHED_AT_HEADER);
    if (publishedAt != null) {
      headers.remove(Broker.PUBLISHED_AT_HEADER);
      recordLatency(publishedAt);
    }
    String event = headers.get(ChannelPublisher.EVENT);
    if (event != null) {
      JsonObject body = msg.body() instanceof JsonObject o ? o : new JsonObject();
      deliver(channel, entry, FrameCodec.encodeReply(event, null, channel, body), 0, null);
    } else if (entry.sequencer != null && headers.get(ChannelPublisher.OFFSET) != null) {
      entry.sequencer.offer(msg.body(), headers);
    } else {
      // channels without history, and direct event-bus publishes of backends (no offset)
      deliver(channel, entry, FrameCodec.encodeRec(channel, msg.body(), headers), 0, null);
    }
  }

  private void deliver(String channel, Entry entry, byte[] frame, long offset, String epoch) {
    for (Attached a : entry.hubs) {
      a.hub().deliver(channel, frame, offset, epoch);
    }
  }

  private void recordLatency(String publishedAtMicros) {
    try {
      metrics.fanoutStarted(Long.parseLong(publishedAtMicros), GatewayMetrics.nowMicros());
    } catch (NumberFormatException e) {
      // a backend verticle set the header to something else: not ours to measure
    }
  }

  /**
   * After a membership change or a merge: every history channel checks its stream against what this
   * node delivered, delivers what it missed, or resyncs its subscribers.
   */
  public void reposition() {
    context.runOnContext(v -> channels.values().forEach(e -> {
      if (e.sequencer != null) {
        e.sequencer.reposition();
      }
    }));
  }

  /**
   * Checks that the cluster holds this node's registration of every channel it subscribes to, and
   * registers again those that went missing (vertx-hazelcast republishes its own registrations after
   * a member left or a merge, but a merge can still lose some, and a node whose registration is
   * missing receives nothing published elsewhere). Completes with the number restored.
   */
  public Future<Integer> checkRegistrations(ClusterManager cm) {
    Promise<Integer> done = Promise.promise();
    context.runOnContext(v -> {
      List<String> names = new ArrayList<>(channels.keySet());
      AtomicInteger restored = new AtomicInteger();
      AtomicInteger index = new AtomicInteger();
      AtomicInteger running = new AtomicInteger(Math.min(CHECKS_IN_FLIGHT, names.size()));
      if (names.isEmpty()) {
        done.complete(0);
        return;
      }
      for (int i = 0; i < running.get(); i++) {
        checkNext(cm, names, index, restored, running, done);
      }
    });
    return done.future();
  }

  private void checkNext(ClusterManager cm, List<String> names, AtomicInteger index, AtomicInteger restored,
                         AtomicInteger running, Promise<Integer> done) {
    int i = index.getAndIncrement();
    if (i >= names.size()) {
      if (running.decrementAndGet() == 0) {
        if (restored.get() > 0) {
          metrics.registrationsRestored(restored.get());
        }
        done.complete(restored.get());
      }
      return;
    }
    String channel = names.get(i);
    Promise<List<RegistrationInfo>> lookup = Promise.promise();
    cm.getRegistrations(broker.address(channel), lookup);
    lookup.future().onComplete(ar -> context.runOnContext(v -> {
      Entry entry = channels.get(channel);
      if (ar.succeeded() && entry != null && !entry.restoring && entry.ready.succeeded()
        && ar.result().stream().noneMatch(r -> r.nodeId().equals(cm.getNodeId()) && !r.localOnly())) {
        restored.incrementAndGet();
        restore(channel, entry);
      } else if (ar.failed()) {
        LOG.warn("cannot read the cluster's registrations of {}: {}", channel, ar.cause().toString());
      }
      checkNext(cm, names, index, restored, running, done);
    }));
  }

  /** Registers the channel again; the new subscription replaces the old once it is registered. */
  private void restore(String channel, Entry entry) {
    LOG.warn("channel {}: this node's registration is missing in the cluster: registering it again", channel);
    entry.restoring = true;
    MessageConsumer<Object> fresh = subscribe(channel, entry);
    fresh.completion().onComplete(ar -> {
      entry.restoring = false;
      if (channels.get(channel) != entry || ar.failed()) {
        if (ar.failed()) {
          LOG.warn("channel {}: registering again failed: {}", channel, ar.cause().toString());
        }
        fresh.unregister();
        return;
      }
      MessageConsumer<Object> old = entry.consumer;
      entry.consumer = fresh;
      old.unregister();
      if (entry.sequencer != null) {
        entry.sequencer.reposition(); // what was published while nobody sent it here
      }
    });
  }

  /**
   * What this node's connections subscribe to, as seen by the hub: channel to local subscriber count
   * summed over the event loops. Completes on the hub's context.
   */
  public Future<Map<String, Integer>> localChannels() {
    Promise<Map<String, Integer>> promise = Promise.promise();
    context.runOnContext(v -> {
      Set<LocalHub> hubs = new LinkedHashSet<>();
      channels.values().forEach(e -> e.hubs.forEach(a -> hubs.add(a.hub())));
      List<Future<Map<String, Integer>>> perLoop = new ArrayList<>();
      for (LocalHub hub : hubs) {
        perLoop.add(hub.counts());
      }
      Future.all(perLoop).onComplete(ar -> {
        Map<String, Integer> merged = new TreeMap<>();
        for (Future<Map<String, Integer>> f : perLoop) {
          if (f.succeeded()) {
            f.result().forEach((ch, n) -> merged.merge(ch, n, Integer::sum));
          }
        }
        promise.complete(merged);
      });
    });
    return promise.future();
  }

  /** Channels this node holds a cluster subscription for. */
  public int channelCount() {
    return channelCount;
  }

  public Broker broker() {
    return broker;
  }

  public ChannelPublisher publisher() {
    return publisher;
  }
}
