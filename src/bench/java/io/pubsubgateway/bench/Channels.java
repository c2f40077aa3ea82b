package io.pubsubgateway.bench;

/**
 * How a scenario spreads over channels: subscriber i (global index) and message i both go to channel
 * {@code i % count}; with one channel the name is the base itself.
 */
final class Channels {
  private Channels() {
  }

  static String name(String base, int count, long index) {
    return count <= 1 ? base : base + "." + (index % count);
  }

  /** Deliveries expected when {@code messages} messages go round-robin to {@code count} channels whose
   * subscribers were assigned round-robin too. */
  static long expectedDeliveries(long messages, int subscribers, int count) {
    if (count <= 1) {
      return messages * subscribers;
    }
    long total = 0;
    for (int c = 0; c < count; c++) {
      long subs = subscribers / count + (c < subscribers % count ? 1 : 0);
      long msgs = messages / count + (c < messages % count ? 1 : 0);
      total += subs * msgs;
    }
    return total;
  }
}
