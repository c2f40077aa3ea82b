package io.pubsubgateway.session;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest {
  private static final long T0 = 1_000_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000_000_000L;

  /** Takes tokens at {@code now} until one is refused; returns how many were granted (bounded). */
  private static int drain(TokenBucket bucket, long now) {
    int n = 0;
    while (bucket.tryTake(now)) {
      n++;
      if (n > 10_000_000) {
        throw new AssertionError("bucket never ran dry");
      }
    }
    return n;
  }

  @Test
  void startsFullAndRefusesTheEleventhAtTheSameInstant() {
    TokenBucket bucket = new TokenBucket(10, T0);
    for (int i = 0; i < 10; i++) {
      assertTrue(bucket.tryTake(T0), "take " + (i + 1));
    }
    assertFalse(bucket.tryTake(T0));
    assertFalse(bucket.tryTake(T0));
  }

  @Test
  void refillsOneTokenAfter100ms() {
    TokenBucket bucket = new TokenBucket(10, T0);
    assertEquals(10, drain(bucket, T0));
    assertTrue(bucket.tryTake(T0 + 100 * MS));
    assertFalse(bucket.tryTake(T0 + 100 * MS));
    assertTrue(bucket.tryTake(T0 + 200 * MS));
    assertFalse(bucket.tryTake(T0 + 200 * MS));
  }

  @Test
  void lessThan100msIsNotEnoughForATokenAtRate10() {
    TokenBucket bucket = new TokenBucket(10, T0);
    assertEquals(10, drain(bucket, T0));
    assertFalse(bucket.tryTake(T0 + 99 * MS));
  }

  @Test
  void partialRefillAccumulatesAcrossRefusedAttempts() {
    TokenBucket bucket = new TokenBucket(10, T0);
    drain(bucket, T0);
    assertFalse(bucket.tryTake(T0 + 50 * MS));
    assertTrue(bucket.tryTake(T0 + 100 * MS));
    assertFalse(bucket.tryTake(T0 + 100 * MS));
  }

  @Test
  void neverHoldsMoreThanTheRateAfterALongPause() {
    TokenBucket bucket = new TokenBucket(10, T0);
    drain(bucket, T0);
    assertEquals(10, drain(bucket, T0 + 3600 * SECOND));
    TokenBucket idle = new TokenBucket(10, T0);
    assertEquals(10, drain(idle, T0 + 10 * SECOND));
  }

  @Test
  void fullSecondRefillsTheWholeRate() {
    TokenBucket bucket = new TokenBucket(10, T0);
    drain(bucket, T0);
    assertEquals(10, drain(bucket, T0 + SECOND));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 1000})
  void burstEqualsTheRate(int rate) {
    assertEquals(rate, drain(new TokenBucket(rate, T0), T0));
  }

  @Test
  void rateOneRefillsAfterOneSecond() {
    TokenBucket bucket = new TokenBucket(1, T0);
    assertTrue(bucket.tryTake(T0));
    assertFalse(bucket.tryTake(T0 + 999 * MS));
    assertTrue(bucket.tryTake(T0 + SECOND));
  }

  @Test
  void rateZeroIsUnlimited() {
    TokenBucket bucket = new TokenBucket(0, T0);
    for (int i = 0; i < 100_000; i++) {
      assertTrue(bucket.tryTake(T0));
    }
  }

  @Test
  void worksWithNegativeNanoTime() {
    // System.nanoTime() may be negative; only differences matter
    long start = -5 * SECOND;
    TokenBucket bucket = new TokenBucket(10, start);
    assertEquals(10, drain(bucket, start));
    assertTrue(bucket.tryTake(start + 100 * MS));
  }
}
