package io.pubsubgateway.hub;

import io.netty.channel.EventLoop;
import io.vertx.core.internal.ContextInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * How one {@link HubShard} reaches the {@link LocalHub}s of a channel: a LocalHub of the shard's own
 * loop at once, from the caller; those of other event loops through a hand-over once per turn of the
 * shard's loop: during a turn the deliveries (and resyncs) for each other loop are
 * appended to that loop's list; the first item of a turn queues one hand-over task behind the work
 * already on the shard's loop (a turn, as for the {@code FlushBatcher}), which gives each non-empty
 * list to its loop as one task. That task delivers the list in order, each item under its LocalHub's
 * context.
 *
 * <p>Order: a channel has one owner shard, each list is in the order the shard produced its items,
 * and a loop runs the tasks it is given in the order they were queued — so every loop sees a
 * channel's messages, and its resync after them, in the order the owner delivered them.
 *
 * <p>Threading: {@link #deliver} and {@link #resync} only on the shard's loop; a handed-over list
 * belongs to its target loop from then on (the task queue publishes it), so nothing is shared.
 */
final class Handover {
  private static final Logger LOG = LoggerFactory.getLogger(Handover.class);

  private final ContextInternal owner;
  /** The owner's loop among {@code loops}. */
  private final int ownerLoop;
  private final List<EventLoop> loops;
  /** Items for each loop during this turn, by loop index; null when there is none. */
  private final List<Item>[] pending;
  private final Runnable handOverTask = this::handOver;
  private boolean scheduled;
  /** Hand-over tasks given to other loops; written on the owner's loop only. */
  private volatile long handOvers;

  /** One delivery or resync for a LocalHub of another loop. */
  private sealed interface Item permits Delivery, Resync {
    void run();
  }

  private record Delivery(LocalHub hub, String channel, byte[] frame, long offset, String epoch) implements Item {
    @Override
    public void run() {
      hub.deliverOnLoop(channel, frame, offset, epoch);
    }
  }

  private record Resync(LocalHub hub, String channel, Object token, String reason) implements Item {
    @Override
    public void run() {
      hub.resyncOnLoop(channel, token, reason);
    }
  }

  /**
   * @param owner     the shard's context
   * @param ownerLoop the index of its loop among {@code loops}
   * @param loops     the hub's event loops, by index ({@link LocalHub#loop()})
   */
  @SuppressWarnings("unchecked")
  Handover(ContextInternal owner, int ownerLoop, List<EventLoop> loops) {
    this.owner = owner;
    this.ownerLoop = ownerLoop;
    this.loops = loops;
    this.pending = new List[loops.size()];
  }

  /**
   * Delivers {@code frame} to {@code hub}: at once when it is on the owner's loop, else after what
   * was given to its loop before.
   */
  void deliver(LocalHub hub, String channel, byte[] frame, long offset, String epoch) {
    if (hub.loop() == ownerLoop) {
      hub.deliverOnLoop(channel, frame, offset, epoch);
    } else {
      add(hub.loop(), new Delivery(hub, channel, frame, offset, epoch));
    }
  }

  /**
   * Tells {@code hub} to resync: at once when it is on the owner's loop, else after what was given to
   * its loop before (the deliveries that preceded the resync).
   */
  void resync(LocalHub hub, String channel, Object token, String reason) {
    if (hub.loop() == ownerLoop) {
      hub.resyncOnLoop(channel, token, reason);
    } else {
      add(hub.loop(), new Resync(hub, channel, token, reason));
    }
  }

  private void add(int loop, Item item) {
    List<Item> list = pending[loop];
    if (list == null) {
      list = new ArrayList<>();
      pending[loop] = list;
    }
    list.add(item);
    if (!scheduled) {
      scheduled = true;
      owner.executor().execute(handOverTask);
    }
  }

  private void handOver() {
    scheduled = false;
    for (int i = 0; i < pending.length; i++) {
      List<Item> batch = pending[i];
      if (batch == null) {
        continue;
      }
      pending[i] = null;
      handOvers++;
      try {
        loops.get(i).execute(() -> {
          for (Item item : batch) {
            item.run();
          }
        });
      } catch (RejectedExecutionException e) {
        LOG.debug("event loop {} is shut down: {} deliveries dropped", i, batch.size());
      }
    }
  }

  /** Hand-over tasks given to other loops so far. */
  long handOvers() {
    return handOvers;
  }
}
