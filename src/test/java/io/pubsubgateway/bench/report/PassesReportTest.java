package io.pubsubgateway.bench.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PassesReportTest {
  private static SystemResult pass(String system, double throughput, double cpu) {
    return new SystemResult(system, throughput, 0, 0, throughput / 2, 0.5, 2.0, 3.0, 9.0, cpu, Map.of());
  }

  private static List<SystemResult> results() {
    return List.of(
      SystemResult.combine(List.of(pass("gateway", 1_370_000, 2.0), pass("gateway", 1_170_000, 2.2),
        pass("gateway", 1_570_000, 1.8))),
      SystemResult.combine(List.of(pass("nats", 1_000_000, 1.0), pass("nats", 1_300_000, 1.1),
        pass("nats", 1_500_000, 1.2))));
  }

  @Test
  void theTableShowsMedianAndRangeAndTheRatiosWithinEachPass() {
    String table = BenchReport.table("fanout", results());
    assertTrue(table.contains("gateway  1.37M (1.17M–1.57M)"), table);
    assertTrue(table.contains("nats     1.30M (1.00M–1.50M)"), table);
    assertTrue(table.contains("gateway / nats = 1.05x"), table); // from the medians: 1.37 / 1.30
    assertTrue(table.contains("ratios within each pass (throughput)\ngateway / nats: 1.37x 0.900x 1.05x, median 1.05x"),
      table);
  }

  @Test
  void theJsonCarriesTheMedianTheRangeAndEveryPass() {
    JsonObject json = BenchReport.json("fanout", ZonedDateTime.parse("2024-03-05T14:07:09+01:00"), new JsonObject(),
      new JsonObject(), results());
    JsonObject gateway = json.getJsonArray("results").getJsonObject(0);
    assertEquals("gateway", gateway.getString("system"));
    assertEquals(1_370_000.0, gateway.getDouble("throughputPerSec"));
    assertEquals(1_170_000.0, gateway.getDouble("throughputMin"));
    assertEquals(1_570_000.0, gateway.getDouble("throughputMax"));
    assertEquals(0L, gateway.getLong("loss"));
    assertEquals(0L, gateway.getLong("duplicates"));
    assertTrue(gateway.containsKey("extra"));
    JsonArray passes = gateway.getJsonArray("passes");
    assertEquals(3, passes.size());
    assertEquals(new JsonObject().put("pass", 2).put("throughputPerSec", 1_170_000.0).put("cpuMicrosPerDelivery", 2.2)
      .put("loss", 0L).put("duplicates", 0L), passes.getJsonObject(1));
    assertEquals(1.05, json.getJsonObject("ratios").getDouble("gateway/nats"));
    JsonObject perPass = json.getJsonObject("passRatios").getJsonObject("gateway/nats");
    assertEquals(new JsonArray().add(1.37).add(0.9).add(1.05), perPass.getJsonArray("passes"));
    assertEquals(1.05, perPass.getDouble("median"));
  }

  @Test
  void aSinglePassNotCombinedKeepsTheFormerDocument() {
    JsonObject json = BenchReport.json("fanout", ZonedDateTime.parse("2024-03-05T14:07:09+01:00"), new JsonObject(),
      new JsonObject(), List.of(pass("gateway", 1000, 1.0)));
    JsonObject gateway = json.getJsonArray("results").getJsonObject(0);
    assertFalse(gateway.containsKey("passes"));
    assertFalse(gateway.containsKey("throughputMin"));
    assertFalse(json.containsKey("passRatios"));
  }
}
