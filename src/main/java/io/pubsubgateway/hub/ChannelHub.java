package io.pubsubgateway.hub;

import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.config.ChannelOptions;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(ChannelHub.class);
  /** How long a message waits for the offsets before it before they are read from the history. */
  static final long GAP_WAIT_MS = 200;

  private final Context context;
  private final Broker broker;
  private final ChannelPublisher publisher;
  private final GatewayMetrics metrics;
  private final Map<String, Entry> channels = new HashMap<>();
  private volatile int channelCount;

  private static final class Entry {
    final List<LocalHub> hubs = new ArrayList<>(4);
    ChannelOptions options;
    MessageConsumer<Object> consumer;
    Future<Void> ready;
    // ordering state of a channel with history
    boolean positioned;
    String epoch;
    long next;
    final TreeMap<Long, Message<Object>> pending = new TreeMap<>();
    long gapTimer = -1;
  }

  public ChannelHub(Context context, Broker broker, ChannelPublisher publisher, GatewayMetrics metrics) {
    this.context = context;
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
          publisher.history().retain(channel, created.options); // the stream lives while this node has subscribers
        }
        created.consumer = broker.subscribe(channel, msg -> dispatch(channel, created, msg));
        created.ready = created.consumer.completion()
          .compose(registered -> created.options.history() ? position(channel, created) : Future.succeededFuture());
        created.ready.onFailure(err -> {
          if (channels.get(channel) == created) {
            channels.remove(channel);
            channelCount = channels.size();
            created.consumer.unregister();
            release(channel, created);
          }
        });
      }
      entry.hubs.add(hub);
      entry.ready.onComplete(promise);
    });
    return promise.future();
  }

  /** Learns where the stream stands; messages that arrived meanwhile were held. */
  private Future<Void> position(String channel, Entry entry) {
    return publisher.history().top(channel, entry.options).map(top -> {
      entry.positioned = true;
      entry.epoch = top.epoch();
      entry.next = top.offset() + 1;
      List<Message<Object>> held = new ArrayList<>(entry.pending.values());
      entry.pending.clear();
      for (Message<Object> m : held) {
        ordered(channel, entry, m);
      }
      return null;
    });
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
        release(channel, entry);
        if (entry.gapTimer >= 0) {
          context.owner().cancelTimer(entry.gapTimer);
        }
      }
    });
  }

  private void release(String channel, Entry entry) {
    if (entry.options.history()) {
      publisher.history().release(channel);
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
      deliver(channel, entry, FrameCodec.encodeReply(event, null, channel, body), 0);
    } else if (entry.options.history() && headers.get(ChannelPublisher.OFFSET) != null) {
      ordered(channel, entry, msg);
    } else {
      // channels without history, and direct event-bus publishes of backends (no offset)
      deliver(channel, entry, FrameCodec.encodeRec(channel, msg.body(), headers), 0);
    }
  }

  private void ordered(String channel, Entry entry, Message<Object> msg) {
    long offset = offsetOf(msg);
    if (!entry.positioned) {
      entry.pending.put(offset, msg);
      return;
    }
    String epoch = msg.headers().get(ChannelPublisher.EPOCH);
    if (epoch != null && !epoch.equals(entry.epoch)) {
      LOG.info("channel {}: stream epoch {} -> {} (history was lost), following the new stream", channel,
        entry.epoch, epoch);
      entry.epoch = epoch;
      entry.next = offset;
      entry.pending.clear();
    }
    if (offset < entry.next) {
      return; // already delivered (read from history while filling a gap)
    }
    if (offset > entry.next) {
      entry.pending.put(offset, msg);
      scheduleGapFill(channel, entry);
      return;
    }
    deliverMessage(channel, entry, msg, offset);
    drain(channel, entry);
  }

  private void deliverMessage(String channel, Entry entry, Message<Object> msg, long offset) {
    deliver(channel, entry, FrameCodec.encodeRec(channel, msg.body(), msg.headers()), offset);
    entry.next = offset + 1;
  }

  /** Delivers held messages that are now next in line. */
  private void drain(String channel, Entry entry) {
    while (!entry.pending.isEmpty() && entry.pending.firstKey() <= entry.next) {
      Map.Entry<Long, Message<Object>> first = entry.pending.pollFirstEntry();
      if (first.getKey() == entry.next) {
        deliverMessage(channel, entry, first.getValue(), first.getKey());
      }
    }
    if (entry.pending.isEmpty() && entry.gapTimer >= 0) {
      context.owner().cancelTimer(entry.gapTimer);
      entry.gapTimer = -1;
    } else if (!entry.pending.isEmpty()) {
      scheduleGapFill(channel, entry);
    }
  }

  private void scheduleGapFill(String channel, Entry entry) {
    if (entry.gapTimer >= 0) {
      return;
    }
    entry.gapTimer = context.owner().setTimer(GAP_WAIT_MS, id -> {
      entry.gapTimer = -1;
      fillGap(channel, entry);
    });
  }

  /** Reads the offsets missing before the first held message from the history, then delivers on. */
  private void fillGap(String channel, Entry entry) {
    if (entry.pending.isEmpty() || channels.get(channel) != entry) {
      return;
    }
    long from = entry.next;
    long upTo = entry.pending.firstKey();
    String epoch = entry.epoch;
    publisher.history().read(channel, entry.options, from, (int) Math.min(upTo - from, Integer.MAX_VALUE))
      .onComplete(ar -> {
        if (channels.get(channel) != entry || !epoch.equals(entry.epoch)) {
          return;
        }
        if (ar.succeeded()) {
          for (HistoryStore.Entry e : ar.result().entries()) {
            if (e.offset() >= entry.next && e.offset() < upTo) {
              deliver(channel, entry, ChannelPublisher.encodeStored(channel, e, epoch), e.offset());
              entry.next = e.offset() + 1;
            }
          }
        } else {
          LOG.warn("channel {}: cannot read offsets {}..{} from history: {}", channel, from, upTo - 1,
            ar.cause().toString());
        }
        if (entry.next < upTo && !entry.pending.isEmpty() && entry.pending.firstKey() == upTo) {
          LOG.warn("channel {}: offsets {}..{} are not in the history any more, skipped", channel, entry.next, upTo - 1);
          entry.next = upTo;
        }
        drain(channel, entry);
      });
  }

  private static long offsetOf(Message<Object> msg) {
    try {
      return Long.parseLong(msg.headers().get(ChannelPublisher.OFFSET));
    } catch (NumberFormatException e) {
      return 0;
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
