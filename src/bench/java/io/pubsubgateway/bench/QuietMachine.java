package io.pubsubgateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Waits, before a trial, until the whole machine is quiet: system-wide CPU busy (all processes, the systems under
 * test included, which are idle between trials) below a threshold over a sample of /proc/stat, for at most a given
 * time, after which the trial goes on anyway (and says so).
 */
final class QuietMachine {
  static final long SAMPLE_MILLIS = 500;

  /** What a wait found: how long it took, the last busy fraction sampled, and whether it was below the threshold. */
  record Wait(double seconds, double busy, boolean quiet) {
    @Override
    public String toString() {
      return quiet
        ? String.format(Locale.ROOT, "quiet after %.1f s (CPU %.0f%%)", seconds, busy * 100)
        : Double.isNaN(busy) ? "quiet wait: /proc/stat unreadable"
        : String.format(Locale.ROOT, "NOT quiet after %.1f s (CPU %.0f%%), going on", seconds, busy * 100);
    }
  }

  private final double maxBusy;
  private final double maxWaitSeconds;

  /** A disabled wait (smoke runs): {@link #await} returns null at once. */
  static QuietMachine none() {
    return new QuietMachine(1, 0);
  }

  QuietMachine(double maxBusy, double maxWaitSeconds) {
    this.maxBusy = maxBusy;
    this.maxWaitSeconds = maxWaitSeconds;
  }

  boolean enabled() {
    return maxWaitSeconds > 0 && maxBusy < 1;
  }

  /** Samples /proc/stat until busy is below the threshold or the max wait is over; null when disabled. */
  Wait await() throws InterruptedException {
    if (!enabled()) {
      return null;
    }
    long start = System.nanoTime();
    long deadline = start + (long) (maxWaitSeconds * 1e9);
    while (true) {
      String before = readStat();
      Thread.sleep(SAMPLE_MILLIS);
      String after = readStat();
      double busy = before == null || after == null ? Double.NaN : busy(before, after);
      double waited = (System.nanoTime() - start) / 1e9;
      if (Double.isNaN(busy)) {
        return new Wait(waited, busy, false);
      }
      if (busy < maxBusy) {
        return new Wait(waited, busy, true);
      }
      if (System.nanoTime() >= deadline) {
        return new Wait(waited, busy, false);
      }
    }
  }

  private static String readStat() {
    try {
      return Files.readString(Path.of("/proc/stat"));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * The fraction of CPU time busy between two readings of /proc/stat (its first line, {@code cpu  user nice system
   * idle iowait irq softirq steal guest guest_nice}): 1 - (idle + iowait) / total over the difference, with guest
   * and guest_nice left out of the total (already counted in user and nice); NaN when no time passed or a line is
   * not a cpu line.
   */
  static double busy(String before, String after) {
    long[] a = cpuLine(before);
    long[] b = cpuLine(after);
    if (a == null || b == null) {
      return Double.NaN;
    }
    long total = 0;
    long idle = 0;
    for (int i = 0; i < Math.min(8, Math.min(a.length, b.length)); i++) {
      long d = b[i] - a[i];
      total += d;
      if (i == 3 || i == 4) {
        idle += d;
      }
    }
    return total <= 0 ? Double.NaN : Math.max(0, Math.min(1, 1 - idle / (double) total));
  }

  /** The counters of the aggregate {@code cpu} line of a /proc/stat text (its first such line), or null. */
  static long[] cpuLine(String stat) {
    for (String line : stat.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 5 && f[0].equals("cpu")) {
        long[] v = new long[f.length - 1];
        try {
          for (int i = 1; i < f.length; i++) {
            v[i - 1] = Long.parseLong(f[i]);
          }
        } catch (NumberFormatException e) {
          return null;
        }
        return v;
      }
    }
    return null;
  }
}
