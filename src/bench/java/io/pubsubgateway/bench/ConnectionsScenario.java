package io.pubsubgateway.bench;

import io.pubsubgateway.bench.report.SystemResult;
import io.pubsubgateway.bench.systems.MeasuredSystem;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code connections}: open N idle connections, each subscribed to one channel, as fast as the
 * load generators go (64 handshakes in flight per worker process); report the handshake rate and
 * the server's memory per connection: resident set (VmRSS) and, for Java servers, heap used after a
 * full GC ({@code jcmd GC.run}), before and after the connections.
 */
final class ConnectionsScenario extends ScenarioBase {
  static final String CHANNEL = "bench.idle";
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  /** Parameters of a run. */
  record Params(int connections, int workers) {
    JsonObject toJson() {
      return new JsonObject().put("connections", connections).put("workers", workers);
    }
  }

  private final Params params;

  ConnectionsScenario(Params params, Path jar, Path workDir, Progress progress) {
    super(jar, workDir, progress);
    this.params = params;
  }

  SystemResult measure(MeasuredSystem system) throws Exception {
    progress.status(system.name(), "starting");
    system.start();
    try {
      Thread.sleep(1000);
      Memory before = memory(system.pids());
      progress.status(system.name(), "opening " + params.connections() + " connections");
      try (Fleet fleet = Fleet.start(system, jar, workDir, CHANNEL, 1, params.connections(), params.workers(), 1, 64)) {
        fleet.warmup(system.name(), progress); // every connection is subscribed and live
        Memory after = memory(system.pids());
        double handshakesPerSec = params.connections() / Math.max(0.001, fleet.openMs / 1000.0);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("connections", params.connections());
        extra.put("rssKibPerConnection", round((after.rssKib - before.rssKib) / (double) params.connections()));
        extra.put("rssBeforeKib", before.rssKib);
        extra.put("rssAfterKib", after.rssKib);
        if (before.heapKib >= 0) {
          extra.put("heapKibPerConnection", round((after.heapKib - before.heapKib) / (double) params.connections()));
          extra.put("heapBeforeKib", before.heapKib);
          extra.put("heapAfterKib", after.heapKib);
        }
        progress.status(system.name(), "handshakes/s " + Progress.si(handshakesPerSec) + ", " + extra);
        return new SystemResult(system.name(), round(handshakesPerSec), 0, 0, Double.NaN, Double.NaN, Double.NaN,
          Double.NaN, Double.NaN, Double.NaN, extra);
      }
    } finally {
      system.close();
    }
  }

  private record Memory(long rssKib, long heapKib) {
  }

  /** RSS of all server processes, and heap used after a full GC when they are JVMs (-1 otherwise). */
  private static Memory memory(List<Long> pids) throws Exception {
    long heap = 0;
    boolean java = true;
    for (long pid : pids) {
      String command = ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse("");
      if (!command.endsWith("java")) {
        java = false;
        continue;
      }
      jcmd(pid, "GC.run");
      heap += heapUsedKib(jcmd(pid, "GC.heap_info"));
    }
    Thread.sleep(500);
    long rss = 0;
    for (long pid : pids) {
      rss += ProcStats.rssKib(pid);
    }
    return new Memory(rss, java ? heap : -1);
  }

  /** Sums "used NK" of the heap lines of {@code jcmd GC.heap_info} (not Metaspace / class space). */
  static long heapUsedKib(String heapInfo) {
    long used = 0;
    for (String line : heapInfo.split("\n")) {
      String t = line.trim();
      if (t.startsWith("Metaspace") || t.startsWith("class space") || !t.contains("total")) {
        continue;
      }
      Matcher m = USED.matcher(t);
      if (m.find()) {
        used += Long.parseLong(m.group(1));
      }
    }
    return used;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Path javaBin = Path.of(WorkerHandle.javaBin());
    Path jcmd = javaBin.resolveSibling("jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("jcmd " + command + " timed out");
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
