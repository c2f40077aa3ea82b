package io.pubsubgateway.config;

/** A configuration problem; the message names the key or file and is meant for one log line. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The innermost cause of {@code t}. */
  public static Throwable root(Throwable t) {
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }

  /** The innermost cause's message (or class name) on one line, to end a config error with. */
  public static String rootMessage(Throwable t) {
    Throwable r = root(t);
    return (r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage()).replaceAll("\\s+", " ").trim();
  }
}
