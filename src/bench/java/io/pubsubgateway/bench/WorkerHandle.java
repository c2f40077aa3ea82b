package io.pubsubgateway.bench;

import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The coordinator's side of a {@link SubscriberWorker} process: JSON lines in, JSON lines out. */
final class WorkerHandle implements AutoCloseable {
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();

  private WorkerHandle(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("{")) {
            events.add(new JsonObject(line));
          }
        }
      } catch (IOException ignored) {
        // process ended
      }
    }, "bench-worker-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a worker process with {@code connections} subscribers on {@code channel}. */
  static WorkerHandle start(Path jar, Path log, Dialect dialect, String channel, int channels, int connections, List<String> urls,
                            int urlOffset, String localAddress) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xms256m", "-Xmx1g", "-cp", BenchClasspath.of(jar),
      BenchMain.class.getName(), "worker", "--dialect", dialect.name(), "--channel", channel, "--channels", Integer.toString(channels),
      "--connections", Integer.toString(connections), "--urls", String.join(",", urls),
      "--url-offset", Integer.toString(urlOffset)));
    if (localAddress != null) {
      cmd.addAll(List.of("--local-address", localAddress));
    }
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return new WorkerHandle(p);
  }

  static String javaBin() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Sends a command and waits for the reply event of {@code type}. */
  JsonObject call(JsonObject cmd, String type, Duration timeout) throws IOException, InterruptedException {
    send(cmd);
    return await(type, timeout);
  }

  void send(JsonObject cmd) throws IOException {
    stdin.write(cmd.encode());
    stdin.write('\n');
    stdin.flush();
  }

  JsonObject await(String type, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonObject e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new IllegalStateException("load-generator worker: no '" + type + "' within " + timeout
          + (process.isAlive() ? "" : " (worker exited with " + process.exitValue() + ")"));
      }
      if (type.equals(e.getString("event"))) {
        return e;
      }
    }
  }

  @Override
  public void close() {
    try {
      send(new JsonObject().put("cmd", "quit"));
    } catch (IOException ignored) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
