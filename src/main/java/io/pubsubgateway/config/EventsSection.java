package io.pubsubgateway.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static io.pubsubgateway.config.ConfigSchema.EVENTS_ADDRESS;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_BATCH_DELAY_MS;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_BATCH_SIZE;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_MAX_ATTEMPTS;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_MAX_RETRY_DELAY_MS;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_QUEUE_SIZE;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_RETRY_DELAY_MS;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_SECRET;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_SECRET_FILE;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_TIMEOUT_MS;
import static io.pubsubgateway.config.ConfigSchema.EVENTS_WEBHOOK_URL;

/**
 * The {@code events.*} keys: an event-bus address without blanks outside Vert.x's internal
 * {@code __vertx.} space; a webhook URL with scheme http or https and a host, and then its secret
 * (inline or from a file, not both, at least {@link WebhookConfig#MIN_SECRET_LENGTH} characters).
 */
final class EventsSection {
  private EventsSection() {
  }

  static EventsConfig parse(ConfigValues v) {
    return new EventsConfig(address(v), webhook(v));
  }

  private static String address(ConfigValues v) {
    String address = v.get(EVENTS_ADDRESS);
    if (address == null || address.isEmpty()) {
      return null;
    }
    if (address.isBlank() || !address.equals(address.strip()) || address.chars().anyMatch(Character::isWhitespace)) {
      throw EVENTS_ADDRESS.invalid("must not contain blanks, got '" + address + "'");
    }
    if (address.startsWith("__vertx.")) {
      throw EVENTS_ADDRESS.invalid("__vertx.* addresses are Vert.x's own, got " + address);
    }
    return address;
  }

  private static WebhookConfig webhook(ConfigValues v) {
    String url = v.get(EVENTS_WEBHOOK_URL);
    if (url == null || url.isEmpty()) {
      return null;
    }
    checkUrl(url);
    int retryDelay = v.get(EVENTS_WEBHOOK_RETRY_DELAY_MS);
    int maxRetryDelay = v.get(EVENTS_WEBHOOK_MAX_RETRY_DELAY_MS);
    if (maxRetryDelay < retryDelay) {
      throw EVENTS_WEBHOOK_MAX_RETRY_DELAY_MS.invalid("must not be below events.webhook.retryDelayMs ("
        + retryDelay + "), got " + maxRetryDelay);
    }
    return new WebhookConfig(url, secret(v), v.get(EVENTS_WEBHOOK_QUEUE_SIZE), v.get(EVENTS_WEBHOOK_BATCH_SIZE),
      v.get(EVENTS_WEBHOOK_BATCH_DELAY_MS), v.get(EVENTS_WEBHOOK_TIMEOUT_MS), v.get(EVENTS_WEBHOOK_MAX_ATTEMPTS),
      retryDelay, maxRetryDelay);
  }

  private static void checkUrl(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw EVENTS_WEBHOOK_URL.invalid("not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null
      || uri.getRawFragment() != null) {
      throw EVENTS_WEBHOOK_URL.invalid("must be an http:// or https:// URL with a host (no user info, no fragment),"
        + " got " + url);
    }
  }

  private static String secret(ConfigValues v) {
    String secret = v.get(EVENTS_WEBHOOK_SECRET);
    String file = v.get(EVENTS_WEBHOOK_SECRET_FILE);
    ConfigSchema.Key<String> key = EVENTS_WEBHOOK_SECRET;
    if (secret != null && file != null) {
      throw EVENTS_WEBHOOK_SECRET.invalid("set either events.webhook.secret or events.webhook.secretFile, not both");
    }
    if (file != null) {
      key = EVENTS_WEBHOOK_SECRET_FILE;
      try {
        secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        throw EVENTS_WEBHOOK_SECRET_FILE.invalid("cannot read " + file + ": " + e.getClass().getSimpleName());
      }
    }
    if (secret == null || secret.isEmpty()) {
      throw EVENTS_WEBHOOK_SECRET.invalid("missing: events.webhook.url needs events.webhook.secret or "
        + "events.webhook.secretFile (the key of the requests' HMAC-SHA256 signature)");
    }
    if (secret.length() < WebhookConfig.MIN_SECRET_LENGTH) {
      throw key.invalid("must be at least " + WebhookConfig.MIN_SECRET_LENGTH + " characters, got "
        + secret.length());
    }
    return secret;
  }
}
