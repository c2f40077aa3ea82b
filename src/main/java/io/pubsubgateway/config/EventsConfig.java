package io.pubsubgateway.config;

/**
 * The {@code events.*} keys: where the node's events for backends go. {@code address} is the
 * event-bus address they are published to (null: not published); {@code webhook} the HTTP endpoint
 * they are posted to (null: none). Events are off when both are null.
 */
public record EventsConfig(String address, WebhookConfig webhook) {
  /** No events (the default). */
  public static final EventsConfig OFF = new EventsConfig(null, null);

  /** True when events go anywhere. */
  public boolean enabled() {
    return address != null || webhook != null;
  }
}
