package io.pubsubgateway.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Supplier;

/**
 * What a node re-checks after every membership change or merge, a little later and once more after
 * that (vertx-hazelcast republishes its registrations, and Hazelcast merges data, asynchronously):
 * that its channels' event-bus registrations exist in the cluster, and that its history channels
 * still follow their streams. Changes in a burst (a merge reports several) coalesce into one run.
 *
 * <p>Threading: {@link #changed} may be called from any thread.
 */
public final class ClusterRepair implements ClusterMembership.Observer {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterRepair.class);
  /** Delays after a change at which the checks run. */
  static final long[] DELAYS_MS = {1000, 5000};

  private final Vertx vertx;
  private final Supplier<Future<Integer>> checkRegistrations;
  private final Runnable reposition;
  private final long[] pending = new long[DELAYS_MS.length];

  /**
   * @param checkRegistrations restores missing registrations; completes with how many it restored
   * @param reposition         makes every history channel check its stream
   */
  public ClusterRepair(Vertx vertx, Supplier<Future<Integer>> checkRegistrations, Runnable reposition) {
    this.vertx = vertx;
    this.checkRegistrations = checkRegistrations;
    this.reposition = reposition;
    java.util.Arrays.fill(pending, -1);
  }

  @Override
  public synchronized void changed(boolean merged) {
    for (int i = 0; i < DELAYS_MS.length; i++) {
      if (pending[i] >= 0) {
        vertx.cancelTimer(pending[i]);
      }
      int slot = i;
      pending[i] = vertx.setTimer(DELAYS_MS[i], id -> {
        synchronized (this) {
          pending[slot] = -1;
        }
        run();
      });
    }
  }

  /** Runs both checks now. */
  public void run() {
    reposition.run();
    checkRegistrations.get().onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("registration check failed: {}", ar.cause().toString());
      } else if (ar.result() > 0) {
        LOG.warn("restored {} channel registrations missing from the cluster", ar.result());
      }
    });
  }

  public synchronized void stop() {
    for (int i = 0; i < pending.length; i++) {
      if (pending[i] >= 0) {
        vertx.cancelTimer(pending[i]);
        pending[i] = -1;
      }
    }
  }
}
