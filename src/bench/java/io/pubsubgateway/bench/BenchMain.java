package io.pubsubgateway.bench;

import io.pubsubgateway.bench.report.BenchReport;
import io.pubsubgateway.bench.report.SystemResult;
import io.pubsubgateway.bench.systems.MeasuredSystem;
import io.pubsubgateway.bench.systems.Systems;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The benchmark tool ({@code scripts/bench.sh}): starts each system under test on loopback, drives
 * it from load-generator processes, stops it, prints a table and writes JSON and SVG results.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchMain.Fanout.class, BenchMain.ChannelsCommand.class, BenchMain.Connections.class, BenchMain.Churn.class, BenchMain.Serve.class, BenchMain.Worker.class},
  description = "Side-by-side benchmarks of pubsub-gateway and its peers on this machine.")
public final class BenchMain implements Callable<Integer> {

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-cli.xml");
    }
    System.exit(new CommandLine(new BenchMain()).execute(args));
  }

  @Override
  public Integer call() {
    new CommandLine(this).usage(System.out);
    return 1;
  }

  /** Options every scenario has. */
  static class Common {
    @Option(names = "--systems", split = ",", description = "Systems to measure, comma-separated: " + Systems.LISTED
      + " (all of them unless the scenario's description says otherwise); also gateway-N and bridge-N for N nodes, "
      + "gateway-history and gateway-history-N")
    List<String> systems = new ArrayList<>(Systems.names());

    @Option(names = "--results", description = "Results folder (default: ${DEFAULT-VALUE})", defaultValue = "target/bench-results")
    Path results;

    @Option(names = "--jar", description = "The gateway fat jar (default: ${DEFAULT-VALUE})", defaultValue = "target/pubsub-gateway.jar")
    Path jar;

    @Option(names = "--server-jvm-flags", description = "JVM flags of every Java server, ours and peers (default: ${DEFAULT-VALUE})",
      defaultValue = "-Xms1g -Xmx1g -XX:+UseParallelGC")
    String serverJvmFlags;

    @Option(names = "--base-port", description = "First port used by the systems (default: ${DEFAULT-VALUE})", defaultValue = "19100")
    int basePort;

    @Option(names = "--smoke", description = "Tiny sizes, one trial per system, one pass unless --passes is given, no quiet "
      + "wait; fails unless every system was measured with zero loss")
    boolean smoke;

    @Option(names = "--passes", description = "Measurements of each system, interleaved across systems (pass 1 of every "
      + "system, then pass 2, ...); the table and JSON report the median and the range (default: 3, 1 with --smoke)")
    Integer passes;

    @Option(names = "--quiet-cpu", defaultValue = "15", description = "Before each trial, wait until the machine's CPU "
      + "busy (all processes, /proc/stat over 500 ms) is below this percentage (default: ${DEFAULT-VALUE})")
    double quietCpuPercent;

    @Option(names = "--quiet-max-wait", defaultValue = "10", description = "Longest wait for a quiet machine before a trial, "
      + "seconds; the trial then goes on and its progress line says so; 0 disables the wait (default: ${DEFAULT-VALUE})")
    double quietMaxWait;

    int passes() {
      int n = passes != null ? passes : smoke ? 1 : 3;
      if (n < 1) {
        throw new CommandLine.ParameterException(new CommandLine(this), "--passes must be at least 1");
      }
      return n;
    }

    /** The wait for a quiet machine before each trial; none in smoke mode. */
    QuietMachine quiet() {
      return smoke ? QuietMachine.none() : new QuietMachine(quietCpuPercent / 100.0, quietMaxWait);
    }

    List<String> jvmFlags() {
      return Arrays.stream(serverJvmFlags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    /** One scenario's measurement of one system. */
    interface Measurer {
      SystemResult measure(MeasuredSystem system) throws Exception;
    }

    /**
     * Measures every system {@link #passes()} times, the passes interleaved across systems ({@link Passes}), each
     * system started afresh for each pass; prints the table (medians and ranges), writes JSON and SVG; in smoke mode
     * fails unless all were measured. With {@code quietBeforePass} it waits for a quiet machine before each pass
     * (scenarios without trials of their own; fanout and channels wait before each trial).
     */
    int run(String scenario, JsonObject paramsJson, Progress progress, Measurer measurer, boolean quietBeforePass)
      throws Exception {
      int n = passes();
      List<List<SystemResult>> bySystem = new ArrayList<>();
      systems.forEach(s -> bySystem.add(new ArrayList<>()));
      QuietMachine quiet = quiet();
      for (Passes.Slot slot : Passes.order(systems.size(), n)) {
        String name = systems.get(slot.system());
        int port = basePort + 10 * slot.system();
        if (n > 1) {
          progress.status(name, "pass " + slot.pass() + "/" + n);
        }
        if (quietBeforePass) {
          QuietMachine.Wait wait = quiet.await();
          if (wait != null) {
            progress.status(name, wait.toString());
          }
        }
        SystemResult result;
        try (MeasuredSystem system = Systems.create(name, jar, jvmFlags(), workDir(), port)) {
          result = measurer.measure(system);
        } catch (Exception e) {
          progress.status(name, "FAILED: " + e);
          result = new SystemResult(name, 0, -1, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            java.util.Map.of("error", String.valueOf(e.getMessage())));
        }
        bySystem.get(slot.system()).add(result);
        if (n > 1) {
          progress.status(name, "pass " + slot.pass() + "/" + n + ": " + BenchReport.rate(result.throughputPerSec()) + "/s");
        }
      }
      List<SystemResult> measured = bySystem.stream().map(SystemResult::combine).toList();
      System.out.println(BenchReport.table(scenario, measured));
      JsonObject parameters = paramsJson.copy().put("passes", n)
        .put("quietCpuPercent", quiet.enabled() ? quietCpuPercent : null)
        .put("quietMaxWaitSeconds", quiet.enabled() ? quietMaxWait : 0);
      Path[] written = BenchReport.write(results, scenario, parameters, BenchReport.machine(), measured);
      System.out.println("results: " + Arrays.toString(written));
      boolean allMeasured = measured.stream().allMatch(r -> r.throughputPerSec() > 0 && r.loss() == 0 && r.duplicates() == 0
        && r.passes().stream().allMatch(p -> p.throughputPerSec() > 0));
      if (smoke && !allMeasured) {
        System.err.println("smoke run failed: a system was not measured, or lost or duplicated messages");
        return 1;
      }
      return 0;
    }

    Path workDir() throws java.io.IOException {
      return Files.createDirectories(results.resolve("work"));
    }
  }

  /** Options of the scenarios that search for the highest passing rate (fanout, channels). */
  static class SearchOptions extends Common {
    @Option(names = "--size", defaultValue = "64", description = "Message body bytes (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--trial-seconds", defaultValue = "3", description = "Length of one trial (default: ${DEFAULT-VALUE})")
    double trialSeconds;

    @Option(names = "--fixed-rate", defaultValue = "10000,25000,50000", split = ",",
      description = "Common loads at which every system's CPU per delivery and p99 are measured, deliveries/s, "
        + "comma-separated (default: ${DEFAULT-VALUE})")
    List<Double> fixedRate;

    @Option(names = "--max-trials", defaultValue = "16", description = "Trials per system in the search (default: ${DEFAULT-VALUE})")
    int maxTrials;

    @Option(names = "--workers", defaultValue = "2", description = "Load-generator processes for the subscribers (default: ${DEFAULT-VALUE})")
    int workers;

    @Option(names = "--max-p99-ms", defaultValue = "100", description = "Latency bound of a passing trial: p99 of "
      + "publish-to-receive in ms (default: ${DEFAULT-VALUE})")
    double maxP99Ms;
  }

  @Command(name = "fanout", mixinStandardHelpOptions = true,
    description = "P publishers, S subscribers on one channel: highest delivered rate with zero loss and p99 <= 100 ms (--max-p99-ms), "
      + "latency at half that rate and at a fixed load.")
  static final class Fanout extends SearchOptions implements Callable<Integer> {
    @Option(names = "--subscribers", defaultValue = "500", description = "Subscribers (default: ${DEFAULT-VALUE})")
    int subscribers;

    @Option(names = "--publishers", defaultValue = "1", description = "Publishers (default: ${DEFAULT-VALUE})")
    int publishers;

    @Option(names = "--start-rate", defaultValue = "50000", description = "First offered deliveries/s (default: ${DEFAULT-VALUE})")
    double startRate;

    @Override
    public Integer call() throws Exception {
      FanoutScenario.Params params = smoke
        ? new FanoutScenario.Params(Math.min(subscribers, 20), 1, 1, size, 1, 2000, List.of(2000.0), 1, 1, maxP99Ms, true)
        : new FanoutScenario.Params(subscribers, 1, publishers, size, trialSeconds, startRate, fixedRate, maxTrials, workers, maxP99Ms, false);
      Progress progress = new Progress("fanout");
      FanoutScenario fanout = new FanoutScenario(params, jar, workDir(), progress, quiet());
      return run("fanout", params.toJson(), progress, fanout::measure, false);
    }

  }

  @Command(name = "channels", mixinStandardHelpOptions = true,
    description = "C channels with a few subscribers each and publishers on all of them: highest delivered rate with zero "
      + "loss and p99 <= 100 ms (--max-p99-ms), latency at half that rate and at a fixed load (default systems: all but raw-vertx, "
      + "which has no channels).")
  static final class ChannelsCommand extends SearchOptions implements Callable<Integer> {
    @Option(names = "--channels", defaultValue = "100", description = "Channels (default: ${DEFAULT-VALUE})")
    int channels;

    @Option(names = "--subscribers", defaultValue = "1000", description = "Subscribers in all, round-robin over the channels (default: ${DEFAULT-VALUE})")
    int subscribers;

    @Option(names = "--publishers", defaultValue = "4", description = "Publishers, each on all channels (default: ${DEFAULT-VALUE})")
    int publishers;

    @Option(names = "--start-rate", defaultValue = "20000", description = "First offered deliveries/s (default: ${DEFAULT-VALUE})")
    double startRate;

    @Override
    public Integer call() throws Exception {
      if (systems.equals(Systems.names())) {
        // the raw Vert.x baseline broadcasts every message to every socket: it has no channels
        systems = new ArrayList<>(systems);
        systems.remove("raw-vertx");
      }
      FanoutScenario.Params params = smoke
        ? new FanoutScenario.Params(Math.min(subscribers, 20), Math.min(channels, 5), 2, size, 1, 1000, List.of(1000.0), 1, 1, maxP99Ms, true)
        : new FanoutScenario.Params(subscribers, channels, publishers, size, trialSeconds, startRate, fixedRate, maxTrials,
          workers, maxP99Ms, false);
      Progress progress = new Progress("channels");
      FanoutScenario scenario = new FanoutScenario(params, jar, workDir(), progress, quiet());
      return run("channels", params.toJson(), progress, scenario::measure, false);
    }
  }

  @Command(name = "connections", mixinStandardHelpOptions = true,
    description = "Open N idle subscribed connections as fast as allowed: handshake rate, server RSS and heap per connection.")
  static final class Connections extends Common implements Callable<Integer> {
    @Option(names = "--connections", defaultValue = "10000", description = "Connections, at most ~19000 (default: ${DEFAULT-VALUE})")
    int connections;

    @Option(names = "--workers", defaultValue = "2", description = "Load-generator processes (default: ${DEFAULT-VALUE})")
    int workers;

    @Override
    public Integer call() throws Exception {
      ConnectionsScenario.Params params = new ConnectionsScenario.Params(smoke ? Math.min(connections, 50) : connections,
        smoke ? 1 : workers);
      Progress progress = new Progress("connections");
      ConnectionsScenario scenario = new ConnectionsScenario(params, jar, workDir(), progress);
      return run("connections", params.toJson(), progress, scenario::measure, true);
    }
  }

  @Command(name = "churn", mixinStandardHelpOptions = true,
    description = "Subscribe/unsubscribe storm over the nodes: subscribe latency and cluster registrations "
      + "(default systems: gateway-3,bridge-3).")
  static final class Churn extends Common implements Callable<Integer> {
    @Option(names = "--subscribers", defaultValue = "1000", description = "Subscribers (default: ${DEFAULT-VALUE})")
    int subscribers;

    @Option(names = "--rounds", defaultValue = "5", description = "Storm rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--workers", defaultValue = "2", description = "Load-generator processes (default: ${DEFAULT-VALUE})")
    int workers;

    @Override
    public Integer call() throws Exception {
      if (systems.equals(Systems.names())) {
        systems = new ArrayList<>(List.of("gateway-3", "bridge-3"));
      }
      ChurnScenario.Params params = smoke ? new ChurnScenario.Params(Math.min(subscribers, 20), 1, 1)
        : new ChurnScenario.Params(subscribers, rounds, workers);
      Progress progress = new Progress("churn");
      ChurnScenario scenario = new ChurnScenario(params, jar, workDir(), progress);
      return run("churn", params.toJson(), progress, scenario::measure, true);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Starts one system exactly as the scenarios do and keeps it running for another load generator "
      + "(scripts/bench-ws-check.sh): prints one JSON line {system, dialect, urls, pids}, then waits until its "
      + "standard input closes or it is terminated, and stops the system.")
  static final class Serve extends Common implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      if (systems.size() != 1) {
        throw new CommandLine.ParameterException(new CommandLine(this), "serve takes exactly one system in --systems");
      }
      MeasuredSystem system = Systems.create(systems.get(0), jar, jvmFlags(), workDir(), basePort);
      Thread stop = new Thread(system::close, "serve-stop");
      Runtime.getRuntime().addShutdownHook(stop);
      system.start();
      System.out.println(new JsonObject().put("system", system.name()).put("dialect", system.dialect().name())
        .put("urls", new JsonArray(system.urls()))
        .put("pids", new JsonArray(system.pids())).encode());
      System.out.flush();
      while (System.in.read() >= 0) {
        // held until the caller closes our standard input
      }
      system.close();
      return 0;
    }
  }

  @Command(name = "worker", hidden = true, description = "A load-generator process (started by the scenarios)")
  static final class Worker implements Callable<Integer> {
    @Option(names = "--dialect", required = true)
    Dialect dialect;
    @Option(names = "--channel", required = true)
    String channel;
    @Option(names = "--channels", defaultValue = "1")
    int channels;
    @Option(names = "--connections", required = true)
    int connections;
    @Option(names = "--urls", required = true, split = ",")
    List<String> urls;
    @Option(names = "--url-offset", defaultValue = "0")
    int urlOffset;
    @Option(names = "--local-address")
    String localAddress;

    @Override
    public Integer call() throws Exception {
      SubscriberWorker.run(dialect, channel, channels, connections, urls, urlOffset, localAddress);
      return 0;
    }
  }
}
