package io.pubsubgateway.bench.systems;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Common part of the launchers: the processes a system started, their pids, and a
 * {@link #close()} that stops exactly those (SIGTERM, SIGKILL after 10 s). A JVM shutdown hook
 * stops them too if the benchmark itself exits without closing, so no server is left behind.
 * A {@link #start()} that fails stops whatever it had started before rethrowing.
 *
 * <p>Threading: {@code start} and {@code close} are meant for one controlling thread; they are
 * synchronized, so {@code close} from the shutdown hook or another thread is safe. Each instance is
 * started at most once.
 */
abstract class ProcessSystem implements MeasuredSystem {
  /** Longest wait for one node to serve. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  /** What every Java server of the benchmark prints once it serves (the gateway logs it too). */
  static final String LISTENING = "listening on";

  protected final Path workDir;
  private final List<ServerProcess> processes = new ArrayList<>();
  private Thread shutdownHook;
  private boolean started;

  ProcessSystem(Path workDir) {
    this.workDir = workDir.toAbsolutePath();
  }

  /** Starts the processes (via {@link #launch}) and waits until each serves. */
  protected abstract void startProcesses() throws Exception;

  @Override
  public final synchronized void start() throws Exception {
    if (started) {
      throw new IllegalStateException(name() + " already started");
    }
    started = true;
    Files.createDirectories(workDir);
    shutdownHook = new Thread(this::close, name() + "-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    try {
      startProcesses();
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  /** Starts one process, its output in {@code workDir/<logName>.log}. */
  protected final synchronized ServerProcess launch(String logName, List<String> command) throws IOException {
    ServerProcess p = ServerProcess.start(logName, command, workDir.resolve(logName + ".log"));
    processes.add(p);
    return p;
  }

  /**
   * Fails fast, naming the port, when one of {@code ports} is taken on 127.0.0.1 (a server that
   * cannot bind would otherwise be waited for, and a port check could be answered by whoever holds
   * the port).
   */
  final void requireFreePorts(int... ports) {
    for (int port : ports) {
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      } catch (IOException e) {
        throw new IllegalStateException(name() + ": port " + port + " on 127.0.0.1 is not free (" + e.getMessage()
          + "): choose another base port");
      }
    }
  }

  /** {@code java <jvmFlags> <args>} with the JVM running the benchmark. */
  static List<String> javaCommand(List<String> jvmFlags, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ServerProcess.javaBinary());
    cmd.addAll(jvmFlags);
    cmd.addAll(args);
    return cmd;
  }

  @Override
  public final synchronized List<Long> pids() {
    return processes.stream().map(ServerProcess::pid).toList();
  }

  @Override
  public final synchronized void close() {
    if (!processes.isEmpty()) {
      ServerProcess.stopAll(processes);
      processes.clear();
    }
    if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs or ran anyway
      }
    }
    shutdownHook = null;
  }
}
