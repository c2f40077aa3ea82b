package io.pubsubgateway.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuietMachineTest {
  private static final String BEFORE = """
    cpu  10000 500 3000 80000 1000 0 200 0 0 0
    cpu0 5000 250 1500 40000 500 0 100 0 0 0
    cpu1 5000 250 1500 40000 500 0 100 0 0 0
    intr 123456 0 0
    ctxt 987654
    """;

  @Test
  void busyIsTheShareOfNonIdleTimeBetweenTwoSamples() {
    // +60 user, +10 nice, +20 system, +100 idle, +10 iowait, +0 irq, +0 softirq, +0 steal: busy 90 of 200
    String after = """
      cpu  10060 510 3020 80100 1010 0 200 0 0 0
      cpu0 5030 255 1510 40050 505 0 100 0 0 0
      """;
    assertEquals(0.45, QuietMachine.busy(BEFORE, after), 1e-9);
  }

  @Test
  void guestTimeIsNotCountedTwiceAndStealCountsAsBusy() {
    String after = """
      cpu  10050 500 3000 80040 1000 0 200 10 50 0
      """;
    // +50 user (guest 50 included in it, not added again), +40 idle, +10 steal: busy 60 of 100
    assertEquals(0.6, QuietMachine.busy(BEFORE, after), 1e-9);
  }

  @Test
  void anIdleMachineIsZeroAndNoElapsedTimeIsUndefined() {
    String after = "cpu  10000 500 3000 80200 1000 0 200 0 0 0\n";
    assertEquals(0.0, QuietMachine.busy(BEFORE, after));
    assertTrue(Double.isNaN(QuietMachine.busy(BEFORE, BEFORE)));
    assertTrue(Double.isNaN(QuietMachine.busy(BEFORE, "intr 1 2 3\n")));
  }

  @Test
  void theAggregateLineIsParsedAndPerCpuLinesIgnored() {
    assertArrayEquals(new long[]{10000, 500, 3000, 80000, 1000, 0, 200, 0, 0, 0}, QuietMachine.cpuLine(BEFORE));
    assertNull(QuietMachine.cpuLine("cpu0 1 2 3 4 5\n"));
  }

  @Test
  void aDisabledWaitReturnsAtOnce() throws Exception {
    assertNull(QuietMachine.none().await());
  }

  @Test
  void aWaitOnThisMachineSamplesAtLeastOnce() throws Exception {
    QuietMachine.Wait w = new QuietMachine(1.0 - 1e-9, 0.1).await();
    assertTrue(w.seconds() >= 0.45, w.toString());
  }
}
