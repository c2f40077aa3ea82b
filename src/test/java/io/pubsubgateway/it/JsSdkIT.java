package io.pubsubgateway.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JavaScript SDK's own tests ({@code src/main/js/test/*.test.mjs}, Node's test runner) in the
 * Maven build: against a fake gateway, one gateway process and a 2-node cluster of the fat jar
 * built in {@code package}. Installs the test dependency ({@code ws}) with {@code npm ci} when
 * {@code node_modules} is missing or {@code package-lock.json} changed since the last install.
 * Needs {@code node} (20+) and {@code npm} on the PATH. The runner's output goes to
 * {@code target/js-sdk-tests.log}.
 */
class JsSdkIT {
  private static final Path JS = Path.of("src/main/js");
  private static final Path STAMP = JS.resolve("node_modules/.pubsub-gateway-lock.sha256");
  private static final String JAR = System.getProperty("gateway.jar", "target/pubsub-gateway.jar");

  @Test
  void nodeTestsPass() throws Exception {
    installDependencies();
    List<String> command = new ArrayList<>(List.of("node", "--test", "--test-reporter=tap"));
    try (Stream<Path> files = Files.list(JS.resolve("test"))) {
      files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".test.mjs")).sorted()
        .forEach(n -> command.add("test/" + n));
    }
    assertTrue(command.size() > 2, "no test files in " + JS.resolve("test"));
    Path log = Path.of("target", "js-sdk-tests.log");
    int exit = run(command, log, 15);
    List<String> lines = Files.readAllLines(log);
    lines.stream().filter(l -> l.startsWith("# ") || l.trim().startsWith("not ok")).forEach(System.out::println);
    assertEquals(0, exit, "node --test failed (" + log + "):\n"
      + String.join("\n", lines.subList(Math.max(0, lines.size() - 150), lines.size())));
    assertTrue(lines.contains("# fail 0"), "no summary line '# fail 0' in " + log);
    assertFalse(lines.contains("# pass 0"), "no test ran");
  }

  /** {@code npm ci} unless node_modules was installed from this very package-lock.json. */
  private static void installDependencies() throws Exception {
    String lock = sha256(Files.readAllBytes(JS.resolve("package-lock.json")));
    if (Files.isRegularFile(STAMP) && Files.readString(STAMP).equals(lock)) {
      return;
    }
    Path log = Path.of("target", "js-sdk-npm-ci.log");
    int exit = run(List.of("npm", "ci", "--no-audit", "--no-fund"), log, 5);
    assertEquals(0, exit, "npm ci failed:\n" + Files.readString(log));
    Files.writeString(STAMP, lock);
  }

  /** Runs {@code command} in src/main/js with the jar's path in PUBSUB_GATEWAY_JAR; output to {@code log}. */
  private static int run(List<String> command, Path log, int minutes) throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).directory(JS.toFile()).redirectErrorStream(true)
      .redirectOutput(log.toFile());
    builder.environment().put("PUBSUB_GATEWAY_JAR", Path.of(JAR).toAbsolutePath().toString());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError(command.get(0) + " not found: the JavaScript SDK's tests need Node.js 20+ and npm on the PATH", e);
    }
    if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within " + minutes + " minutes; see " + log);
    }
    return process.exitValue();
  }

  private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
