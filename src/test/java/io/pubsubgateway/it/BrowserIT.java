package io.pubsubgateway.it;

import io.pubsubgateway.testing.NodeTests;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The browser tests in {@code src/test/browser} (Node's test runner driving Debian's headless
 * Chromium through playwright-core, against real gateway processes): the chat demo across two
 * nodes and a node stop, a bad token, and Vert.x's official event-bus client over SockJS.
 * Screenshots land in {@code target/browser/}.
 */
class BrowserIT {
  @Test
  void browserTestsPass() throws Exception {
    assertEquals(0, NodeTests.run(Path.of("src/test/browser"), Duration.ofMinutes(8)),
      "node --test in src/test/browser (its output is above and in target/node-tests/)");
  }
}
