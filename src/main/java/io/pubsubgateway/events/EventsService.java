package io.pubsubgateway.events;

import com.hazelcast.config.Config;
import com.hazelcast.core.HazelcastInstance;
import io.pubsubgateway.cluster.ClusterMembership;
import io.pubsubgateway.config.EventsConfig;
import io.pubsubgateway.hub.NodeChannelListener;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;

/**
 * The node's events for backends, as the node wires them: the {@link NodeEvents} sessions report
 * to, and, when events are on, the {@link ChannelOccupancy} the hub and the cluster membership tell
 * of channel and member changes (on Hazelcast when clustered, in memory when standalone). With
 * {@code events.*} unset, nothing is created and nothing touches Hazelcast.
 */
public final class EventsService {
  /** How long a stopping node waits for its last occupancy changes and webhook batches. */
  public static final long STOP_WAIT_MS = 3000;
  private static final long STOP_POLL_MS = 20;

  private final Vertx vertx;
  private final NodeEvents events;
  private final ChannelOccupancy occupancy;

  private EventsService(Vertx vertx, NodeEvents events, ChannelOccupancy occupancy) {
    this.vertx = vertx;
    this.events = events;
    this.occupancy = occupancy;
  }

  /** @param hz the node's Hazelcast instance, or null when standalone */
  public static EventsService create(Vertx vertx, EventsConfig config, String nodeId, HazelcastInstance hz,
                                     GatewayMetrics metrics) {
    NodeEvents events = NodeEvents.create(vertx, config, nodeId, metrics);
    ChannelOccupancy occupancy = null;
    if (config.enabled()) {
      OccupancyStore store = hz != null ? new HazelcastOccupancyStore(vertx, hz, nodeId)
        : new MemoryOccupancyStore(nodeId);
      occupancy = new ChannelOccupancy(vertx, store, events);
    }
    return new EventsService(vertx, events, occupancy);
  }

  /** Adds the occupancy map's configuration to a Hazelcast configuration. */
  public static void configure(Config hz) {
    HazelcastOccupancyStore.configure(hz);
  }

  /** Where sessions report (reports nothing when events are off). */
  public EventSink sink() {
    return events.enabled() ? events : EventSink.NONE;
  }

  /** What the hub tells when the node starts and stops holding a channel. */
  public NodeChannelListener channelListener() {
    return occupancy != null ? occupancy : NodeChannelListener.NONE;
  }

  /** What the cluster membership tells of departures and merges. */
  public ClusterMembership.Observer membershipObserver() {
    return occupancy != null ? occupancy : new ClusterMembership.Observer() { };
  }

  /**
   * At shutdown, after the connections were closed: waits (at most {@link #STOP_WAIT_MS} in all)
   * until the hub released every channel ({@code hubEmpty}) and their vacancies are settled, then
   * for the webhook's queue. Whatever does not finish in time is left to the other nodes (the
   * departure clean-up) or dropped (queued webhook events, counted).
   */
  public Future<Void> stop(BooleanSupplier hubEmpty) {
    if (occupancy == null) {
      return events.stop(STOP_WAIT_MS);
    }
    long deadline = System.nanoTime() + STOP_WAIT_MS * 1_000_000;
    Promise<Void> settled = Promise.promise();
    poll(hubEmpty, deadline, settled);
    return settled.future().compose(v -> {
      occupancy.stop();
      return events.stop(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    });
  }

  private void poll(BooleanSupplier hubEmpty, long deadline, Promise<Void> settled) {
    if (hubEmpty.getAsBoolean() && occupancy.idle() || System.nanoTime() >= deadline) {
      settled.complete();
    } else {
      vertx.setTimer(STOP_POLL_MS, id -> poll(hubEmpty, deadline, settled));
    }
  }
}
