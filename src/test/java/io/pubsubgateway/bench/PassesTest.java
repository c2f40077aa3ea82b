package io.pubsubgateway.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PassesTest {
  @Test
  void passesAreInterleavedAcrossSystems() {
    assertEquals(List.of(new Passes.Slot(1, 0), new Passes.Slot(1, 1), new Passes.Slot(1, 2),
        new Passes.Slot(2, 0), new Passes.Slot(2, 1), new Passes.Slot(2, 2)),
      Passes.order(3, 2));
    assertEquals(List.of(new Passes.Slot(1, 0)), Passes.order(1, 1));
  }

  @Test
  void threePassesByDefaultOneInSmokeModeUnlessAsked() {
    assertEquals(3, parse("fanout").passes());
    assertEquals(1, parse("fanout", "--smoke").passes());
    assertEquals(2, parse("fanout", "--smoke", "--passes", "2").passes());
    assertEquals(5, parse("channels", "--passes", "5").passes());
  }

  @Test
  void theQuietWaitHasDefaultsAndIsSkippedInSmokeMode() {
    BenchMain.Common fanout = parse("fanout");
    assertEquals(15, fanout.quietCpuPercent);
    assertEquals(10, fanout.quietMaxWait);
    assertTrue(fanout.quiet().enabled());
    assertFalse(parse("fanout", "--smoke").quiet().enabled());
    assertFalse(parse("fanout", "--quiet-max-wait", "0").quiet().enabled());
  }

  private static BenchMain.Common parse(String... args) {
    CommandLine.ParseResult parsed = new CommandLine(new BenchMain()).parseArgs(args);
    return (BenchMain.Common) parsed.subcommand().commandSpec().userObject();
  }
}
