package io.pubsubgateway.bench;

import io.pubsubgateway.bench.report.BenchReport;
import io.pubsubgateway.bench.report.SystemResult;
import io.pubsubgateway.bench.systems.MeasuredSystem;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code fanout}: P publishers and S subscribers on one channel (subscribers spread over the nodes,
 * publishers on the first node); {@code channels}: the same over C channels, subscribers and
 * messages assigned round-robin (see {@link Channels}). For each system: the highest delivered rate with zero loss, no
 * duplicate, p99 at most 100 ms and the offered rate achieved (ramp x2, then bisection), then the
 * latency at half that rate and at a fixed common load. Every message carries its sequence number
 * and send time; loss, duplicates and latency are counted by the subscribers themselves.
 */
final class FanoutScenario extends ScenarioBase {
  static final String CHANNEL = "bench.fan";
  /** Retries of a failed rate before it caps the search (a rate passes when one of its 1 + RETRIES trials passes). */
  static final int RETRIES = 2;
  static final int MAX_WARM_UP_TRIALS = 8;
  static final double WARM_CPU_TOLERANCE = 0.15;

  /** Parameters of a run. */
  record Params(int subscribers, int channels, int publishers, int size, double trialSeconds, double startDeliveries,
                List<Double> fixedDeliveries, int maxTrials, int workers, double maxP99Ms, boolean smoke) {
    /** Average deliveries per published message: subscribers per channel. */
    double perMessage() {
      return subscribers / (double) Math.max(1, channels);
    }

    JsonObject toJson() {
      return new JsonObject().put("subscribers", subscribers).put("channels", channels).put("publishers", publishers).put("size", size)
        .put("trialSeconds", trialSeconds).put("startDeliveries", startDeliveries).put("fixedDeliveries", new io.vertx.core.json.JsonArray(List.copyOf(fixedDeliveries)))
        .put("maxTrials", maxTrials).put("workers", workers).put("maxP99Ms", maxP99Ms).put("smoke", smoke);
    }
  }

  /** One trial at one offered rate. */
  record Trial(double rate, double achievedRate, long expected, long unique, long duplicates, Histogram latency,
               double cpuSeconds, double seconds, QuietMachine.Wait quiet, double maxP99Ms) {
    long loss() {
      return expected - unique;
    }

    double deliveriesPerSec() {
      return unique / seconds;
    }

    double p99Ms() {
      return latency.getValueAtPercentile(99) / 1000.0;
    }

    boolean passed() {
      return loss() == 0 && duplicates == 0 && p99Ms() <= maxP99Ms && achievedRate >= 0.95 * rate;
    }
  }

  private final Params params;
  private final QuietMachine quiet;

  FanoutScenario(Params params, Path jar, Path workDir, Progress progress) {
    this(params, jar, workDir, progress, QuietMachine.none());
  }

  /** With {@code quiet}: waited for before each trial. */
  FanoutScenario(Params params, Path jar, Path workDir, Progress progress, QuietMachine quiet) {
    super(jar, workDir, progress);
    this.params = params;
    this.quiet = quiet;
  }

  /** Measures one system, started and stopped here. */
  SystemResult measure(MeasuredSystem system) throws Exception {
    progress.status(system.name(), "starting");
    system.start();
    try (Fleet fleet = Fleet.start(system, jar, workDir, CHANNEL, params.channels(), params.subscribers(), params.workers(),
      params.publishers(), params.size())) {
      return search(system, fleet);
    } finally {
      system.close();
    }
  }

  private SystemResult search(MeasuredSystem system, Fleet fleet) throws Exception {
    double s = params.perMessage();
    double rate = params.startDeliveries() / s;
    if (!params.smoke()) {
      warmUp(system, fleet, rate);
    }
    Trial best = null;
    Trial failed = null;
    int trials = 0;
    double retriedRate = -1;
    int retries = 0;
    while (trials < params.maxTrials()) {
      Trial t = trial(system, fleet, rate);
      trials++;
      progress.status(system.name(), String.format("trial %d: offered %s deliveries/s -> %s, loss %d, p99 %.1f ms: %s%s",
        trials, Progress.si(rate * s), Progress.si(t.deliveriesPerSec()), t.loss(), t.p99Ms(), t.passed() ? "pass" : "fail",
        quietNote(t)));
      if (params.smoke()) {
        best = t;
        break;
      }
      if (t.passed()) {
        best = best == null || t.deliveriesPerSec() > best.deliveriesPerSec() ? t : best;
        rate = failed == null ? rate * 2 : (rate + failed.rate()) / 2;
      } else if (rate != retriedRate || retries < RETRIES) {
        // a failure is retried (RETRIES times): one scheduling stall among the busy processes of a 2-core machine
        // breaks the p99 of a whole trial, and must not cap the search
        retries = rate == retriedRate ? retries + 1 : 1;
        retriedRate = rate;
        continue;
      } else {
        failed = failed == null || t.rate() < failed.rate() ? t : failed;
        rate = best == null ? rate / 2 : (best.rate() + failed.rate()) / 2;
      }
      if (best != null && failed != null && (failed.rate() - best.rate()) / best.rate() < 0.1) {
        break;
      }
    }
    if (best == null) {
      return result(system, null, null, Map.of("note", "no passing trial"));
    }
    Trial half = params.smoke() ? best : trial(system, fleet, best.rate() / 2);
    Map<String, Object> extra = new LinkedHashMap<>();
    // CPU per delivery depends on the rate (one flush per socket per message at low rates, many messages per flush
    // at high ones): these compare systems at the same rates
    for (double load : params.fixedDeliveries()) {
      Trial fixed = params.smoke() ? best : trial(system, fleet, load / s);
      long at = Math.round(load);
      progress.status(system.name(), String.format("at %s deliveries/s: CPU %.2f µs per delivery, p99 %.1f ms, loss %d",
        Progress.si(load), cpuMicros(fixed), fixed.p99Ms(), fixed.loss()));
      extra.put(BenchReport.cpuAt(load), round(cpuMicros(fixed)));
      extra.put("p99MsAt" + at, round(fixed.p99Ms()));
      extra.put("lossAt" + at, fixed.loss());
    }
    extra.put("trials", trials);
    extra.put("subscriberReconnects", fleet.sum("reconnects"));
    return result(system, best, half, extra);
  }

