package io.pubsubgateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a folder's Node.js tests ({@code node --test}) from a JUnit integration test: installs its
 * npm packages first ({@code npm ci}, from its package-lock.json) when they are missing or older
 * than the lock file, passes the fat jar's path as {@code GATEWAY_JAR}. The output goes to
 * {@code target/node-tests/<folder>.log} and is then printed through {@code System.out}: a child
 * must not inherit the forked test JVM's stdin/stdout, which are Surefire's command channel.
 */
public final class NodeTests {
  private NodeTests() {
  }

  /** Exit status of {@code node --test --test-concurrency=1} in {@code dir}; -1 when it timed out (killed). */
  public static int run(Path dir, Duration timeout) throws IOException, InterruptedException {
    Path log = Path.of("target", "node-tests", dir.getFileName() + ".log");
    Files.createDirectories(log.getParent());
    Files.deleteIfExists(log);
    try {
      return runLogged(dir, timeout, log);
    } finally {
      if (Files.exists(log)) {
        System.out.println(Files.readString(log));
      }
    }
  }

  private static int runLogged(Path dir, Duration timeout, Path log) throws IOException, InterruptedException {
    Path modules = dir.resolve("node_modules");
    Path lock = dir.resolve("package-lock.json");
    if (!Files.isDirectory(modules) || Files.getLastModifiedTime(lock).compareTo(Files.getLastModifiedTime(modules)) > 0) {
      int npm = start(dir, List.of("npm", "ci", "--no-audit", "--no-fund"), log).waitFor();
      if (npm != 0) {
        throw new IllegalStateException("npm ci in " + dir + " failed with status " + npm);
      }
    }
    Process node = start(dir, List.of("node", "--test", "--test-concurrency=1"), log);
    if (!node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
      return -1;
    }
    return node.exitValue();
  }

  private static Process start(Path dir, List<String> command, Path log) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
      .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
      .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
      .redirectErrorStream(true);
    pb.environment().put("GATEWAY_JAR", Path.of(System.getProperty("gateway.jar", "target/pubsub-gateway.jar"))
      .toAbsolutePath().toString());
    return pb.start();
  }
}
