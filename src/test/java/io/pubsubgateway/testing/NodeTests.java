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
 * than the lock file, passes the fat jar's path as {@code GATEWAY_JAR}, and streams the output.
 */
public final class NodeTests {
  private NodeTests() {
  }

  /** Exit status of {@code node --test --test-concurrency=1} in {@code dir}; -1 when it timed out (killed). */
  public static int run(Path dir, Duration timeout) throws IOException, InterruptedException {
    Path modules = dir.resolve("node_modules");
    Path lock = dir.resolve("package-lock.json");
    if (!Files.isDirectory(modules) || Files.getLastModifiedTime(lock).compareTo(Files.getLastModifiedTime(modules)) > 0) {
      int npm = start(dir, List.of("npm", "ci", "--no-audit", "--no-fund")).waitFor();
      if (npm != 0) {
        throw new IllegalStateException("npm ci in " + dir + " failed with status " + npm);
      }
    }
    Process node = start(dir, List.of("node", "--test", "--test-concurrency=1"));
    if (!node.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
      return -1;
    }
    return node.exitValue();
  }

  private static Process start(Path dir, List<String> command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).inheritIO();
    pb.environment().put("GATEWAY_JAR", Path.of(System.getProperty("gateway.jar", "target/pubsub-gateway.jar"))
      .toAbsolutePath().toString());
    return pb.start();
  }
}
