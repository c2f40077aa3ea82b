package io.pubsubgateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU time and resident memory of server processes, read from /proc (Linux). */
public final class ProcStats {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

  private ProcStats() {
  }

  /** User + system CPU seconds used so far by all of {@code pids} (children not included). */
  public static double cpuSeconds(List<Long> pids) {
    double total = 0;
    for (long pid : pids) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND; // utime, stime
      } catch (IOException | RuntimeException e) {
        // process gone: counts as 0
      }
    }
    return total;
  }

  /** Resident set size in KiB of one process, or -1. */
  public static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }
}
