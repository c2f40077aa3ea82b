package io.pubsubgateway.hub;

import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The subscriptions of the connections on one event loop. The first local subscriber of a channel
 * attaches this loop to the node's {@link ChannelHub}; the last one leaving detaches it. Delivery
 * writes the one shared encoded frame to each local subscriber.
 *
 * <p>Threading: every method must be called on {@code context}.
 */
public final class LocalHub {
  private static final Subscriber[] NONE = new Subscriber[0];
  private final Context context;
  private final ChannelHub channelHub;
  private final GatewayMetrics metrics;
  private final Map<String, LocalChannel> channels = new HashMap<>();

  private static final class LocalChannel {
    final Set<Subscriber> subscribers = new LinkedHashSet<>();
    Subscriber[] snapshot = NONE;
    boolean dirty;
    Future<Void> ready;

    Subscriber[] snapshot() {
      if (dirty) {
        snapshot = subscribers.toArray(NONE);
        dirty = false;
      }
      return snapshot;
    }
  }

  public LocalHub(Context context, ChannelHub channelHub, GatewayMetrics metrics) {
    this.context = context;
    this.channelHub = channelHub;
    this.metrics = metrics;
  }

  /**
   * Subscribes {@code subscriber}; the future completes on this loop once the node's cluster
   * subscription for the channel is registered (at once when it already was).
   */
  public Future<Void> subscribe(String channel, Subscriber subscriber) {
    LocalChannel local = channels.get(channel);
    if (local == null) {
      local = new LocalChannel();
      channels.put(channel, local);
      Promise<Void> onLoop = Promise.promise();
      channelHub.attach(channel, this, local).onComplete(ar -> context.runOnContext(v -> onLoop.handle(ar)));
      local.ready = onLoop.future();
    }
    local.subscribers.add(subscriber);
    local.dirty = true;
    return local.ready;
  }

  /** Unsubscribes {@code subscriber}; does nothing when it was not subscribed. */
  public void unsubscribe(String channel, Subscriber subscriber) {
    LocalChannel local = channels.get(channel);
    if (local == null || !local.subscribers.remove(subscriber)) {
      return;
    }
    local.dirty = true;
    if (local.subscribers.isEmpty()) {
      channels.remove(channel);
      channelHub.detach(channel, this);
    }
  }

  /**
   * Called by the {@link ChannelHub} from its loop: writes {@code frame} to local subscribers.
   * {@code offset} and {@code epoch} are its stream position on a channel with history, else 0 and null.
   */
  void deliver(String channel, byte[] frame, long offset, String epoch) {
    if (Vertx.currentContext() == context) {
      deliverHere(channel, frame, offset, epoch);
    } else {
      context.runOnContext(v -> deliverHere(channel, frame, offset, epoch));
    }
  }

  private void deliverHere(String channel, byte[] frame, long offset, String epoch) {
    LocalChannel local = channels.get(channel);
    if (local == null) {
      return;
    }
    int written = 0;
    Subscriber[] subscribers = local.snapshot();
    for (Subscriber s : subscribers) {
      if (s.deliver(channel, frame, offset, epoch)) {
        written++;
      }
    }
    metrics.sent(written, frame.length);
    metrics.dropped(subscribers.length - written);
  }

  /**
   * Called by the {@link ChannelHub}: the channel's continuity is lost and the hub dropped it. If
   * {@code token} is still this loop's local channel, it is dropped too and each of its subscribers
   * is told to subscribe again with recovery.
   */
  void resync(String channel, Object token, String reason) {
    context.runOnContext(v -> {
      LocalChannel local = channels.get(channel);
      if (local != token) {
        return; // unsubscribed meanwhile (and maybe subscribed again, to the hub's new entry)
      }
      channels.remove(channel);
      for (Subscriber s : local.snapshot()) {
        s.resync(channel, reason);
      }
    });
  }

  /** Channel to subscriber count on this loop; completes on the caller's side from this loop. */
  Future<Map<String, Integer>> counts() {
    Promise<Map<String, Integer>> promise = Promise.promise();
    context.runOnContext(v -> {
      Map<String, Integer> counts = new HashMap<>();
      channels.forEach((ch, local) -> counts.put(ch, local.subscribers.size()));
      promise.complete(counts);
    });
    return promise.future();
  }
}
