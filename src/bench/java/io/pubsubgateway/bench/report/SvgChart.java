package io.pubsubgateway.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * Renders the results of one scenario as a self-contained 900x500 SVG (generic font families, no scripts, no
 * external resources): on the left a horizontal bar chart of {@link SystemResult#throughputPerSec()} per system on a
 * linear axis with a "nice" maximum, on the right grouped bars of p50 and p99 latency in milliseconds per system with
 * a legend, and under the title a subtitle stating the load at which latency was measured. Gateway systems are drawn
 * in a stronger colour. Labels are XML-escaped; the output is well-formed XML.
 */
public final class SvgChart {
  private static final int WIDTH = 900;
  private static final int HEIGHT = 500;
  private static final String FONT = "font-family=\"Helvetica, Arial, sans-serif\"";
  private static final String GATEWAY = "#2b6cb0";
  private static final String OTHER = "#8795a8";
  private static final String P50 = "#90cdf4";
  private static final String P99 = "#2c5282";
  private static final String GRID = "#e2e8f0";

  private SvgChart() {
  }

  /** The SVG document for {@code results} under {@code title}. */
  public static String render(String title, List<SystemResult> results) {
    StringBuilder s = new StringBuilder();
    s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
      + " viewBox=\"0 0 %d %d\" %s font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT, FONT));
    s.append("<rect x=\"0\" y=\"0\" width=\"900\" height=\"500\" fill=\"#ffffff\"/>\n");
    s.append("<text x=\"450\" y=\"26\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">")
      .append(escape(title)).append("</text>\n");
    s.append("<text x=\"450\" y=\"46\" text-anchor=\"middle\" fill=\"#4a5568\">").append(escape(subtitle(results)))
      .append("</text>\n");
    if (results.isEmpty()) {
      s.append("<text x=\"450\" y=\"250\" text-anchor=\"middle\">no results</text>\n");
    } else {
      throughput(s, results);
      latency(s, results);
    }
    return s.append("</svg>\n").toString();
  }

  /** Left panel: labels in x 10..118, bars from x 122 to at most 390 (value text after the bar), y 84..450. */
  private static void throughput(StringBuilder s, List<SystemResult> results) {
    double x0 = 122;
    double plotWidth = 268;
    double top = 84;
    double bottom = 450;
    s.append("<text x=\"225\" y=\"72\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
      .append("Throughput (per second)</text>\n");
    double max = 0;
    for (SystemResult r : results) {
      max = Math.max(max, finite(r.throughputPerSec()));
    }
    double[] axis = niceAxis(max);
    for (int i = 0; i <= axis[2]; i++) {
      double v = i * axis[1];
      double x = x0 + plotWidth * v / axis[0];
      s.append(line(x, top, x, bottom, GRID));
      s.append(text(x, bottom + 14, "middle", "#4a5568", v == 0 ? "0" : BenchReport.rate(v)));
    }
    double slot = (bottom - top) / results.size();
    double barHeight = Math.min(28, slot * 0.7);
    for (int i = 0; i < results.size(); i++) {
      SystemResult r = results.get(i);
      double v = finite(r.throughputPerSec());
      double y = top + slot * i + (slot - barHeight) / 2;
      double w = plotWidth * v / axis[0];
      s.append(text(118, y + barHeight / 2 + 4, "end", "#1a202c", name(r)));
      s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
        + "<title>%s: %s/s</title></rect>%n", x0, y, w, barHeight, color(r), escape(name(r)),
        BenchReport.rate(r.throughputPerSec())));
      s.append(text(x0 + w + 4, y + barHeight / 2 + 4, "start", "#1a202c", BenchReport.rate(r.throughputPerSec())));
    }
    s.append(line(x0, top, x0, bottom, "#4a5568"));
  }

  /** Right panel: y axis at x 520, plot up to x 885, y 84..410; system labels rotated under the groups. */
  private static void latency(StringBuilder s, List<SystemResult> results) {
    double x0 = 520;
    double plotWidth = 365;
    double top = 84;
    double bottom = 410;
    s.append("<text x=\"640\" y=\"72\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
      .append("Latency (ms)</text>\n");
    s.append(String.format(Locale.ROOT, "<rect x=\"800\" y=\"62\" width=\"10\" height=\"10\" fill=\"%s\"/>%n", P50));
    s.append(text(814, 71, "start", "#1a202c", "p50"));
    s.append(String.format(Locale.ROOT, "<rect x=\"845\" y=\"62\" width=\"10\" height=\"10\" fill=\"%s\"/>%n", P99));
    s.append(text(859, 71, "start", "#1a202c", "p99"));
    double max = 0;
    for (SystemResult r : results) {
      max = Math.max(max, Math.max(finite(r.p50Ms()), finite(r.p99Ms())));
    }
    double[] axis = niceAxis(max * 1.08); // headroom for the value text above the tallest bar
    for (int i = 0; i <= axis[2]; i++) {
      double v = i * axis[1];
      double y = bottom - (bottom - top) * v / axis[0];
      s.append(line(x0, y, x0 + plotWidth, y, GRID));
      s.append(text(x0 - 4, y + 4, "end", "#4a5568", tick(v)));
    }
    double group = plotWidth / results.size();
    double bar = Math.min(24, group * 0.35);
    for (int i = 0; i < results.size(); i++) {
      SystemResult r = results.get(i);
      double center = x0 + group * i + group / 2;
      latencyBar(s, center - bar, bar, r.p50Ms(), P50, "p50", r, axis[0], top, bottom);
      latencyBar(s, center, bar, r.p99Ms(), P99, "p99", r, axis[0], top, bottom);
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" fill=\"#1a202c\""
        + " transform=\"rotate(-30 %.1f %.1f)\">%s</text>%n", center, bottom + 14, center, bottom + 14,
        escape(name(r))));
    }
    s.append(line(x0, bottom, x0 + plotWidth, bottom, "#4a5568"));
    s.append(line(x0, top, x0, bottom, "#4a5568"));
  }

  private static void latencyBar(StringBuilder s, double x, double width, double ms, String fill, String label,
                                 SystemResult r, double max, double top, double bottom) {
    if (!Double.isFinite(ms)) {
      s.append(text(x + width / 2, bottom - 4, "middle", "#718096", "n/a"));
      return;
    }
    double h = (bottom - top) * Math.max(0, ms) / max;
    s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
      + "<title>%s %s: %s ms</title></rect>%n", x, bottom - h, width, h, fill, escape(name(r)), label,
      BenchReport.millis(ms)));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"9\""
      + " fill=\"#1a202c\">%s</text>%n", x + width / 2, bottom - h - 3, BenchReport.millis(ms)));
  }

  /** "latency measured at 100.0k/s" when every system shares one load, else the load per system. */
  private static String subtitle(List<SystemResult> results) {
    if (results.isEmpty()) {
      return "";
    }
    boolean same = results.stream().allMatch(r -> r.latencyLoadPerSec() == results.get(0).latencyLoadPerSec());
    if (same) {
      return "latency measured at " + BenchReport.rate(results.get(0).latencyLoadPerSec()) + "/s";
    }
    StringBuilder b = new StringBuilder("latency measured at");
    for (int i = 0; i < results.size(); i++) {
      SystemResult r = results.get(i);
      b.append(i == 0 ? " " : ", ").append(name(r)).append(' ').append(BenchReport.rate(r.latencyLoadPerSec()))
        .append("/s");
    }
    return b.toString();
  }

  /** {max, step, steps}: a max of 1, 2, 2.5 or 5 times a power of ten at or above {@code value}, in 5 or 4 steps. */
  static double[] niceAxis(double value) {
    if (!(value > 0)) {
      return new double[]{1, 0.2, 5};
    }
    double pow = Math.pow(10, Math.floor(Math.log10(value)));
    for (double m : new double[]{1, 2, 2.5, 5, 10}) {
      if (m * pow >= value * (1 - 1e-12)) {
        double max = m * pow;
        int steps = m == 2 ? 4 : 5;
        return new double[]{max, max / steps, steps};
      }
    }
    return new double[]{10 * pow, 2 * pow, 5};
  }

  private static String tick(double ms) {
    return ms == Math.rint(ms) ? String.format(Locale.ROOT, "%.0f", ms) : BenchReport.millis(ms);
  }

  private static String line(double x1, double y1, double x2, double y2, String stroke) {
    return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
      x1, y1, x2, y2, stroke);
  }

  private static String text(double x, double y, String anchor, String fill, String content) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">%s</text>%n",
      x, y, anchor, fill, escape(content));
  }

  private static String color(SystemResult r) {
    return name(r).startsWith("gateway") ? GATEWAY : OTHER;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? Math.max(0, v) : 0;
  }

  private static String name(SystemResult r) {
    return r.system() == null ? "?" : r.system();
  }

  /** Escapes XML markup characters and drops characters XML 1.0 cannot carry at all. */
  static String escape(String raw) {
    if (raw == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> {
          if (Character.isHighSurrogate(c) && i + 1 < raw.length() && Character.isLowSurrogate(raw.charAt(i + 1))) {
            b.append(c).append(raw.charAt(++i));
          } else if (!Character.isSurrogate(c) && (c >= 0x20 && c < 0xFFFE || c == '\t' || c == '\n' || c == '\r')) {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
