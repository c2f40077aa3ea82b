package io.pubsubgateway.bench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What one system achieved in one scenario of one run: one pass, or the median of several ({@link #combine}).
 *
 * @param system               system name (see MeasuredSystem#name)
 * @param throughputPerSec     the headline figure: deliveries/s at the highest passing load (fanout, channels), or
 *                             handshakes/s (connections), or subscribes/s (churn); over several passes their median
 * @param loss                 messages expected but not received in the reported trial (0 required); over several
 *                             passes the worst one (-1 when a pass was not measured)
 * @param duplicates           messages received more than once in the reported trial; over several passes the worst
 * @param latencyLoadPerSec    the delivery rate at which the latency figures were measured
 * @param p50Ms                latency percentiles in milliseconds (publish to receive, or subscribe to ack)
 * @param p99Ms                ..
 * @param p999Ms               ..
 * @param maxMs                ..
 * @param cpuMicrosPerDelivery server CPU time (user+system, all server processes) per delivery, microseconds; NaN when n/a
 * @param extra                scenario-specific figures (e.g. rssKibPerConnection, registrations), JSON-encodable
 * @param throughputMin        the lowest throughput of the passes (NaN for a single pass not combined)
 * @param throughputMax        the highest
 * @param passes               the figures of each pass, in pass order (empty for a single pass not combined)
 */
public record SystemResult(String system, double throughputPerSec, long loss, long duplicates,
                           double latencyLoadPerSec, double p50Ms, double p99Ms, double p999Ms, double maxMs,
                           double cpuMicrosPerDelivery, Map<String, Object> extra, double throughputMin,
                           double throughputMax, List<Pass> passes) {

  /** One pass of one system: its headline figures. */
  public record Pass(int pass, double throughputPerSec, double cpuMicrosPerDelivery, long loss, long duplicates) {
  }

  /** One pass's result, not combined. */
  public SystemResult(String system, double throughputPerSec, long loss, long duplicates, double latencyLoadPerSec,
                      double p50Ms, double p99Ms, double p999Ms, double maxMs, double cpuMicrosPerDelivery,
                      Map<String, Object> extra) {
    this(system, throughputPerSec, loss, duplicates, latencyLoadPerSec, p50Ms, p99Ms, p999Ms, maxMs,
      cpuMicrosPerDelivery, extra, Double.NaN, Double.NaN, List.of());
  }

  /**
   * The passes of one system (in pass order) as one result: the median of each figure (throughput, latency, CPU),
   * throughput min and max, the worst loss and duplicates (-1 loss when a pass was not measured), and the
   * {@code extra} of the median pass (the lower middle one by throughput), with
   * each CPU per delivery at a common load ({@link BenchReport#CPU_AT}) the median of the passes' and {@code failedPasses} when a pass failed.
   */
  public static SystemResult combine(List<SystemResult> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no pass");
    }
    List<Pass> passes = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      SystemResult r = runs.get(i);
      passes.add(new Pass(i + 1, r.throughputPerSec(), r.cpuMicrosPerDelivery(), r.loss(), r.duplicates()));
    }
    Spread throughput = spread(runs, SystemResult::throughputPerSec);
    long loss = runs.stream().anyMatch(r -> r.loss() < 0) ? -1 : runs.stream().mapToLong(SystemResult::loss).max().orElse(0);
    long duplicates = runs.stream().mapToLong(SystemResult::duplicates).max().orElse(0);
    List<SystemResult> byThroughput = runs.stream().sorted(Comparator.comparingDouble(SystemResult::throughputPerSec)).toList();
    SystemResult middle = byThroughput.get((runs.size() - 1) / 2);
    Map<String, Object> extra = new LinkedHashMap<>(middle.extra() == null ? Map.of() : middle.extra());
    for (String key : extra.keySet()) {
      if (key.startsWith(BenchReport.CPU_AT)) {
        List<Double> cpu = new ArrayList<>();
        runs.stream().map(r -> r.extra() == null ? null : r.extra().get(key))
          .forEach(v -> cpu.add(v instanceof Number n ? n.doubleValue() : Double.NaN));
        extra.put(key, Math.round(Spread.of(cpu).median() * 100) / 100.0);
      }
    }
    long failed = runs.stream().filter(r -> r.throughputPerSec() <= 0 || r.loss() < 0).count();
    if (failed > 0 && runs.size() > 1) {
      extra.put("failedPasses", failed);
      runs.stream().map(r -> r.extra() == null ? null : r.extra().get("error")).filter(e -> e != null).findFirst()
        .ifPresent(e -> extra.putIfAbsent("error", e));
    }
    return new SystemResult(runs.get(0).system(), throughput.median(), loss, duplicates,
      spread(runs, SystemResult::latencyLoadPerSec).median(), spread(runs, SystemResult::p50Ms).median(),
      spread(runs, SystemResult::p99Ms).median(), spread(runs, SystemResult::p999Ms).median(),
      spread(runs, SystemResult::maxMs).median(), spread(runs, SystemResult::cpuMicrosPerDelivery).median(), extra,
      throughput.min(), throughput.max(), List.copyOf(passes));
  }

  private static Spread spread(List<SystemResult> runs, ToDoubleFunction<SystemResult> f) {
    return Spread.of(runs.stream().map(r -> f.applyAsDouble(r)).toList());
  }
}
