package io.pubsubgateway.bench;

import io.pubsubgateway.testing.ProcessRun;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A smoke run of each benchmark scenario through scripts/bench.sh with tiny sizes: the tool still
 * works, every system asked for was measured, nothing was lost. Each scenario runs two or three
 * systems, to keep the build short: the clusters (gateway-3, bridge-3) only in churn, which counts
 * their registrations and has every subscriber, on every node, receive; SystemsIT round-trips every
 * system adapter.
 */
class BenchSmokeIT {
  @Test
  void fanoutSmokeMeasuresTheGatewayTheBaselineAndThePeerWithZeroLoss() throws Exception {
    JsonObject json = smoke("fanout", "--systems", "gateway,raw-vertx,nats");
    assertTrue(Files.size(Path.of("target/bench-smoke/fanout-latest.svg")) > 0);
    assertMeasured(json, 3);
  }

  @Test
  void channelsSmokeMeasuresEveryChannelAwareSystemWithZeroLoss() throws Exception {
    JsonObject json = smoke("channels", "--systems", "gateway,bridge");
    JsonArray results = json.getJsonArray("results");
    assertEquals(2, results.size(), json.encodePrettily());
    for (Object o : results) {
      JsonObject r = (JsonObject) o;
      assertTrue(r.getDouble("throughputPerSec") > 0, r.encode());
      assertEquals(0L, r.getLong("loss"), r.encode());
      assertEquals(0L, r.getLong("duplicates"), r.encode());
    }
  }

  @Test
  void connectionsSmokeMeasuresEverySystem() throws Exception {
    JsonObject json = smoke("connections", "--systems", "gateway,nats");
    assertMeasured(json, 2);
    for (Object o : json.getJsonArray("results")) {
      JsonObject extra = ((JsonObject) o).getJsonObject("extra");
      assertEquals(50, extra.getInteger("connections"), extra.encode());
      assertTrue(extra.containsKey("rssKibPerConnection"), extra.encode());
    }
  }

  @Test
  void churnSmokeCountsOneRegistrationPerNodeForUsAndOnePerSocketForTheBridge() throws Exception {
    JsonObject json = smoke("churn");
    JsonArray results = json.getJsonArray("results");
    assertEquals(2, results.size(), json.encodePrettily());
    for (Object o : results) {
      JsonObject r = (JsonObject) o;
      assertTrue(r.getDouble("throughputPerSec") > 0, r.encode());
      JsonObject extra = r.getJsonObject("extra");
      if (r.getString("system").equals("gateway-3")) {
        // one per node, before and after the storm: subscribers come and go without touching the cluster
        assertEquals(3, extra.getInteger("registrationsBefore"), r.encode());
        assertEquals(3, extra.getInteger("registrationsAfter"), r.encode());
      } else {
        // one per socket (read once every subscriber received; right after a storm the count is still moving)
        assertEquals(20, extra.getInteger("registrationsBefore"), r.encode());
      }
    }
  }

  private static JsonObject smoke(String scenario, String... args) throws Exception {
    Path results = Path.of("target/bench-smoke");
    List<String> command = new java.util.ArrayList<>(List.of("bash", "scripts/bench.sh", scenario, "--smoke",
      "--results", results.toString(), "--base-port", "19400"));
    command.addAll(List.of(args));
    ProcessRun run = ProcessRun.start(command);
    int status = run.exit(Duration.ofMinutes(5));
    assertEquals(0, status, String.join("\n", run.out()) + "\n" + String.join("\n", run.err()));
    return new JsonObject(Files.readString(results.resolve(scenario + "-latest.json")));
  }

  private static void assertMeasured(JsonObject json, int systems) {
    JsonArray measured = json.getJsonArray("results");
    assertEquals(systems, measured.size(), json.encodePrettily());
    for (Object o : measured) {
      JsonObject r = (JsonObject) o;
      assertTrue(r.getDouble("throughputPerSec") > 0, r.encode());
      assertEquals(0L, r.getLong("loss"), r.encode());
      assertEquals(0L, r.getLong("duplicates"), r.encode());
    }
  }
}
