package io.pubsubgateway.hub;

import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.protocol.FrameCodec;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's channel table: for each channel with local subscribers, the one broker subscription
 * this node holds and the event loops ({@link LocalHub}s) that want its messages. A message from the
 * broker is encoded once here and handed to each interested event loop.
 *
 * <p>Threading: all state is touched only on {@code context} (one event loop); public methods may
 * be called from any thread and hop onto it.
 */
public final class ChannelHub {
  private final Context context;
  private final Broker broker;
  private final GatewayMetrics metrics;
  private final Map<String, Entry> channels = new HashMap<>();
  private volatile int channelCount;

  private static final class Entry {
    final List<LocalHub> hubs = new ArrayList<>(4);
    MessageConsumer<Object> consumer;
    Future<Void> ready;
  }

  public ChannelHub(Context context, Broker broker, GatewayMetrics metrics) {
    this.context = context;
    this.broker = broker;
    this.metrics = metrics;
  }

  /**
   * Adds {@code hub} as a receiver of {@code channel}; the first one makes this node subscribe in
   * the cluster. The future completes once the cluster subscription is registered.
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
        entry.consumer = broker.subscribe(channel, msg -> dispatch(channel, created, msg));
        entry.ready = entry.consumer.completion();
        entry.ready.onFailure(err -> {
          if (channels.get(channel) == created) {
            channels.remove(channel);
            channelCount = channels.size();
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
    if (entry.hubs.isEmpty()) {
      return;
    }
    byte[] frame = FrameCodec.encodeRec(channel, msg.body(), headers);
    for (LocalHub hub : entry.hubs) {
      hub.deliver(channel, frame);
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
      List<Future<Map<String, Integer>>> perLoop = new ArrayList<>();
      java.util.Set<LocalHub> hubs = new java.util.LinkedHashSet<>();
      channels.values().forEach(e -> hubs.addAll(e.hubs));
      for (LocalHub hub : hubs) {
        perLoop.add(hub.counts());
      }
      Future.all(perLoop).onComplete(ar -> {
        Map<String, Integer> merged = new java.util.TreeMap<>();
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
}
