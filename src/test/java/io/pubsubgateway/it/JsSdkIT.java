package io.pubsubgateway.it;

import io.pubsubgateway.testing.NodeTests;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JavaScript SDK's own tests ({@code src/main/js/test/*.test.mjs}, Node's test runner with the
 * {@code ws} package): the exact frames against a fake gateway, then one gateway process and a
 * 2-node cluster of the fat jar built in {@code package} (failover after SIGKILL with recovery).
 */
class JsSdkIT {
  @Test
  void nodeTestsPass() throws Exception {
    assertEquals(0, NodeTests.run(Path.of("src/main/js"), Duration.ofMinutes(10)),
      "node --test in src/main/js (its output is above and in target/node-tests/)");
  }
}
