package io.pubsubgateway.hub;

import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.config.ChannelOptions;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The node's channel table: for each channel with local subscribers, the one broker subscription
 * this node holds and the event loops ({@link LocalHub}s) that want its messages. A message from the
 * broker is encoded once here and handed to each interested event loop.
 *
 * <p>On channels with history the hub delivers in offset order: publishes from different nodes may
 * reach it out of order, so a message ahead of the next expected offset waits; if the missing one
 * does not arrive within {@link #GAP_WAIT_MS} it is read from the history (its publisher appended
 * it before publishing). Every node therefore delivers a channel's messages in the same order.
 *
 * <p>Threading: all state is touched only on {@code context} (one event loop); public methods may
 * be called from any thread and hop onto it.
 */
public final class ChannelHub {
  /** How long a message waits for the offsets before it before they are read from the history. */
  static final long GAP_WAIT_MS = 200;

  private final Context context;
  private final Broker broker;
  private final ChannelPublisher publisher;
  private final GatewayMetrics metrics;
  private final StreamSequencer.Timers timers;
  private final Map<String, Entry> channels = new HashMap<>();
  private volatile int channelCount;

  private static final class Entry {
    final List<LocalHub> hubs = new ArrayList<>(4);
    ChannelOptions options;
    MessageConsumer<Object> consumer;
    Future<Void> ready;
    /** Offset order of a channel with history; null without history. */
    StreamSequencer sequencer;
  }

  public ChannelHub(Context context, Broker broker, ChannelPublisher publisher, GatewayMetrics metrics) {
    this.context = context;
    this.timers = new StreamSequencer.Timers() {
      @Override
      public long schedule(long delayMs, Runnable task) {
        return context.owner().setTimer(delayMs, id -> task.run());
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
   * history, once the hub knows the stream's position).
   */
  Future<Void> attach(String channel, LocalHub hub) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      Entry entry = channels.get(channel);
      if (entry == null) {
        entry = new Entry();
        channels.put(channel, entry);
        channelCount = channels.size();
        Entry created = entry;
        created.options = publisher.options(channel);
        if (created.options.history()) {
          created.sequencer = new StreamSequencer(channel, created.options, publisher.history(), timers,
            (frame, offset) -> deliver(channel, created, frame, offset), GAP_WAIT_MS);
        }
        created.consumer = broker.subscribe(channel, msg -> dispatch(channel, created, msg));
        created.ready = created.consumer.completion()
          .compose(registered -> created.sequencer != null ? created.sequencer.start() : Future.succeededFuture());
        created.ready.onFailure(err -> {
          if (channels.get(channel) == created) {
            channels.remove(channel);
            channelCount = channels.size();
            created.consumer.unregister();
            closeSequencer(created);
          }
        });
      }
      entry.hubs.add(hub);
      entry.ready.onComplete(promise);
    });
    return promise.future();
  }

  /** Removes {@code hub}; the last one makes this node release its cluster subscription. */
  void detach(String channel, LocalHub hub) {
    context.runOnContext(v -> {
      Entry entry = channels.get(channel);
      if (entry == null) {
        return;
      }
      entry.hubs.remove(hub);
      if (entry.hubs.isEmpty()) {
        channels.remove(channel);
        channelCount = channels.size();
        entry.consumer.unregister();
        closeSequencer(entry);
      }
    });
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
      deliver(channel, entry, FrameCodec.encodeReply(event, null, channel, body), 0);
    } else if (entry.sequencer != null && headers.get(ChannelPublisher.OFFSET) != null) {
      entry.sequencer.offer(msg.body(), headers);
    } else {
      // channels without history, and direct event-bus publishes of backends (no offset)
      deliver(channel, entry, FrameCodec.encodeRec(channel, msg.body(), headers), 0);
    }
  }

  private static void closeSequencer(Entry entry) {
    if (entry.sequencer != null) {
      entry.sequencer.close();
    }
  }

  private void deliver(String channel, Entry entry, byte[] frame, long offset) {
    for (LocalHub hub : entry.hubs) {
      hub.deliver(channel, frame, offset);
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
   * What this node's connections subscribe to, as seen by the hub: channel to local subscriber count
   * summed over the event loops. Completes on the hub's context.
   */
  public Future<Map<String, Integer>> localChannels() {
    Promise<Map<String, Integer>> promise = Promise.promise();
    context.runOnContext(v -> {
      Set<LocalHub> hubs = new LinkedHashSet<>();
      channels.values().forEach(e -> hubs.addAll(e.hubs));
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
