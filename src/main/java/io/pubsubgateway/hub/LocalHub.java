package io.pubsubgateway.hub;

import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.internal.ContextInternal;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The subscriptions of the connections on one event loop. The first local subscriber of a channel
 * attaches this loop to the node's {@link ChannelHub}; the last one leaving detaches it. Delivery
 * writes the one shared encoded frame to each local subscriber.
 *
 * <p>Threading: every method must be called on {@code context}, an event-loop context. The
 * {@link ChannelHub} calls {@link #deliverOnLoop} and {@link #resyncOnLoop} on this loop's thread,
 * from the shard that owns the channel: synchronously when that shard runs on this loop, else from
 * the task that hands over that shard's deliveries of a turn.
 */
public final class LocalHub {
  private static final Subscriber[] NONE = new Subscriber[0];
  private final ContextInternal context;
  private final ChannelHub channelHub;
  /** This loop's index among the hub's event loops. */
  private final int loop;
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

  /**
   * @param context the event-loop context of this loop's sessions (a server verticle's)
   * @throws IllegalArgumentException when {@code context} is not an event-loop context of the
   *                                  hub's Vert.x instance
   */
  public LocalHub(Context context, ChannelHub channelHub, GatewayMetrics metrics) {
    if (!context.isEventLoopContext()) {
      throw new IllegalArgumentException("a LocalHub needs an event-loop context");
    }
    this.context = (ContextInternal) context;
    this.channelHub = channelHub;
    this.metrics = metrics;
    this.loop = channelHub.register(this.context.nettyEventLoop());
  }

  /** This loop's index among the hub's event loops. */
  int loop() {
    return loop;
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
   * Called by the shard owning {@code channel}, on this loop's thread: writes {@code frame} to local
   * subscribers, under this hub's context (an exception of a subscriber is reported there and does
   * not reach the shard). {@code offset} and {@code epoch} are its stream position on a channel
   * with history, else 0 and null.
   */
  void deliverOnLoop(String channel, byte[] frame, long offset, String epoch) {
    assert context.nettyEventLoop().inEventLoop() : "called off this LocalHub's event loop";
    ContextInternal previous = context.beginDispatch();
    try {
      deliverHere(channel, frame, offset, epoch);
    } catch (Throwable t) {
      context.reportException(t);
    } finally {
      context.endDispatch(previous);
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
   * Called by the shard owning {@code channel}, on this loop's thread, after the deliveries that
   * preceded it: the channel's continuity is lost and the hub dropped it. If {@code token} is still
   * this loop's local channel, it is dropped too and each of its subscribers is told to subscribe
   * again with recovery.
   */
  void resyncOnLoop(String channel, Object token, String reason) {
    assert context.nettyEventLoop().inEventLoop() : "called off this LocalHub's event loop";
    ContextInternal previous = context.beginDispatch();
    try {
      resyncHere(channel, token, reason);
    } catch (Throwable t) {
      context.reportException(t);
    } finally {
      context.endDispatch(previous);
    }
  }

  private void resyncHere(String channel, Object token, String reason) {
    LocalChannel local = channels.get(channel);
    if (local != token) {
      return; // unsubscribed meanwhile (and maybe subscribed again, to the hub's new entry)
    }
    channels.remove(channel);
    for (Subscriber s : local.snapshot()) {
      s.resync(channel, reason);
    }
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
