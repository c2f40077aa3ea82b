package io.pubsubgateway.bench.systems;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server process of a system under test: started with its stdout and stderr appended to a
 * log file, waited for (a line in that log, or a TCP port), stopped with SIGTERM and, after
 * {@link #STOP_GRACE}, SIGKILL. The working directory is the caller's (the project folder), so
 * relative paths such as {@code conf/cluster.xml} resolve there.
 *
 * <p>Threading: not thread-safe; a {@link ProcessSystem} uses it under its own lock.
 */
final class ServerProcess {
  /** How long {@link #stopAll} waits after SIGTERM before SIGKILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final Path log;

  private ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command}; output goes to {@code log} (created or truncated). */
  static ServerProcess start(String name, List<String> command, Path log) throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process p = new ProcessBuilder(command)
      .redirectErrorStream(true)
      .redirectOutput(log.toFile())
      .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
      .start();
    return new ServerProcess(name, p, log);
  }

  private static java.io.File nullDevice() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /** The java binary running this JVM, else {@code java} from PATH. */
  static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** Waits until the log holds a line containing {@code marker}; fails early if the process exits. */
  void awaitLine(String marker, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(marker)) {
        return;
      }
      checkRunning(deadline, "printing '" + marker + "'", timeout);
      Thread.sleep(50);
    }
  }

  /** Waits until {@code host:port} accepts TCP connections; fails early if the process exits. */
  void awaitPort(String host, int port, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 500);
        return;
      } catch (IOException notYet) {
        checkRunning(deadline, "accepting connections on " + host + ":" + port, timeout);
        Thread.sleep(50);
      }
    }
  }

  private void checkRunning(long deadline, String what, Duration timeout) throws IOException {
    if (!process.isAlive()) {
      throw new IOException(name + " exited with status " + process.exitValue() + " before " + what
        + "; log " + log + ":\n" + tail());
    }
    if (System.nanoTime() > deadline) {
      throw new IOException(name + " not " + what + " within " + timeout + "; log " + log + ":\n" + tail());
    }
  }

  /** The last lines of the log, for error messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /**
   * SIGTERM to every process at once, then waits up to {@link #STOP_GRACE} in total; processes
   * still alive then get SIGKILL and are waited for. Returns once all are gone (or SIGKILL did
   * not take effect within 10 more seconds).
   */
  static void stopAll(List<ServerProcess> processes) {
    for (ServerProcess p : processes) {
      p.process.destroy();
    }
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    List<ServerProcess> stubborn = new ArrayList<>();
    for (ServerProcess p : processes) {
      if (!waitFor(p.process, Math.max(0, deadline - System.nanoTime()))) {
        stubborn.add(p);
      }
    }
    for (ServerProcess p : stubborn) {
      p.process.destroyForcibly();
      waitFor(p.process, TimeUnit.SECONDS.toNanos(10));
    }
  }

  private static boolean waitFor(Process p, long nanos) {
    try {
      return p.waitFor(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return false;
    }
  }
}
