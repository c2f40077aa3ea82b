package io.pubsubgateway.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code events.*} keys: defaults, values, and every refusal naming its key. */
class EventsSectionTest {
  private static final String SECRET = "Kq8vZ2mP4xR7tY1wB6nD3hF9jL0sA5cE8gU2iO4k";
  private static final String HOOK_SECRET = "webhook-secret-0123456789";

  @TempDir
  static Path tmp;

  private static JsonObject minimal() {
    return new JsonObject()
      .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", SECRET)))
      .put("cluster", new JsonObject().put("enabled", false));
  }

  private static GatewayConfig build(String... sets) {
    return ConfigLoader.build(minimal(), "test.yaml", Map.of(), List.of(sets));
  }

  @Test
  void offByDefault() {
    EventsConfig events = build().events();
    assertEquals(EventsConfig.OFF, events);
    assertFalse(events.enabled());
  }

  @Test
  void emptyAddressAndUrlAreOff() {
    assertFalse(build("events.address=", "events.webhook.url=").events().enabled());
  }

  @Test
  void addressAndWebhook() {
    EventsConfig events = build("events.address=pubsub.events", "events.webhook.url=https://backend.example:8443/hooks",
      "events.webhook.secret=" + HOOK_SECRET, "events.webhook.batchSize=7", "events.webhook.maxAttempts=3").events();
    assertTrue(events.enabled());
    assertEquals("pubsub.events", events.address());
    assertEquals(new WebhookConfig("https://backend.example:8443/hooks", HOOK_SECRET, 10_000, 7, 100, 5000, 3, 500,
      30_000), events.webhook());
  }

  @Test
  void webhookWithoutAddress() {
    EventsConfig events = build("events.webhook.url=http://127.0.0.1:9000/", "events.webhook.secret=" + HOOK_SECRET)
      .events();
    assertNull(events.address());
    assertTrue(events.enabled());
  }

  @Test
  void secretFromAFile() throws Exception {
    Path file = Files.writeString(tmp.resolve("hook-secret"), HOOK_SECRET + "\n");
    assertEquals(HOOK_SECRET, build("events.webhook.url=http://127.0.0.1:9000/",
      "events.webhook.secretFile=" + file).events().webhook().secret());
  }

  @Test
  void secretIsNotPrinted() {
    assertFalse(build("events.webhook.url=http://127.0.0.1:9000/", "events.webhook.secret=" + HOOK_SECRET)
      .events().webhook().toString().contains(HOOK_SECRET));
  }

  @Test
  void backoffDoublesUpToTheCap() {
    WebhookConfig c = new WebhookConfig("http://h/", HOOK_SECRET, 1, 1, 0, 100, 10, 500, 3000);
    assertEquals(List.of(500L, 1000L, 2000L, 3000L, 3000L),
      Stream.of(2, 3, 4, 5, 6).map(c::retryDelay).toList());
  }

  static Stream<Arguments> errors() {
    String url = "events.webhook.url=http://127.0.0.1:9000/hook";
    String secret = "events.webhook.secret=" + HOOK_SECRET;
    return Stream.of(
      Arguments.of(List.of("events.address=__vertx.x"), "events.address: __vertx.* addresses are Vert.x's own, got __vertx.x"),
      Arguments.of(List.of("events.address=a b"), "events.address: must not contain blanks, got 'a b'"),
      Arguments.of(List.of("events.webhook.url=ftp://host/x", secret),
        "events.webhook.url: must be an http:// or https:// URL with a host (no user info, no fragment), got ftp://host/x"),
      Arguments.of(List.of("events.webhook.url=backend/hooks", secret),
        "events.webhook.url: must be an http:// or https:// URL with a host (no user info, no fragment), got backend/hooks"),
      Arguments.of(List.of("events.webhook.url=http://u:p@host/x", secret),
        "events.webhook.url: must be an http:// or https:// URL with a host (no user info, no fragment), got http://u:p@host/x"),
      Arguments.of(List.of("events.webhook.url=http://host/a b", secret),
        "events.webhook.url: not a URL: Illegal character in path at index 13: http://host/a b"),
      Arguments.of(List.of(url), "events.webhook.secret: missing: events.webhook.url needs events.webhook.secret or "
        + "events.webhook.secretFile (the key of the requests' HMAC-SHA256 signature)"),
      Arguments.of(List.of(url, "events.webhook.secret=short"),
        "events.webhook.secret: must be at least 16 characters, got 5"),
      Arguments.of(List.of(url, secret, "events.webhook.secretFile=/nonexistent/secret"),
        "events.webhook.secret: set either events.webhook.secret or events.webhook.secretFile, not both"),
      Arguments.of(List.of(url, "events.webhook.secretFile=/nonexistent/secret"),
        "events.webhook.secretFile: cannot read /nonexistent/secret: NoSuchFileException"),
      Arguments.of(List.of(url, secret, "events.webhook.queueSize=-1"),
        "events.webhook.queueSize: must be between 1 and 10000000, got -1 from --set"),
      Arguments.of(List.of(url, secret, "events.webhook.batchSize=0"),
        "events.webhook.batchSize: must be between 1 and 10000, got 0 from --set"),
      Arguments.of(List.of(url, secret, "events.webhook.batchDelayMs=-5"),
        "events.webhook.batchDelayMs: must be between 0 and 60000, got -5 from --set"),
      Arguments.of(List.of(url, secret, "events.webhook.timeoutMs=10"),
        "events.webhook.timeoutMs: must be between 100 and 600000, got 10 from --set"),
      Arguments.of(List.of(url, secret, "events.webhook.maxAttempts=0"),
        "events.webhook.maxAttempts: must be between 1 and 100, got 0 from --set"),
      Arguments.of(List.of(url, secret, "events.webhook.retryDelayMs=1000", "events.webhook.maxRetryDelayMs=500"),
        "events.webhook.maxRetryDelayMs: must not be below events.webhook.retryDelayMs (1000), got 500"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("errors")
  void errors(List<String> sets, String message) {
    assertEquals(message, assertThrows(ConfigException.class, () -> build(sets.toArray(String[]::new))).getMessage());
  }
}
