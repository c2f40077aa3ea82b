package io.pubsubgateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@code scripts/netns-cluster.sh} for integration tests: N hosts as network namespaces, one
 * gateway node each (the fat jar, the shipped config, the dev secret {@code conf/dev-secret}), HAProxy
 * on 127.0.0.1 in front. Each instance is one run with an id of its own, so it never touches another
 * run; {@link #close()} runs {@code down}.
 *
 * <p>Every call runs the script in the project folder and waits for it, bounded (the script bounds its
 * own waits too); a non-zero exit or a timeout throws {@link IllegalStateException} with the script's
 * stderr. Not thread-safe: one test thread drives it.
 */
public final class NetnsCluster implements AutoCloseable {
  public static final String SCRIPT = "scripts/netns-cluster.sh";
  private static final Path JAR = Path.of(System.getProperty("gateway.jar", "target/pubsub-gateway.jar"));
  private static final Path DEV_SECRET = Path.of("conf/dev-secret");
  private static final Duration UP_TIMEOUT = Duration.ofSeconds(240);
  private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(150);
  private static final Duration DOWN_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(30);

  /** One host of the run. */
  public record Host(String name, String namespace, String address, String wsUrl, String httpUrl, Path log) {
  }

  /** A finished run of the script: exit status and its output lines. */
  public record Result(int exit, List<String> out, List<String> err) {
    public String stderr() {
      return String.join("\n", err);
    }
  }

  private final String run;
  private final Map<String, String> env;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private boolean down;

  private NetnsCluster(String run, Map<String, String> env) {
    this.run = run;
    this.env = env;
    for (String name : env.get("HOSTS").split(",")) {
      String key = name.toUpperCase();
      hosts.put(name, new Host(name, env.get(key + "_NS"), env.get(key + "_ADDR"), env.get(key + "_URL"),
        env.get(key + "_HTTP"), Path.of(env.get(key + "_LOG"))));
    }
  }

  /**
   * Null when the tests can run here (root, {@code ip netns} works, haproxy and curl installed, the jar
   * built), else why not, for the test to print and skip.
   */
  public static String unavailableReason() {
    try {
      Result id = exec(SHORT_TIMEOUT, "id", "-u");
      if (id.exit() != 0 || !id.out().equals(List.of("0"))) {
        return "needs root (network namespaces); running as uid " + id.out();
      }
      Result netns = exec(SHORT_TIMEOUT, "ip", "netns", "list");
      if (netns.exit() != 0) {
        return "'ip netns list' fails: " + netns.stderr();
      }
      for (String tool : List.of("haproxy", "curl", "setsid", "flock")) {
        if (exec(SHORT_TIMEOUT, "sh", "-c", "command -v " + tool).exit() != 0) {
          return tool + " is not installed (scripts/setup.sh installs haproxy)";
        }
      }
    } catch (IOException | IllegalStateException e) {
      return "cannot run the checks: " + e.getMessage();
    }
    if (!Files.isRegularFile(JAR)) {
      return JAR + " is missing (mvn -B -ntp -DskipTests package)";
    }
    return null;
  }

  /** {@code up n nodeArgs...} with a run id of its own; waits until every node and HAProxy serve. */
  public static NetnsCluster up(int n, List<String> nodeArgs) {
    String run = "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
    List<String> args = new ArrayList<>(List.of("up", Integer.toString(n), "--run", run));
    args.addAll(nodeArgs);
    try {
      check(script(UP_TIMEOUT, args), "up");
      return new NetnsCluster(run, readEnv(Path.of("target/netns-cluster", run, "env")));
    } catch (RuntimeException e) {
      script(DOWN_TIMEOUT, List.of("down", "--run", run)); // up cleans up after itself; this covers the env read
      throw e;
    }
  }

  /** Runs the script with {@code args} (no run selected unless given), for tests of its errors. */
  public static Result script(Duration timeout, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(SCRIPT);
    command.addAll(args);
    try {
      return exec(timeout, command.toArray(String[]::new));
    } catch (IOException e) {
      throw new IllegalStateException(SCRIPT + ": " + e.getMessage(), e);
    }
  }

  /** Runs {@code command} in the project folder; a command still running after {@code timeout} is stopped. */
  public static Result exec(Duration timeout, String... command) throws IOException {
    ProcessRun p = ProcessRun.start(Arrays.asList(command));
    try {
      if (!p.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.process().destroy(); // SIGTERM: the script's up removes what it made
        if (!p.process().waitFor(30, TimeUnit.SECONDS)) {
          p.process().destroyForcibly();
        }
        throw new IllegalStateException(String.join(" ", command) + ": still running after " + timeout
          + "; stderr:\n" + String.join("\n", p.err()));
      }
      Thread.sleep(100); // let the readers take the last lines
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.process().destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    }
    return new Result(p.process().exitValue(), List.copyOf(p.out()), List.copyOf(p.err()));
  }

  /** The HS256 secret the nodes use (the scripts' dev secret), for {@link TestTokens#withSecret}. */
  public static String devSecret() {
    try {
      return Files.readString(DEV_SECRET, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEV_SECRET + ": " + e.getMessage(), e);
    }
  }

  private static Result check(Result r, String what) {
    if (r.exit() != 0) {
      throw new IllegalStateException(SCRIPT + " " + what + " exited with " + r.exit() + ":\n" + r.stderr());
    }
    return r;
  }

  private Result run(Duration timeout, String... args) {
    List<String> all = new ArrayList<>(List.of("--run", run));
    all.addAll(Arrays.asList(args));
    return check(script(timeout, all), String.join(" ", args));
  }

  private static Map<String, String> readEnv(Path file) {
    try {
      Map<String, String> env = new LinkedHashMap<>();
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && eq > 0) {
          env.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return env;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public String runId() {
    return run;
  }

  /** The run's env file as written by {@code up} (LB_URL, H1_ADDR, CLUSTER_NAME, ...). */
  public Map<String, String> env() {
    return env;
  }

  /** The state dir: logs, pid files, generated cluster.xml and haproxy.cfg. */
  public Path stateDir() {
    return Path.of(env.get("STATE_DIR"));
  }

  public String clusterName() {
    return env.get("CLUSTER_NAME");
  }

  /** The load balancer's WebSocket URL, {@code ws://127.0.0.1:P/ws}. */
  public String lbUrl() {
    return env.get("LB_URL");
  }

  /** The load balancer's HTTP base URL, {@code http://127.0.0.1:P}. */
  public String lbHttpUrl() {
    return env.get("LB_HTTP");
  }

  public int lbPort() {
    return Integer.parseInt(env.get("LB_PORT"));
  }

  /** h1..hN. */
  public List<String> hosts() {
    return List.copyOf(hosts.keySet());
  }

  public Host host(String name) {
    Host h = hosts.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no host " + name + " in run " + run + " (" + hosts.keySet() + ")");
    }
    return h;
  }

  /** {@code ws://ADDR:8080/ws} of the host. */
  public String wsUrl(String host) {
    return host(host).wsUrl();
  }

  /** {@code http://ADDR:8080} of the host. */
  public String httpUrl(String host) {
    return host(host).httpUrl();
  }

  public String address(String host) {
    return host(host).address();
  }

  public Path log(String host) {
    return host(host).log();
  }

  /** Cuts the listed hosts off from the others (both directions); the root namespace still reaches all. */
  public void partition(String... hostNames) {
    List<String> args = new ArrayList<>(List.of("partition"));
    args.addAll(Arrays.asList(hostNames));
    run(SHORT_TIMEOUT, args.toArray(String[]::new));
  }

  /** Removes every cut. */
  public void heal() {
    run(SHORT_TIMEOUT, "heal");
  }

  /** SIGKILL to the host's node. */
  public void kill(String host) {
    run(SHORT_TIMEOUT, "kill", host);
  }

  /** Starts the host's node again (SIGKILL first if it runs), same arguments; returns once it serves. */
  public void restart(String host) {
    run(RESTART_TIMEOUT, "restart", host);
  }

  /** Runs {@code command} inside the host's namespace; its result whatever the exit status. */
  public Result execIn(String host, String... command) {
    List<String> args = new ArrayList<>(List.of("--run", run, "exec", host));
    args.addAll(Arrays.asList(command));
    return script(SHORT_TIMEOUT, args);
  }

  /** {@code down}: nodes, HAProxy, namespaces, links and state gone. Idempotent. */
  @Override
  public void close() {
    if (!down) {
      run(DOWN_TIMEOUT, "down");
      down = true;
    }
  }
}
