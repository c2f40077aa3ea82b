package io.pubsubgateway.hub;

import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part of the node's channel table that one event loop owns: for each of its channels with
 * local subscribers, the one broker subscription this node holds (registered on this shard's
 * context, so its messages arrive on this loop), the channel's {@link StreamSequencer} when it has
 * history, and the {@link LocalHub}s that want its messages. A message is encoded once here; the
 * LocalHubs of this loop get it at once, those of other loops through the {@link Handover}.
 *
 * <p>Threading: all state is touched only on {@code context}; the methods the {@link ChannelHub}
 * calls may be called from any thread and hop onto it (always as a task, never synchronously:
 * a subscriber reacting to a delivery cannot re-enter a fan-out in progress).
 */
final class HubShard {
  private static final Logger LOG = LoggerFactory.getLogger(HubShard.class);

  private final ContextInternal context;
  private final Broker broker;
  private final ChannelPublisher publisher;
  private final GatewayMetrics metrics;
  private final Handover handover;
  private final StreamSequencer.Timers timers;
  private final long gapWaitMs;
  private final NodeChannelListener listener;
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
   * @param context  an event-loop context on this shard's loop
   * @param handover how this shard reaches the LocalHubs, of its own loop and of the others
   */
  HubShard(ContextInternal context, Handover handover, Broker broker, ChannelPublisher publisher,
           GatewayMetrics metrics, long gapWaitMs, NodeChannelListener listener) {
    this.context = context;
    this.listener = listener;
    this.handover = handover;
    this.broker = broker;
    this.publisher = publisher;
    this.metrics = metrics;
    this.gapWaitMs = gapWaitMs;
    this.timers = new StreamSequencer.Timers() {
      @Override
      public long schedule(long delayMs, Runnable task) {
        return context.setTimer(Math.max(1, delayMs), id -> task.run());
      }

      @Override
      public void cancel(long id) {
        context.owner().cancelTimer(id);
      }
    };
  }

  ContextInternal context() {
    return context;
  }

  /** Tasks this shard handed to other loops (for tests). */
  long handOvers() {
    return handover.handOvers();
  }

  /** See {@link ChannelHub#attach}. */
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
    listener.nodeSubscribed(channel);
    entry.options = publisher.options(channel);
    if (entry.options.history()) {
      publisher.history().retain(channel, entry.options); // the stream lives while this node has subscribers
      entry.sequencer = new StreamSequencer(channel, entry.options, publisher.history(), timers,
        new StreamSequencer.Sink() {
          @Override
          public void deliver(byte[] frame, long offset, String epoch) {
            HubShard.this.deliver(entry, channel, frame, offset, epoch);
          }

          @Override
          public void resync(String reason) {
            HubShard.this.resync(channel, entry, reason);
          }
        }, gapWaitMs, Math.max(entry.options.historySize(), ChannelHub.MIN_MAX_PENDING));
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

  /**
   * A broker subscription whose messages count only while it is the entry's current one. Called on
   * this shard's context, which therefore runs its handler.
   */
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

  /** See {@link ChannelHub#detach}. */
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
    listener.nodeUnsubscribed(channel);
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
      handover.resync(a.hub(), channel, a.token(), reason); // behind the deliveries handed over before it
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
      deliver(entry, channel, FrameCodec.encodeReply(event, null, channel, body), 0, null);
    } else if (entry.sequencer != null && headers.get(ChannelPublisher.OFFSET) != null) {
      entry.sequencer.offer(msg.body(), headers);
    } else {
      // channels without history, and direct event-bus publishes of backends (no offset)
      deliver(entry, channel, FrameCodec.encodeRec(channel, msg.body(), headers), 0, null);
    }
  }

  /** The one frame of a message to every attached loop: this loop's at once, the others' handed over. */
  private void deliver(Entry entry, String channel, byte[] frame, long offset, String epoch) {
    for (Attached a : entry.hubs) {
      handover.deliver(a.hub(), channel, frame, offset, epoch);
    }
  }

  private void recordLatency(String publishedAtMicros) {
    try {
      metrics.fanoutStarted(Long.parseLong(publishedAtMicros), GatewayMetrics.nowMicros());
    } catch (NumberFormatException e) {
      // a backend verticle set the header to something else: not ours to measure
    }
  }

  /** See {@link ChannelHub#reposition}. */
  void reposition() {
    context.runOnContext(v -> channels.values().forEach(e -> {
      if (e.sequencer != null) {
        e.sequencer.reposition();
      }
    }));
  }

  /**
   * See {@link ChannelHub#checkRegistrations}: this shard's channels, {@code inFlight} lookups at
   * once. Completes with the number restored.
   */
  Future<Integer> checkRegistrations(ClusterManager cm, int inFlight) {
    Promise<Integer> done = Promise.promise();
    context.runOnContext(v -> {
      List<String> names = new ArrayList<>(channels.keySet());
      if (names.isEmpty()) {
        done.complete(0);
        return;
      }
      AtomicInteger restored = new AtomicInteger();
      AtomicInteger index = new AtomicInteger();
      AtomicInteger running = new AtomicInteger(Math.min(inFlight, names.size()));
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

  /** The LocalHubs attached to any of this shard's channels; completes on this shard's context. */
  Future<Set<LocalHub>> attachedHubs() {
    Promise<Set<LocalHub>> promise = Promise.promise();
    context.runOnContext(v -> {
      Set<LocalHub> hubs = new LinkedHashSet<>();
      channels.values().forEach(e -> e.hubs.forEach(a -> hubs.add(a.hub())));
      promise.complete(hubs);
    });
    return promise.future();
  }

  /** Channels this shard holds a cluster subscription for. */
  int channelCount() {
    return channelCount;
  }
}