  /**
   * Unscored trials at the start rate until the system has warmed up: until a trial passes and its server CPU per
   * delivery is within 15 % of the previous one's (the JIT of every process has settled), at
   * most {@value #MAX_WARM_UP_TRIALS} trials. One trial was not enough for a 3-node cluster: three JVMs compiling on
   * two shared cores failed the start rate for their first minute, which capped every search at the same low rate.
   */
  private void warmUp(MeasuredSystem system, Fleet fleet, double rate) throws Exception {
    double previousCpu = Double.NaN;
    for (int i = 1; i <= MAX_WARM_UP_TRIALS; i++) {
      Trial warm = trial(system, fleet, rate);
      double cpu = cpuMicros(warm);
      progress.status(system.name(), String.format("warm-up trial %d: %s deliveries/s, p99 %.1f ms, CPU %.2f µs per "
        + "delivery%s", i, Progress.si(warm.deliveriesPerSec()), warm.p99Ms(), cpu, quietNote(warm)));
      if (warmedUp(previousCpu, cpu, warm.passed())) {
        return;
      }
      previousCpu = cpu;
    }
  }

  /** Whether a warm-up trial shows a settled system: it passed and its CPU per delivery moved by at most 15 %. */
  static boolean warmedUp(double previousCpu, double cpu, boolean passed) {
    return passed && Double.isFinite(previousCpu) && Double.isFinite(cpu)
      && Math.abs(cpu - previousCpu) <= WARM_CPU_TOLERANCE * previousCpu;
  }

  private SystemResult result(MeasuredSystem system, Trial best, Trial half, Map<String, Object> extra) {
    if (best == null) {
      return new SystemResult(system.name(), 0, -1, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, extra);
    }
    Histogram h = half.latency();
    return new SystemResult(system.name(), round(best.deliveriesPerSec()), best.loss() + half.loss(),
      best.duplicates() + half.duplicates(), round(half.rate() * params.perMessage()),
      h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getValueAtPercentile(99.9) / 1000.0,
      h.getMaxValue() / 1000.0, round(cpuMicros(best)), extra);
  }

  private static double cpuMicros(Trial t) {
    return t.unique() == 0 ? Double.NaN : t.cpuSeconds() * 1e6 / t.unique();
  }

  private static String quietNote(Trial t) {
    return t.quiet() == null ? "" : " [" + t.quiet() + "]";
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** One trial: reset the subscribers, publish for trialSeconds at {@code rate}, let it drain, collect. */
  Trial trial(MeasuredSystem system, Fleet fleet, double rate) throws Exception {
    // every subscriber must be live before a trial: one cut off in an earlier overload has reconnected
    fleet.warmup(system.name(), progress);
    List<WorkerHandle> workers = fleet.workers;
    Publisher publisher = fleet.publisher;
    int perPublisher = Math.max(1, (int) Math.round(rate * params.trialSeconds() / publisher.count()));
    for (WorkerHandle w : workers) {
      w.call(new JsonObject().put("cmd", "reset").put("publishers", publisher.count()).put("messages", perPublisher),
        "reset", Duration.ofSeconds(30));
    }
    long expected = Channels.expectedDeliveries((long) perPublisher * publisher.count(), params.subscribers(),
      params.channels());
    QuietMachine.Wait wait = quiet.await(); // the systems, generators and publisher are idle now
    double cpuBefore = ProcStats.cpuSeconds(system.pids());
    long start = System.nanoTime();
    double achieved = publisher.run(rate, perPublisher).toCompletionStage().toCompletableFuture()
      .get((long) (params.trialSeconds() * 20 + 60), TimeUnit.SECONDS);
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (true) {
      long unique = fleet.sum("unique");
      if (unique >= expected || System.nanoTime() > drainDeadline) {
        break;
      }
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = ProcStats.cpuSeconds(system.pids()) - cpuBefore;
    Histogram latency = new Histogram(SubscriberWorker.MAX_LATENCY_MICROS, 3);
    long unique = 0;
    long duplicates = 0;
    for (WorkerHandle w : workers) {
      JsonObject report = w.call(new JsonObject().put("cmd", "report"), "report", Duration.ofSeconds(60));
      unique += report.getLong("unique");
      duplicates += report.getLong("duplicates");
      latency.add(SubscriberWorker.decode(report.getString("histogram")));
    }
    // from the first publish to the moment every subscriber had everything (or the drain gave up)
    return new Trial(rate, achieved, expected, unique, duplicates, latency, cpu, seconds, wait, params.maxP99Ms());
  }
}
