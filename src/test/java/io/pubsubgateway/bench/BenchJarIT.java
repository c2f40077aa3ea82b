package io.pubsubgateway.bench;

import io.pubsubgateway.bench.systems.Systems;
import io.pubsubgateway.testing.ProcessRun;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product jar holds the product only; the benchmark is its own jar, which runs beside it.
 * (Reads the jars {@code mvn package} built.)
 */
class BenchJarIT {
  private static final Path PRODUCT = Path.of(System.getProperty("gateway.jar", "target/pubsub-gateway.jar"));
  private static final Path BENCH = PRODUCT.resolveSibling(BenchClasspath.BENCH_JAR);

  @Test
  void theProductJarHoldsNoBenchmarkClassAndNoHdrHistogram() throws IOException {
    try (JarFile jar = new JarFile(PRODUCT.toFile())) {
      List<String> strays = jar.stream().map(ZipEntry::getName)
        .filter(n -> n.startsWith("io/pubsubgateway/bench/") || n.startsWith("org/HdrHistogram/")).toList();
      assertEquals(List.of(), strays);
      assertNotNull(jar.getEntry("io/pubsubgateway/GatewayMain.class"));
    }
  }

  @Test
  void theBenchmarkJarHoldsTheBenchmarkAndHdrHistogramButNoTestAndNoProductClass() throws IOException {
    try (JarFile jar = new JarFile(BENCH.toFile())) {
      assertNotNull(jar.getEntry("io/pubsubgateway/bench/BenchMain.class"));
      assertNotNull(jar.getEntry("org/HdrHistogram/Histogram.class"));
      List<String> strays = jar.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".class"))
        .filter(n -> !n.startsWith("io/pubsubgateway/bench/") && !n.startsWith("org/HdrHistogram/")
          || n.matches(".*(Test|IT)(\\$.*)?\\.class"))
        .toList();
      assertEquals(List.of(), strays);
      var manifest = jar.getManifest().getMainAttributes();
      assertEquals("io.pubsubgateway.bench.BenchMain", manifest.getValue("Main-Class"));
      assertEquals("pubsub-gateway.jar", manifest.getValue("Class-Path"));
    }
  }

  @Test
  void theBenchmarkJarRunsBesideTheProductJarAndListsItsSystems() throws Exception {
    ProcessRun run = ProcessRun.start(List.of("java", "-jar", BENCH.toString(), "fanout", "--help"));
    assertEquals(0, run.exit(Duration.ofSeconds(60)), String.join("\n", run.err()));
    String usage = String.join(" ", run.out()).replaceAll("\\s+", " ");
    assertTrue(usage.contains("Systems to measure, comma-separated: " + String.join(", ", Systems.names())), usage);
  }
}
