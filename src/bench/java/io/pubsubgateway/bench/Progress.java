package io.pubsubgateway.bench;

import java.io.PrintStream;

/** The progress lines of a run, on stderr (stdout carries the result table). */
final class Progress {
  private final String scenario;
  private final PrintStream err = System.err;
  private final long start = System.nanoTime();

  Progress(String scenario) {
    this.scenario = scenario;
  }

  void status(String system, String message) {
    err.printf("[%s %5.0fs] %s: %s%n", scenario, (System.nanoTime() - start) / 1e9, system, message);
  }

  /** 975300 -> "975.3k", 1234567 -> "1.23M". */
  static String si(double v) {
    if (v >= 1e6) {
      return String.format("%.2fM", v / 1e6);
    }
    if (v >= 1e3) {
      return String.format("%.1fk", v / 1e3);
    }
    return String.format("%.0f", v);
  }
}
