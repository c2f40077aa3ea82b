package io.pubsubgateway.bench.report;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpreadTest {
  @Test
  void anOddCountHasTheMiddleValueAsMedian() {
    Spread s = Spread.of(750_000, 185_000, 760_000);
    assertEquals(new Spread(750_000, 185_000, 760_000, 3), s);
  }

  @Test
  void anEvenCountHasTheMeanOfTheTwoMiddleValuesAsMedian() {
    Spread s = Spread.of(4, 1, 3, 10);
    assertEquals(new Spread(3.5, 1, 10, 4), s);
  }

  @Test
  void onePassIsItsOwnMedianMinAndMax() {
    assertEquals(new Spread(42, 42, 42, 1), Spread.of(42));
  }

  @Test
  void nonFiniteValuesAreLeftOut() {
    assertEquals(new Spread(2, 1, 3, 2), Spread.of(1, Double.NaN, 3));
    assertTrue(Double.isNaN(Spread.of(Double.NaN).median()));
  }

  @Test
  void combinedPassesReportTheMedianTheRangeAndTheWorstLoss() {
    SystemResult r = SystemResult.combine(List.of(
      new SystemResult("gateway", 750_000, 0, 0, 375_000, 0.5, 2.0, 3.0, 9.0, 2.0,
        Map.of(BenchReport.cpuAt(25_000), 4.0, "trials", 7)),
      new SystemResult("gateway", 185_000, 2, 1, 92_000, 0.9, 9.0, 12.0, 40.0, 3.0,
        Map.of(BenchReport.cpuAt(25_000), 6.0, "trials", 5)),
      new SystemResult("gateway", 760_000, 0, 0, 380_000, 0.4, 1.5, 2.5, 8.0, 1.9,
        Map.of(BenchReport.cpuAt(25_000), 5.0, "trials", 8))));
    assertEquals("gateway", r.system());
    assertEquals(750_000, r.throughputPerSec());
    assertEquals(185_000, r.throughputMin());
    assertEquals(760_000, r.throughputMax());
    assertEquals(2, r.loss());
    assertEquals(1, r.duplicates());
    assertEquals(375_000, r.latencyLoadPerSec());
    assertEquals(2.0, r.p99Ms());
    assertEquals(2.0, r.cpuMicrosPerDelivery());
    assertEquals(5.0, r.extra().get(BenchReport.cpuAt(25_000)));
    assertEquals(7, r.extra().get("trials")); // the median pass's
    assertEquals(List.of(new SystemResult.Pass(1, 750_000, 2.0, 0, 0), new SystemResult.Pass(2, 185_000, 3.0, 2, 1),
      new SystemResult.Pass(3, 760_000, 1.9, 0, 0)), r.passes());
  }

  @Test
  void aPassNotMeasuredMakesTheLossUnknownAndIsCounted() {
    SystemResult r = SystemResult.combine(List.of(
      new SystemResult("nats", 1_000_000, 0, 0, 500_000, 0.5, 2.0, 3.0, 9.0, 1.0, Map.of()),
      new SystemResult("nats", 0, -1, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Map.of("error", "boom"))));
    assertEquals(500_000, r.throughputPerSec());
    assertEquals(-1, r.loss());
    assertEquals(1L, r.extra().get("failedPasses"));
    assertEquals("boom", r.extra().get("error"));
    assertEquals(1.0, r.cpuMicrosPerDelivery());
  }
}
