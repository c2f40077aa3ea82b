package io.pubsubgateway.config;

/** The {@code logging.*} keys: {@code json} selects one JSON object per log line (for log shippers). */
public record LoggingConfig(boolean json) {
  /** {@code logging.format}: {@code text} or {@code json}. */
  public static final String DEFAULT_FORMAT = "text";
}
