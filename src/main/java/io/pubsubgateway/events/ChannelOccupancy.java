package io.pubsubgateway.events;

import io.pubsubgateway.cluster.ClusterMembership;
import io.pubsubgateway.hub.NodeChannelListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Emits {@code channel.occupied} and {@code channel.vacated}, once per transition across the
 * cluster: the hub says when this node starts and stops holding a channel ({@link NodeChannelListener}),
 * this class adds or removes the node in the channel's cluster-wide set ({@link OccupancyStore}),
 * and announces the channel only when the store says this node's change emptied or filled the set.
 * When a member leaves, every remaining node removes it from every set; the one whose removal
 * empties a set announces the vacancy.
 *
 * <p>Per channel, the store sees this node's changes one at a time and in order: a change waits
 * for the one in flight, and changes that cancel out meanwhile (subscribe, unsubscribe, subscribe)
 * collapse into what the node wants at the end. A change that fails (the cluster is unreachable)
 * is tried again after {@link #RETRY_MS}.
 *
 * <p>After a merge (this node merged, or a node that had left came back) every node makes sure its
 * channels are in their sets again; a channel is announced occupied again by the first of its
 * holders in id order (see src/docs/events.md for what a partition does to the guarantees).
 *
 * <p>Threading: thread-safe; the listener calls return at once.
 */
public final class ChannelOccupancy implements NodeChannelListener, ClusterMembership.Observer {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelOccupancy.class);
  /** Wait before a failed change is tried again. */
  static final long RETRY_MS = 1000;
  /** Failed calls are logged at most once per this period. */
  static final long WARN_PERIOD_MS = 10_000;
  /** Wait after a merge before channels are claimed again (Hazelcast merges the data meanwhile). */
  static final long REANNOUNCE_DELAY_MS = 2000;
  /** Departed node ids kept to recognise one that comes back after a partition. */
  private static final int DEPARTED_KEPT = 1024;

  /** What announces the transitions: the node's events. */
  public interface Announcer {
    void occupied(String channel);

    void vacated(String channel);
  }

  private enum Op { CLAIM, RELEASE, RECLAIM }

  /** One channel's state on this node; guarded by the map's compute on its key. */
  private static final class State {
    /** The hub holds the channel. */
    boolean want;
    /** The store has this node in the channel's set. */
    boolean have;
    /** A store call is in flight (or waiting for its retry). */
    volatile boolean busy;
    /** A reclaim is due once the call in flight is done. */
    boolean reclaim;
  }

  private final Vertx vertx;
  private final OccupancyStore store;
  private final Announcer announcer;
  private final Map<String, State> channels = new ConcurrentHashMap<>();
  private final Set<String> departed = new LinkedHashSet<>();
  private volatile boolean stopped;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_PERIOD_MS * 1_000_000);

  public ChannelOccupancy(Vertx vertx, OccupancyStore store, Announcer announcer) {
    this.vertx = vertx;
    this.store = store;
    this.announcer = announcer;
  }

  @Override
  public void nodeSubscribed(String channel) {
    want(channel, true);
  }

  @Override
  public void nodeUnsubscribed(String channel) {
    want(channel, false);
  }

  private void want(String channel, boolean want) {
    Op[] next = new Op[1];
    channels.compute(channel, (k, s) -> {
      State state = s == null ? new State() : s;
      state.want = want;
      next[0] = nextOp(state);
      return keep(state);
    });
    run(channel, next[0]);
  }

  /** The call to make now, marking the state busy; null when none is due or one is in flight. */
  private static Op nextOp(State s) {
    if (s.busy) {
      return null;
    }
    Op op = s.want != s.have ? (s.want ? Op.CLAIM : Op.RELEASE) : s.reclaim && s.have ? Op.RECLAIM : null;
    if (op == Op.RECLAIM || op == Op.RELEASE) {
      s.reclaim = false;
    }
    s.busy = op != null;
    return op;
  }

  private static State keep(State s) {
    return s.busy || s.want || s.have ? s : null;
  }

  private void run(String channel, Op op) {
    if (op == null) {
      return;
    }
    Future<Boolean> call;
    try {
      call = switch (op) {
        case CLAIM -> store.claim(channel);
        case RELEASE -> store.release(channel);
        case RECLAIM -> store.reclaim(channel);
      };
    } catch (RuntimeException e) {
      call = Future.failedFuture(e); // never into the hub's loop
    }
    call.onComplete(ar -> {
      boolean announced = ar.succeeded() && ar.result();
      if (announced) {
        if (op == Op.RELEASE) {
          announcer.vacated(channel);
        } else {
          announcer.occupied(channel);
        }
      }
      if (ar.failed()) {
        warnFailure(channel, op, ar.cause());
        if (!stopped) {
          vertx.setTimer(RETRY_MS, id -> done(channel, op, false, false));
          return;
        }
      }
      done(channel, op, ar.succeeded(), announced);
    });
  }

  /** Logs a failed call, at most once per {@link #WARN_PERIOD_MS} (a cluster that is down fails every channel). */
  private void warnFailure(String channel, Op op, Throwable cause) {
    long failed = failures.incrementAndGet();
    long now = System.nanoTime();
    long last = lastWarnNanos.get();
    if (now - last >= WARN_PERIOD_MS * 1_000_000 && lastWarnNanos.compareAndSet(last, now)) {
      failures.addAndGet(-failed);
      LOG.warn("{} occupancy change(s) failed, each retried every {} ms; latest: {} of channel {}: {}", failed,
        RETRY_MS, op, channel, cause.toString());
    }
  }

  private void done(String channel, Op op, boolean applied, boolean announced) {
    Op[] next = new Op[1];
    channels.computeIfPresent(channel, (k, state) -> {
      state.busy = false;
      if (applied) {
        state.have = op != Op.RELEASE;
        if (op == Op.CLAIM && announced) {
          state.reclaim = false; // just announced
        }
      } else if (op == Op.RECLAIM) {
        state.reclaim = true;
      }
      next[0] = stopped ? null : nextOp(state);
      return keep(state);
    });
    run(channel, next[0]);
  }

  @Override
  public void memberLeft(String node) {
    if (node == null) {
      return;
    }
    synchronized (departed) {
      departed.add(node);
      if (departed.size() > DEPARTED_KEPT) {
        departed.remove(departed.iterator().next());
      }
    }
    store.removeNode(node).onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("occupancy of departed node {} not cleared: {}", node, ar.cause().toString());
        return;
      }
      List<String> emptied = ar.result();
      if (!emptied.isEmpty()) {
        LOG.info("{} channels vacated by the departure of node {}", emptied.size(), node);
      }
      emptied.forEach(announcer::vacated);
    });
  }

  @Override
  public void memberJoined(String node) {
    boolean back;
    synchronized (departed) {
      back = node != null && departed.remove(node);
    }
    if (back) {
      reannounceLater(); // a node seen leaving is back: a partition healed
    }
  }

  @Override
  public void changed(boolean merged) {
    if (merged) {
      reannounceLater();
    }
  }

  private void reannounceLater() {
    if (!stopped) {
      vertx.setTimer(REANNOUNCE_DELAY_MS, id -> reannounce());
    }
  }

  /** Puts this node back into the set of every channel it holds; the first holder of each announces it. */
  void reannounce() {
    for (String channel : List.copyOf(channels.keySet())) {
      Op[] next = new Op[1];
      channels.computeIfPresent(channel, (k, state) -> {
        state.reclaim = state.want;
        next[0] = nextOp(state);
        return keep(state);
      });
      run(channel, next[0]);
    }
  }

  /** True when no store call is in flight or waiting. */
  public boolean idle() {
    return channels.values().stream().noneMatch(s -> s.busy);
  }

  /** No retry or re-announcement is scheduled from now on. */
  public void stop() {
    stopped = true;
  }
}
