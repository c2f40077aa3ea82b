package io.pubsubgateway.bench;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The class path of the processes the benchmark starts with its own classes (load-generating
 * workers, the bridge and raw Vert.x servers): the benchmark's jar, then the gateway's fat jar for
 * Vert.x, Hazelcast and the gateway's classes. The benchmark is not in the product jar; its jar is
 * {@code target/pubsub-gateway-bench.jar}, built beside the product's by {@code mvn package}.
 */
public final class BenchClasspath {
  /** The benchmark jar's file name, next to the gateway's jar. */
  public static final String BENCH_JAR = "pubsub-gateway-bench.jar";

  private BenchClasspath() {
  }

  /**
   * The benchmark jar this code runs from, or, when it runs from a class folder (the build's tests),
   * {@value #BENCH_JAR} next to {@code gatewayJar}; then {@code gatewayJar}.
   */
  public static String of(Path gatewayJar) {
    Path bench = running();
    if (bench == null || !Files.isRegularFile(bench)) {
      bench = gatewayJar.toAbsolutePath().resolveSibling(BENCH_JAR);
    }
    if (!Files.isRegularFile(bench)) {
      throw new IllegalStateException("no benchmark jar at " + bench + ": build it with mvn -DskipTests package");
    }
    return bench.toAbsolutePath() + File.pathSeparator + gatewayJar.toAbsolutePath();
  }

  private static Path running() {
    try {
      var source = BenchClasspath.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
