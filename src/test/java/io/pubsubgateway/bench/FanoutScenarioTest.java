package io.pubsubgateway.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FanoutScenarioTest {
  @Test
  void warmUpEndsOnceAPassingTrialCostsWhatThePreviousOneDid() {
    assertFalse(FanoutScenario.warmedUp(Double.NaN, 10.0, true), "the first trial has nothing to compare with");
    assertFalse(FanoutScenario.warmedUp(20.0, 10.0, true), "CPU per delivery still falling: the JIT is still at work");
    assertFalse(FanoutScenario.warmedUp(10.0, 10.0, false), "a failing trial is not warm");
    assertTrue(FanoutScenario.warmedUp(10.0, 11.4, true));
    assertTrue(FanoutScenario.warmedUp(10.0, 8.6, true));
    assertFalse(FanoutScenario.warmedUp(10.0, 11.6, true));
    assertFalse(FanoutScenario.warmedUp(10.0, Double.NaN, true));
  }
}
