package io.pubsubgateway.bench;

import io.pubsubgateway.bench.systems.Systems;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchMainTest {
  @ParameterizedTest
  @ValueSource(strings = {"fanout", "channels", "connections", "churn"})
  void helpListsTheSystemsToMeasure(String scenario) {
    String usage = new CommandLine(new BenchMain()).getSubcommands().get(scenario).getUsageMessage()
      .replaceAll("\\s+", " ");
    for (String name : Systems.names()) {
      assertTrue(usage.contains(name), name + " missing from: " + usage);
    }
    assertTrue(usage.contains("Systems to measure, comma-separated: " + String.join(", ", Systems.names())), usage);
  }
}
