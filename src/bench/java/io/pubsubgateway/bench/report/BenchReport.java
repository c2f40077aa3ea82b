package io.pubsubgateway.bench.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the {@link SystemResult}s of one scenario into reports: a fixed-width text table for the terminal
 * ({@link #table}), a JSON file plus an SVG chart on disk ({@link #write}), and a description of the machine the
 * run happened on ({@link #machine}).
 *
 * <p>Headline ratios are derived generically from the system names: every system whose name starts with
 * {@code gateway} is compared (throughput) with every other system of the same node-count suffix ({@code ""} or
 * {@code -N}) and with {@code raw-vertx} and {@code nats}; every {@code gateway-N} is also compared with
 * {@code gateway} on server CPU per delivery at each one's best rate; and at every common load both measured
 * ({@link #cpuAt} keys in {@code extra}) each {@code gateway-N} is compared with {@code gateway} and every gateway
 * system with every peer on CPU per delivery. In JSON the throughput ratios are keyed {@code "a/b"}, the CPU ratios
 * {@code "cpu a/b"} and {@code "cpu@<load> a/b"}; a ratio with a zero or undefined denominator is {@code null}.
 */
public final class BenchReport {
  /** Prefix of the keys in {@code extra} of the server CPU per delivery (µs) at the fanout scenario's common loads. */
  public static final String CPU_AT = "cpuMicrosPerDeliveryAt";

  /** The key in {@code extra} of the server CPU per delivery (µs) at the common load {@code deliveriesPerSec}. */
  public static String cpuAt(double deliveriesPerSec) {
    return CPU_AT + Math.round(deliveriesPerSec);
  }
  private static final List<String> PASS_FIELDS = List.of("throughputMin", "throughputMax", "passes");
  private static final Pattern NODE_SUFFIX = Pattern.compile("-\\d+$");
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

  /** One derived ratio: what the table prints ({@code label = 1.07x}) and its JSON key. */
  record Ratio(String label, String key, double value) {
  }

  /** The throughput ratio a / b within each pass (NaN where either was not measured) and their median. */
  record PassRatio(String a, String b, List<Double> perPass, double median) {
  }

  private BenchReport() {
  }

  /**
   * A fixed-width table (one row per system), followed by a throughput ratio matrix (row / column), the headline
   * ratio lines ({@code gateway / nats = 1.07x}) and the {@code extra} entries of each system.
   */
  public static String table(String scenario, List<SystemResult> results) {
    List<String> headers = List.of("system", "throughput/s", "loss", "dup", "latency load/s", "p50 ms", "p99 ms",
      "p99.9 ms", "max ms", "CPU µs/delivery");
    List<List<String>> rows = new ArrayList<>();
    for (SystemResult r : results) {
      rows.add(List.of(name(r), throughput(r), Long.toString(r.loss()), Long.toString(r.duplicates()),
        rate(r.latencyLoadPerSec()), millis(r.p50Ms()), millis(r.p99Ms()), millis(r.p999Ms()), millis(r.maxMs()),
        Double.isFinite(r.cpuMicrosPerDelivery()) ? String.format(Locale.ROOT, "%.2f", r.cpuMicrosPerDelivery())
          : "-"));
    }
    StringBuilder out = new StringBuilder("scenario: ").append(scenario).append('\n');
    appendGrid(out, headers, rows);
    if (results.size() > 1) {
      out.append("\nratios (throughput, row / column)\n");
      List<String> matrixHeaders = new ArrayList<>(List.of(""));
      results.forEach(r -> matrixHeaders.add(name(r)));
      List<List<String>> matrix = new ArrayList<>();
      for (SystemResult row : results) {
        List<String> cells = new ArrayList<>(List.of(name(row)));
        for (SystemResult col : results) {
          cells.add(row == col ? "-" : times(ratio(row.throughputPerSec(), col.throughputPerSec())));
        }
        matrix.add(cells);
      }
      appendGrid(out, matrixHeaders, matrix);
    }
    List<Ratio> ratios = ratios(results);
    if (!ratios.isEmpty()) {
      out.append('\n');
      ratios.forEach(x -> out.append(x.label()).append(" = ").append(times(x.value())).append('\n'));
    }
    List<PassRatio> passRatios = passRatios(results);
    if (!passRatios.isEmpty()) {
      out.append("\nratios within each pass (throughput)\n");
      for (PassRatio x : passRatios) {
        List<String> each = new ArrayList<>();
        x.perPass().forEach(v -> each.add(times(v)));
        out.append(x.a()).append(" / ").append(x.b()).append(": ").append(String.join(" ", each))
          .append(", median ").append(times(x.median())).append('\n');
      }
    }
    boolean headed = false;
    for (SystemResult r : results) {
      if (r.extra() == null || r.extra().isEmpty()) {
        continue;
      }
      if (!headed) {
        out.append("\nextra\n");
        headed = true;
      }
      List<String> pairs = new ArrayList<>();
      r.extra().forEach((k, v) -> pairs.add(k + "=" + plain(v)));
      out.append("  ").append(name(r)).append(": ").append(String.join(", ", pairs)).append('\n');
    }
    return out.toString();
  }

  /**
   * Writes {@code <scenario>-<yyyyMMdd-HHmmss>.json} and {@code .svg} into {@code dir} (created if missing), and
   * overwrites {@code <scenario>-latest.json} / {@code .svg} with the same content.
   *
   * @return the time-stamped JSON and SVG paths, in that order
   */
  public static Path[] write(Path dir, String scenario, JsonObject parameters, JsonObject machine,
                             List<SystemResult> results) throws IOException {
    return write(dir, scenario, parameters, machine, results, ZonedDateTime.now());
  }

  static Path[] write(Path dir, String scenario, JsonObject parameters, JsonObject machine,
                      List<SystemResult> results, ZonedDateTime now) throws IOException {
    ZonedDateTime at = now.truncatedTo(ChronoUnit.SECONDS);
    String json = json(scenario, at, parameters, machine, results).encodePrettily() + "\n";
    String svg = SvgChart.render(scenario, results);
    Files.createDirectories(dir);
    String base = scenario.replaceAll("[^A-Za-z0-9._-]", "_");
    Path jsonPath = dir.resolve(base + "-" + STAMP.format(at) + ".json");
    Path svgPath = dir.resolve(base + "-" + STAMP.format(at) + ".svg");
    Files.writeString(jsonPath, json, StandardCharsets.UTF_8);
    Files.writeString(svgPath, svg, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(base + "-latest.json"), json, StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(base + "-latest.svg"), svg, StandardCharsets.UTF_8);
    return new Path[]{jsonPath, svgPath};
  }

  /** The JSON document {@link #write} stores: scenario, timestamp, parameters, machine, results, ratios. */
  static JsonObject json(String scenario, ZonedDateTime at, JsonObject parameters, JsonObject machine,
                         List<SystemResult> results) {
    JsonArray array = new JsonArray();
    for (SystemResult r : results) {
      JsonObject o = new JsonObject();
      for (RecordComponent c : SystemResult.class.getRecordComponents()) {
        if (r.passes().isEmpty() && PASS_FIELDS.contains(c.getName())) {
          continue; // one pass, not combined: the document as before passes existed
        }
        try {
          o.put(c.getName(), jsonValue(c.getAccessor().invoke(r)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + c.getName(), e);
        }
      }
      array.add(o);
    }
    JsonObject ratios = new JsonObject();
    ratios(results).forEach(x -> ratios.put(x.key(), Double.isFinite(x.value()) ? x.value() : null));
    JsonObject passRatios = new JsonObject();
    for (PassRatio x : passRatios(results)) {
      passRatios.put(x.a() + "/" + x.b(), new JsonObject().put("passes", jsonValue(x.perPass()))
        .put("median", jsonValue(x.median())));
    }
    JsonObject doc = new JsonObject()
      .put("scenario", scenario)
      .put("timestamp", at.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
      .put("parameters", parameters == null ? new JsonObject() : parameters)
      .put("machine", machine == null ? new JsonObject() : machine)
      .put("results", array)
      .put("ratios", ratios);
    if (!passRatios.isEmpty()) {
      doc.put("passRatios", passRatios);
    }
    return doc;
  }

  /**
   * For every pair of systems (in result order) that both have more than one pass, the throughput ratio within each
   * pass (same machine conditions) and the median of those ratios; none when no system has more than one pass.
   */
  static List<PassRatio> passRatios(List<SystemResult> results) {
    List<PassRatio> out = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      for (int j = i + 1; j < results.size(); j++) {
        SystemResult a = results.get(i);
        SystemResult b = results.get(j);
        int n = Math.min(a.passes().size(), b.passes().size());
        if (n < 2 || name(a).equals(name(b))) {
          continue;
        }
        List<Double> each = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          each.add(ratio(a.passes().get(k).throughputPerSec(), b.passes().get(k).throughputPerSec()));
        }
        out.add(new PassRatio(name(a), name(b), List.copyOf(each), Double.parseDouble(finiteOrNaN(Spread.of(each).median()))));
      }
    }
    return out;
  }

  private static String finiteOrNaN(double v) {
    return Double.isFinite(v) ? round3(v) : "NaN";
  }

  /** The throughput cell: the rate, or {@code median (min–max)} over several passes. */
  static String throughput(SystemResult r) {
    if (r.passes().size() < 2) {
      return rate(r.throughputPerSec());
    }
    return rate(r.throughputPerSec()) + " (" + rate(r.throughputMin()) + "–" + rate(r.throughputMax()) + ")";
  }

  /**
   * The machine the benchmark runs on: {@code cores}, {@code memoryBytes} (MemTotal of /proc/meminfo, else the JVM's
   * view of physical memory; absent if neither is known), {@code osName}, {@code osVersion}, {@code osArch},
   * {@code javaVersion}, {@code javaVendor} and {@code cpuModel} (first "model name" of /proc/cpuinfo, if readable).
   */
  public static JsonObject machine() {
    JsonObject m = new JsonObject().put("cores", Runtime.getRuntime().availableProcessors());
    String memTotal = procField("/proc/meminfo", "MemTotal");
    Long bytes = null;
    if (memTotal != null) {
      Matcher kb = Pattern.compile("(\\d+)\\s*kB").matcher(memTotal);
      if (kb.find()) {
        bytes = Long.parseLong(kb.group(1)) * 1024;
      }
    }
    if (bytes == null && ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      bytes = os.getTotalMemorySize();
    }
    if (bytes != null) {
      m.put("memoryBytes", bytes);
    }
    m.put("osName", System.getProperty("os.name"))
      .put("osVersion", System.getProperty("os.version"))
      .put("osArch", System.getProperty("os.arch"))
      .put("javaVersion", System.getProperty("java.version"))
      .put("javaVendor", System.getProperty("java.vendor"));
    String cpu = procField("/proc/cpuinfo", "model name");
    if (cpu != null) {
      m.put("cpuModel", cpu);
    }
    return m;
  }

  /** The headline ratios, in result order (see the class comment for which pairs). */
  static List<Ratio> ratios(List<SystemResult> results) {
    List<Ratio> out = new ArrayList<>();
    for (SystemResult a : results) {
      if (!name(a).startsWith("gateway")) {
        continue;
      }
      for (SystemResult b : results) {
        String an = name(a);
        String bn = name(b);
        boolean peer = suffix(an).equals(suffix(bn)) || bn.equals("raw-vertx") || bn.equals("nats");
        boolean reverseDone = out.stream().anyMatch(x -> x.key().equals(bn + "/" + an));
        if (a != b && !an.equals(bn) && peer && !reverseDone) {
          out.add(new Ratio(an + " / " + bn, an + "/" + bn, ratio(a.throughputPerSec(), b.throughputPerSec())));
        }
      }
    }
    SystemResult single = results.stream().filter(r -> name(r).equals("gateway")).findFirst().orElse(null);
    for (SystemResult a : results) {
      if (single != null && name(a).matches("gateway-\\d+")) {
        out.add(new Ratio(name(a) + " CPU per delivery / gateway", "cpu " + name(a) + "/gateway",
          ratio(a.cpuMicrosPerDelivery(), single.cpuMicrosPerDelivery())));
        out.addAll(cpuAtRatios(a, single));
      }
    }
    for (SystemResult a : results) {
      for (SystemResult b : results) {
        if (name(a).startsWith("gateway") && !name(b).startsWith("gateway")) {
          out.addAll(cpuAtRatios(a, b));
        }
      }
    }
    return out;
  }

  /** CPU per delivery of {@code a} / {@code b} at each common load both were measured at. */
  private static List<Ratio> cpuAtRatios(SystemResult a, SystemResult b) {
    List<Ratio> out = new ArrayList<>();
    if (a.extra() == null || b.extra() == null) {
      return out;
    }
    a.extra().forEach((key, va) -> {
      if (key.startsWith(CPU_AT) && va instanceof Number na && b.extra().get(key) instanceof Number nb) {
        String load = rate(Double.parseDouble(key.substring(CPU_AT.length())));
        out.add(new Ratio(name(a) + " CPU per delivery at " + load + " deliveries/s / " + name(b),
          "cpu@" + key.substring(CPU_AT.length()) + " " + name(a) + "/" + name(b), ratio(na.doubleValue(), nb.doubleValue())));
      }
    });
    return out;
  }

  /** A rate with a unit suffix: {@code 812.5}, {@code 975.3k}, {@code 1.23M}, {@code 4.56G}; "-" when not finite. */
  public static String rate(double v) {
    if (!Double.isFinite(v)) {
      return "-";
    }
    double a = Math.abs(v);
    if (a >= 999.995e6) {
      return String.format(Locale.ROOT, "%.2fG", v / 1e9);
    } else if (a >= 999.95e3) {
      return String.format(Locale.ROOT, "%.2fM", v / 1e6);
    } else if (a >= 999.95) {
      return String.format(Locale.ROOT, "%.1fk", v / 1e3);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  /** Milliseconds with 2 decimals below 100, 1 below 10,000, none above; "-" when not finite. */
  static String millis(double v) {
    if (!Double.isFinite(v)) {
      return "-";
    }
    String pattern = Math.abs(v) < 100 ? "%.2f" : Math.abs(v) < 10_000 ? "%.1f" : "%.0f";
    return String.format(Locale.ROOT, pattern, v);
  }

  /** A ratio rounded to 3 significant digits ({@code 1.07x}, {@code 12.3x}, {@code 0.800x}); "n/a" when undefined. */
  static String times(double r) {
    return Double.isFinite(r) ? round3(r) + "x" : "n/a";
  }

  private static String round3(double r) {
    int decimals = r == 0 ? 2 : Math.max(0, 2 - (int) Math.floor(Math.log10(Math.abs(r))));
    return String.format(Locale.ROOT, "%." + decimals + "f", r);
  }

  /** a / b rounded as printed, NaN when either is not finite or b is zero. */
  private static double ratio(double a, double b) {
    if (!Double.isFinite(a) || !Double.isFinite(b) || b == 0) {
      return Double.NaN;
    }
    return Double.parseDouble(round3(a / b));
  }

  private static String suffix(String system) {
    Matcher m = NODE_SUFFIX.matcher(system);
    return m.find() ? m.group() : "";
  }

  private static String name(SystemResult r) {
    return r.system() == null ? "?" : r.system();
  }

  private static void appendGrid(StringBuilder out, List<String> headers, List<List<String>> rows) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    Function<List<String>, String> line = cells -> {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < cells.size(); i++) {
        String pad = " ".repeat(widths[i] - cells.get(i).length());
        b.append(i == 0 ? cells.get(i) + pad : "  " + pad + cells.get(i));
      }
      return b.toString().stripTrailing();
    };
    out.append(line.apply(headers)).append('\n');
    rows.forEach(row -> out.append(line.apply(row)).append('\n'));
  }

  private static String plain(Object v) {
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 1e15) {
        return Long.toString((long) d);
      }
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4g", d).replaceAll("\\.?0+(?=$|e)", "") : "-";
    }
    return String.valueOf(v);
  }

  /** A value JSON can hold: non-finite numbers become null, maps and collections become JSON containers. */
  private static Object jsonValue(Object v) {
    if (v instanceof Double || v instanceof Float) {
      return Double.isFinite(((Number) v).doubleValue()) ? v : null;
    } else if (v instanceof Map<?, ?> map) {
      JsonObject o = new JsonObject();
      map.forEach((k, x) -> o.put(String.valueOf(k), jsonValue(x)));
      return o;
    } else if (v instanceof Record rec) {
      JsonObject o = new JsonObject();
      for (RecordComponent c : rec.getClass().getRecordComponents()) {
        try {
          o.put(c.getName(), jsonValue(c.getAccessor().invoke(rec)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("cannot read " + c.getName(), e);
        }
      }
      return o;
    } else if (v instanceof Collection<?> list) {
      JsonArray a = new JsonArray();
      list.forEach(x -> a.add(jsonValue(x)));
      return a;
    } else if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean
      || v instanceof JsonObject || v instanceof JsonArray) {
      return v;
    }
    return String.valueOf(v);
  }

  private static String procField(String file, String field) {
    try {
      for (String l : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
        int colon = l.indexOf(':');
        if (colon > 0 && l.substring(0, colon).trim().equals(field)) {
          return l.substring(colon + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or not readable: the field is simply left out
    }
    return null;
  }
}
