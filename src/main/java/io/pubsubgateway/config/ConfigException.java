package io.pubsubgateway.config;

/** A configuration problem; the message names the key or file and is meant for one log line. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
