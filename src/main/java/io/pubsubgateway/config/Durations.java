package io.pubsubgateway.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses config durations: {@code 30s}, {@code 5m}, {@code 2h}, {@code 1d}, or a number of seconds. */
final class Durations {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,9})\\s*([smhd]?)");
  /** Upper bound: 30 days. */
  static final int MAX_SECONDS = 30 * 24 * 3600;

  private Durations() {
  }

  /** Seconds in {@code value}; a {@link ConfigException} naming {@code key} when missing, malformed or out of range. */
  static int seconds(Object value, String key) {
    long seconds;
    if (value instanceof Integer || value instanceof Long) {
      seconds = ((Number) value).longValue();
    } else if (value instanceof String s && FORMAT.matcher(s.trim()).matches()) {
      Matcher m = FORMAT.matcher(s.trim());
      m.matches();
      long n = Long.parseLong(m.group(1));
      seconds = switch (m.group(2)) {
        case "m" -> n * 60;
        case "h" -> n * 3600;
        case "d" -> n * 86400;
        default -> n;
      };
    } else {
      throw new ConfigException(key + ": expected a duration such as 30s, 5m, 2h or 1d, got " + value);
    }
    if (seconds < 1 || seconds > MAX_SECONDS) {
      throw new ConfigException(key + ": must be between 1s and 30d, got " + value);
    }
    return (int) seconds;
  }
}
