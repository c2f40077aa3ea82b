package io.pubsubgateway.bench;

import io.pubsubgateway.bench.report.SystemResult;
import io.pubsubgateway.bench.systems.MeasuredSystem;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code churn}: S subscribers of one channel spread over the nodes; in each round every one of
 * them unsubscribes and subscribes again at once while probes are published every 5 ms from the
 * first node. Subscribe latency = from sending the new {@code register} until the first probe of
 * that round arrives (the same method for every system: the bridge sends no ack). Also reports the
 * cluster's event-bus registrations of the channel, counted by joining the cluster as a lite member:
 * ours is one per node, the vertx-web bridge one per socket.
 */
final class ChurnScenario extends ScenarioBase {
  static final String CHANNEL = "bench.churn";

  /** Parameters of a run. */
  record Params(int subscribers, int rounds, int workers) {
    JsonObject toJson() {
      return new JsonObject().put("subscribers", subscribers).put("rounds", rounds).put("workers", workers);
    }
  }

  private final Params params;

  ChurnScenario(Params params, Path jar, Path workDir, Progress progress) {
    super(jar, workDir, progress);
    this.params = params;
  }

  SystemResult measure(MeasuredSystem system) throws Exception {
    progress.status(system.name(), "starting");
    system.start();
    try (Fleet fleet = Fleet.start(system, jar, workDir, CHANNEL, 1, params.subscribers(), params.workers(), 1, 64);
         ClusterView view = system.clusterName() == null ? null : ClusterView.join(system.clusterName())) {
      fleet.warmup(system.name(), progress);
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("subscribers", params.subscribers());
      extra.put("nodes", system.urls().size());
      if (view != null) {
        extra.put("registrationsBefore", view.registrations(CHANNEL));
      }
      Histogram latency = new Histogram(SubscriberWorker.MAX_LATENCY_MICROS, 3);
      long start = System.nanoTime();
      for (int round = 1; round <= params.rounds(); round++) {
        for (WorkerHandle w : fleet.workers) {
          w.call(new JsonObject().put("cmd", "churn").put("round", round), "churning", Duration.ofSeconds(60));
        }
        fleet.awaitProbes(system.name(), progress, round);
        progress.status(system.name(), "churn round " + round + "/" + params.rounds() + " done");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      for (WorkerHandle w : fleet.workers) {
        // the churn histogram holds the last round of each worker; rounds are alike, the last one is warmest
        latency.add(SubscriberWorker.decode(w.call(new JsonObject().put("cmd", "report"), "report",
          Duration.ofSeconds(60)).getString("churnHistogram")));
      }
      if (view != null) {
        extra.put("registrationsAfter", view.registrations(CHANNEL));
      }
      extra.put("rounds", params.rounds());
      double rate = params.subscribers() * (double) params.rounds() / seconds;
      return new SystemResult(system.name(), Math.round(rate * 100) / 100.0, 0, 0, rate,
        latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
        latency.getValueAtPercentile(99.9) / 1000.0, latency.getMaxValue() / 1000.0, Double.NaN, extra);
    } finally {
      system.close();
    }
  }
}
