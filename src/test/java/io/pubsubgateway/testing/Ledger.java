package io.pubsubgateway.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * What was published to one channel and what a subscriber got, for fault tests: each message has
 * a unique id; a publish ends acknowledged (the gateway said yes), failed (refused, timed out, or
 * never sent: its outcome is unknown) or still pending. A subscriber's record is checked against it:
 * every acknowledged message exactly once, no message twice, and on a channel with history the
 * offsets in order.
 *
 * <p>Threading: thread-safe.
 */
public final class Ledger {
  /** What became of a publish. */
  public enum Outcome { PENDING, ACKED, FAILED }

  /** One published message. {@code origin} names where it was published (a host). */
  public record Sent(String id, String origin, long atNanos, Outcome outcome) {
  }

  /** One message a subscriber received, with its stream position (-1 and null without history). */
  public record Got(String id, long offset, String epoch, long atNanos) {
  }

  /** A subscriber's record checked against the ledger. */
  public record Verdict(int received, List<String> missing, List<String> duplicates, List<String> unknown,
                        List<String> disorder) {
    public boolean exactlyOnce() {
      return missing.isEmpty() && duplicates.isEmpty() && unknown.isEmpty();
    }

    @Override
    public String toString() {
      return "received " + received + ", missing " + abbreviate(missing) + ", duplicates " + abbreviate(duplicates)
        + ", unknown " + abbreviate(unknown) + ", out of order " + abbreviate(disorder);
    }

    private static String abbreviate(List<String> ids) {
      return ids.size() <= 10 ? ids.toString() : ids.size() + " " + ids.subList(0, 10) + "...";
    }
  }

  private final Map<String, Sent> sent = new ConcurrentHashMap<>();

  public void sent(String id, String origin) {
    sent.put(id, new Sent(id, origin, System.nanoTime(), Outcome.PENDING));
  }

  public void acked(String id) {
    sent.computeIfPresent(id, (k, s) -> new Sent(k, s.origin(), s.atNanos(), Outcome.ACKED));
  }

  public void failed(String id) {
    sent.computeIfPresent(id, (k, s) -> new Sent(k, s.origin(), s.atNanos(), Outcome.FAILED));
  }

  public List<Sent> all() {
    return new ArrayList<>(sent.values());
  }

  public long count(Outcome outcome) {
    return sent.values().stream().filter(s -> s.outcome() == outcome).count();
  }

  /** Ids of acknowledged messages matching {@code filter}. */
  public Set<String> acked(Predicate<Sent> filter) {
    Set<String> ids = new HashSet<>();
    sent.values().stream().filter(s -> s.outcome() == Outcome.ACKED && filter.test(s)).forEach(s -> ids.add(s.id()));
    return ids;
  }

  /**
   * Checks {@code got}: every id in {@code expected} received, none twice, none that was never
   * published; with {@code ordered}, offsets strictly increase within an epoch (an epoch change
   * counts as disorder: a client must have been told about it).
   */
  public Verdict check(List<Got> got, Set<String> expected, boolean ordered) {
    Map<String, Integer> seen = new HashMap<>();
    List<String> duplicates = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    List<String> disorder = new ArrayList<>();
    Got previous = null;
    for (Got g : got) {
      if (seen.merge(g.id(), 1, Integer::sum) == 2) {
        duplicates.add(g.id());
      }
      if (!sent.containsKey(g.id())) {
        unknown.add(g.id());
      }
      if (ordered && previous != null && (!java.util.Objects.equals(previous.epoch(), g.epoch())
        || g.offset() <= previous.offset())) {
        disorder.add(previous.epoch() + ":" + previous.offset() + " -> " + g.epoch() + ":" + g.offset());
      }
      previous = g;
    }
    List<String> missing = expected.stream().filter(id -> !seen.containsKey(id)).sorted().toList();
    return new Verdict(got.size(), missing, duplicates, unknown, disorder);
  }
}
