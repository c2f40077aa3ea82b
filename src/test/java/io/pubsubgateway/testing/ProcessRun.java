package io.pubsubgateway.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real process started by a test, its stdout and stderr collected line by line. */
public record ProcessRun(Process process, List<String> out, List<String> err) {

  /** Starts {@code command} in the project folder. */
  public static ProcessRun start(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).start();
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> err = new CopyOnWriteArrayList<>();
    collect(p.getInputStream(), out);
    collect(p.getErrorStream(), err);
    return new ProcessRun(p, out, err);
  }

  private static void collect(InputStream in, List<String> lines) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    t.setDaemon(true);
    t.start();
  }

  public boolean printed(String text) {
    return out.stream().anyMatch(l -> l.contains(text));
  }

  public boolean printedOnStderr(String text) {
    return err.stream().anyMatch(l -> l.contains(text));
  }

  /** The exit status, failing the test when the process runs longer than {@code timeout}. */
  public int exit(Duration timeout) throws InterruptedException {
    assertTrue(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS), "process did not exit: " + err);
    Thread.sleep(100); // let the readers take the last lines
    return process.exitValue();
  }

  /** A TCP port free on the loopback interface right now (for a process to listen on). */
  public static int freeLoopbackPort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The last line of stdout. */
  public String lastLine() {
    return out.get(out.size() - 1);
  }
}
