package io.pubsubgateway.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReconnectPolicyTest {
  private static final ReconnectPolicy POLICY =
    new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(2), ReconnectPolicy.UNLIMITED, 0.5);

  @ParameterizedTest(name = "attempt {0}: between {1} and {2} ms")
  @CsvSource({"1,50,100", "2,100,200", "3,200,400", "5,800,1600", "6,1000,2000", "40,1000,2000"})
  void delaysDoubleUpToTheMaximumWithJitterBelowTheBase(int attempt, long low, long high) {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      long ms = POLICY.delay(attempt, random).toMillis();
      assertTrue(ms >= low && ms <= high, attempt + " -> " + ms);
    }
  }

  @Test
  void withoutJitterTheDelayIsExact() {
    ReconnectPolicy exact = new ReconnectPolicy(Duration.ofMillis(100), Duration.ofSeconds(1), 3, 0);
    assertEquals(Duration.ofMillis(400), exact.delay(3, new Random()));
  }

  @Test
  void attemptBounds() {
    assertTrue(POLICY.allows(1_000_000));
    ReconnectPolicy three = new ReconnectPolicy(Duration.ofMillis(1), Duration.ofMillis(1), 3, 0);
    assertTrue(three.allows(3));
    assertFalse(three.allows(4));
    assertFalse(ReconnectPolicy.NONE.allows(1));
  }

  @Test
  void invalidPoliciesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), -2, 0));
    assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1.5));
  }
}
