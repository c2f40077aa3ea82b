package io.pubsubgateway.channel;

import java.util.ArrayList;
import java.util.List;

/**
 * A channel pattern where {@code *} matches any run of characters (dots included) and every other
 * character matches itself: {@code chat.*}, {@code user.alice}, {@code *}. Immutable, thread-safe.
 */
public final class ChannelPattern {
  private final String pattern;
  private final String[] parts;

  private ChannelPattern(String pattern) {
    this.pattern = pattern;
    this.parts = pattern.split("\\*", -1);
  }

  public static ChannelPattern of(String pattern) {
    return new ChannelPattern(pattern);
  }

  public static List<ChannelPattern> all(List<String> patterns) {
    List<ChannelPattern> list = new ArrayList<>(patterns.size());
    for (String p : patterns) {
      list.add(of(p));
    }
    return List.copyOf(list);
  }

  /** True when the whole of {@code name} matches. */
  public boolean matches(String name) {
    if (parts.length == 1) {
      return pattern.equals(name);
    }
    String first = parts[0];
    String last = parts[parts.length - 1];
    if (name.length() < first.length() + last.length() || !name.startsWith(first) || !name.endsWith(last)) {
      return false;
    }
    int pos = first.length();
    int end = name.length() - last.length();
    for (int i = 1; i < parts.length - 1; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        continue;
      }
      int found = name.indexOf(part, pos);
      if (found < 0 || found + part.length() > end) {
        return false;
      }
      pos = found + part.length();
    }
    return true;
  }

  /** True when any of {@code patterns} matches {@code name}. */
  public static boolean anyMatches(List<ChannelPattern> patterns, String name) {
    for (ChannelPattern p : patterns) {
      if (p.matches(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return pattern;
  }
}
