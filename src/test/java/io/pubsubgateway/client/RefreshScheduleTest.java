package io.pubsubgateway.client;

import io.pubsubgateway.client.RefreshSchedule.Lifetime;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When the Java SDK refreshes its token: lifetimes read from JWT payloads, the 80–90 % point, bounded retries. */
class RefreshScheduleTest {
  private static final long NOW_MS = 1_700_000_000_000L;
  private static final long NOW = NOW_MS / 1000;

  private static String jwt(JsonObject payload) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
      + b64.encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8)) + ".c2ln";
  }

  @Test
  void theLifetimeComesFromTheUnverifiedPayload() {
    assertEquals(new Lifetime(NOW - 10, NOW + 590),
      RefreshSchedule.lifetime(jwt(new JsonObject().put("sub", "a").put("iat", NOW - 10).put("exp", NOW + 590)), NOW_MS));
    assertEquals(new Lifetime(NOW, NOW + 60),
      RefreshSchedule.lifetime(jwt(new JsonObject().put("exp", NOW + 60)), NOW_MS), "no iat: obtained now");
    // payload with characters that need base64url's - and _ (and no padding)
    JsonObject odd = new JsonObject().put("sub", "??>>~~ü").put("iat", NOW).put("exp", NOW + 3);
    assertEquals(new Lifetime(NOW, NOW + 3), RefreshSchedule.lifetime(jwt(odd), NOW_MS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "a.b", "a.b.c.d", "a.!!!.c", "a.bm90IGpzb24.c", "a.WzFd.c"})
  void unreadableTokensAreNeverRefreshed(String token) {
    assertNull(RefreshSchedule.lifetime(token, NOW_MS));
  }

  @Test
  void tokensWithoutExpAreNeverRefreshed() {
    assertNull(RefreshSchedule.lifetime(jwt(new JsonObject().put("sub", "a").put("iat", NOW)), NOW_MS));
    assertNull(RefreshSchedule.lifetime(jwt(new JsonObject().put("exp", "soon")), NOW_MS));
    assertNull(RefreshSchedule.lifetime(null, NOW_MS));
    assertNull(RefreshSchedule.lifetime(null, NOW, NOW_MS));
  }

  @Test
  void theRefreshFallsBetween80And90PercentOfTheLifetime() {
    Lifetime hour = new Lifetime(NOW, NOW + 3600);
    assertEquals(2880_000, RefreshSchedule.delayMs(hour, NOW_MS, 0.0));
    assertEquals(3060_000, RefreshSchedule.delayMs(hour, NOW_MS, 0.5));
    assertEquals(3240_000, RefreshSchedule.delayMs(hour, NOW_MS, 0.999_999_9), 1);
    // measured from iat: a token obtained 1000 s ago refreshes 1000 s sooner
    assertEquals(1880_000, RefreshSchedule.delayMs(hour, NOW_MS + 1000_000, 0.0));
    // 3 s tokens: between 2.4 and 2.7 s
    Lifetime short3 = new Lifetime(NOW, NOW + 3);
    for (double r = 0; r < 1; r += 0.1) {
      long d = RefreshSchedule.delayMs(short3, NOW_MS, r);
      assertTrue(d >= 2400 && d <= 2700, String.valueOf(d));
    }
  }

  @Test
  void aClockAheadOfTheIssuerRefreshesNoSoonerThanATenthOfTheLifetime() {
    Lifetime minute = new Lifetime(NOW, NOW + 60);
    assertEquals(6000, RefreshSchedule.delayMs(minute, NOW_MS + 59_000, 0.5));
    assertEquals(6000, RefreshSchedule.delayMs(minute, NOW_MS + 3_600_000, 0.5), "even long past the expiry");
    assertEquals(1, RefreshSchedule.delayMs(new Lifetime(NOW, NOW), NOW_MS + 10, 0));
  }

  @Test
  void retriesDoubleStayBeforeTheExpiryAndStopAfterFive() {
    Lifetime hour = new Lifetime(NOW, NOW + 3600);
    assertEquals(1000, RefreshSchedule.retryDelayMs(1, hour, NOW_MS));
    assertEquals(2000, RefreshSchedule.retryDelayMs(2, hour, NOW_MS));
    assertEquals(16_000, RefreshSchedule.retryDelayMs(5, hour, NOW_MS));
    assertEquals(-1, RefreshSchedule.retryDelayMs(6, hour, NOW_MS));
    // 3 s left: at most half of it
    assertEquals(1500, RefreshSchedule.retryDelayMs(3, new Lifetime(NOW, NOW + 3), NOW_MS));
    // expired or unknown: the plain backoff
    assertEquals(4000, RefreshSchedule.retryDelayMs(3, new Lifetime(NOW - 10, NOW - 1), NOW_MS));
    assertEquals(1000, RefreshSchedule.retryDelayMs(1, null, NOW_MS));
  }
}
