package io.pubsubgateway.bench.report;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {

  private static final ZonedDateTime AT = ZonedDateTime.parse("2024-03-05T14:07:09.734+01:00");

  private static List<SystemResult> results() {
    Map<String, Object> gatewayExtra = new LinkedHashMap<>();
    gatewayExtra.put("registrations", 1000);
    gatewayExtra.put("rssKibPerConnection", 12.5);
    Map<String, Object> natsExtra = new HashMap<>();
    natsExtra.put("undefined", Double.NaN);
    return List.of(
      new SystemResult("gateway", 1_000_000, 0, 0, 100_000, 0.42, 1.8, 3.1, 9.0, 2.0, gatewayExtra),
      new SystemResult("gateway-3", 2_200_000, 0, 0, 100_000, 0.55, 2.2, 4.0, 12.0, 2.1, Map.of()),
      new SystemResult("raw-vertx", 1_250_000, 0, 0, 100_000, 0.40, 1.5, 2.5, 7.0, 1.9, Map.of()),
      new SystemResult("nats", 800_000, 0, 2, 100_000, 0.35, 1.2, 2.0, 6.0, Double.NaN, natsExtra),
      new SystemResult("bridge", 80_000, 3, 0, 50_000, 1.5, 20.0, Double.POSITIVE_INFINITY, 120.0, 15.0, Map.of()),
      new SystemResult("bridge-3", 200_000, 0, 0, 100_000, 1.2, 18.0, 40.0, 150.0, 14.0, Map.of()));
  }

  @Test
  void tablePrintsEveryRowAndTheRatioLines() {
    String table = BenchReport.table("fanout", results());
    List<String> lines = table.lines().toList();

    assertEquals("scenario: fanout", lines.get(0));
    assertEquals("system     throughput/s  loss  dup  latency load/s  p50 ms  p99 ms  p99.9 ms  max ms  CPU µs/delivery",
      lines.get(1));
    assertEquals("gateway           1.00M     0    0          100.0k    0.42    1.80      3.10    9.00             2.00",
      lines.get(2));
    assertEquals("gateway-3         2.20M     0    0          100.0k    0.55    2.20      4.00   12.00             2.10",
      lines.get(3));
    assertEquals("nats             800.0k     0    2          100.0k    0.35    1.20      2.00    6.00                -",
      lines.get(5));
    assertEquals("bridge            80.0k     3    0           50.0k    1.50   20.00         -   120.0            15.00",
      lines.get(6));

    assertTrue(lines.contains("gateway / raw-vertx = 0.800x"), table);
    assertTrue(lines.contains("gateway / nats = 1.25x"), table);
    assertTrue(lines.contains("gateway / bridge = 12.5x"), table);
    assertTrue(lines.contains("gateway-3 / bridge-3 = 11.0x"), table);
    assertTrue(lines.contains("gateway-3 / raw-vertx = 1.76x"), table);
    assertTrue(lines.contains("gateway-3 / nats = 2.75x"), table);
    assertTrue(lines.contains("gateway-3 CPU per delivery / gateway = 1.05x"), table);
    assertFalse(table.contains("gateway / bridge-3"), table);
    assertFalse(table.contains("gateway-3 / bridge ="), table);

    int matrix = lines.indexOf("ratios (throughput, row / column)");
    assertEquals("           gateway  gateway-3  raw-vertx    nats  bridge  bridge-3", lines.get(matrix + 1));
    assertEquals("gateway          -     0.455x     0.800x   1.25x   12.5x     5.00x", lines.get(matrix + 2));

    assertTrue(lines.contains("  gateway: registrations=1000, rssKibPerConnection=12.5"), table);
    assertTrue(lines.contains("  nats: undefined=-"), table);
  }

  @Test
  void ratiosAreHeadlinePairsOnly() {
    List<String> keys = BenchReport.ratios(results()).stream().map(BenchReport.Ratio::key).toList();
    assertEquals(List.of("gateway/raw-vertx", "gateway/nats", "gateway/bridge", "gateway-3/raw-vertx",
      "gateway-3/nats", "gateway-3/bridge-3", "cpu gateway-3/gateway"), keys);
  }

  @Test
  void comparesCpuAtEveryCommonLoadBothMeasured() {
    Map<String, Object> single = new LinkedHashMap<>();
    single.put(BenchReport.cpuAt(10_000), 16.0);
    single.put(BenchReport.cpuAt(25_000), 8.0);
    List<SystemResult> results = List.of(
      new SystemResult("gateway", 1_000_000, 0, 0, 100_000, 0.4, 1.8, 3.1, 9.0, 1.5, single),
      new SystemResult("gateway-3", 50_000, 0, 0, 25_000, 0.5, 2.2, 4.0, 12.0, 20.0,
        Map.of(BenchReport.cpuAt(25_000), 10.0)),
      new SystemResult("nats", 2_000_000, 0, 0, 100_000, 0.4, 1.8, 3.1, 9.0, 1.0,
        Map.of(BenchReport.cpuAt(10_000), 20.0, BenchReport.cpuAt(25_000), 16.0)));
    List<BenchReport.Ratio> ratios = BenchReport.ratios(results);
    assertEquals(List.of("gateway/nats", "gateway-3/nats", "cpu gateway-3/gateway", "cpu@25000 gateway-3/gateway",
        "cpu@10000 gateway/nats", "cpu@25000 gateway/nats", "cpu@25000 gateway-3/nats"),
      ratios.stream().map(BenchReport.Ratio::key).toList());
    assertEquals(1.25, ratios.get(3).value(), 1e-9);
    assertEquals(0.8, ratios.get(4).value(), 1e-9);
    List<String> lines = BenchReport.table("fanout", results).lines().toList();
    assertTrue(lines.contains("gateway-3 CPU per delivery at 25.0k deliveries/s / gateway = 1.25x"), lines::toString);
    assertTrue(lines.contains("gateway CPU per delivery at 10.0k deliveries/s / nats = 0.800x"), lines::toString);
  }

  @Test
  void formats() {
    assertEquals("975.3k", BenchReport.rate(975_300));
    assertEquals("1.23M", BenchReport.rate(1_230_000));
    assertEquals("1.00M", BenchReport.rate(999_990));
    assertEquals("812.5", BenchReport.rate(812.5));
    assertEquals("-", BenchReport.rate(Double.NaN));
    assertEquals("1.07x", BenchReport.times(1.0712));
    assertEquals("12.3x", BenchReport.times(12.34));
    assertEquals("123x", BenchReport.times(123.4));
    assertEquals("n/a", BenchReport.times(Double.NaN));
  }

  @Test
  void writeStoresJsonAndSvg(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("reports/nested");
    JsonObject parameters = new JsonObject().put("subscribers", 1000);
    JsonObject machine = new JsonObject().put("cores", 8);
    Path[] written = BenchReport.write(dir, "fanout", parameters, machine, results(), AT);

    assertEquals(2, written.length);
    assertEquals(dir.resolve("fanout-20240305-140709.json"), written[0]);
    assertEquals(dir.resolve("fanout-20240305-140709.svg"), written[1]);
    assertEquals(Files.readString(written[0]), Files.readString(dir.resolve("fanout-latest.json")));
    assertEquals(Files.readString(written[1]), Files.readString(dir.resolve("fanout-latest.svg")));

    JsonObject json = new JsonObject(Files.readString(written[0]));
    assertEquals("fanout", json.getString("scenario"));
    assertEquals("2024-03-05T14:07:09+01:00", json.getString("timestamp"));
    assertEquals(parameters, json.getJsonObject("parameters"));
    assertEquals(machine, json.getJsonObject("machine"));

    JsonArray array = json.getJsonArray("results");
    assertEquals(6, array.size());
    JsonObject gateway = array.getJsonObject(0);
    assertEquals(List.of("system", "throughputPerSec", "loss", "duplicates", "latencyLoadPerSec", "p50Ms", "p99Ms",
      "p999Ms", "maxMs", "cpuMicrosPerDelivery", "extra"), new ArrayList<>(gateway.fieldNames()));
    assertEquals("gateway", gateway.getString("system"));
    assertEquals(1_000_000.0, gateway.getDouble("throughputPerSec"));
    assertEquals(0L, gateway.getLong("loss"));
    assertEquals(100_000.0, gateway.getDouble("latencyLoadPerSec"));
    assertEquals(0.42, gateway.getDouble("p50Ms"));
    assertEquals(1.8, gateway.getDouble("p99Ms"));
    assertEquals(3.1, gateway.getDouble("p999Ms"));
    assertEquals(9.0, gateway.getDouble("maxMs"));
    assertEquals(2.0, gateway.getDouble("cpuMicrosPerDelivery"));
    assertEquals(new JsonObject().put("registrations", 1000).put("rssKibPerConnection", 12.5),
      gateway.getJsonObject("extra"));

    JsonObject nats = array.getJsonObject(3);
    assertEquals("nats", nats.getString("system"));
    assertEquals(2L, nats.getLong("duplicates"));
    assertTrue(nats.containsKey("cpuMicrosPerDelivery"));
    assertNull(nats.getValue("cpuMicrosPerDelivery"));
    assertTrue(nats.getJsonObject("extra").containsKey("undefined"));
    assertNull(nats.getJsonObject("extra").getValue("undefined"));
    JsonObject bridge = array.getJsonObject(4);
    assertEquals(3L, bridge.getLong("loss"));
    assertNull(bridge.getValue("p999Ms"));

    JsonObject ratios = new JsonObject()
      .put("gateway/raw-vertx", 0.8)
      .put("gateway/nats", 1.25)
      .put("gateway/bridge", 12.5)
      .put("gateway-3/raw-vertx", 1.76)
      .put("gateway-3/nats", 2.75)
      .put("gateway-3/bridge-3", 11.0)
      .put("cpu gateway-3/gateway", 1.05);
    assertEquals(ratios, json.getJsonObject("ratios"));

    String svg = Files.readString(written[1]);
    Document doc = parse(svg);
    assertEquals("svg", doc.getDocumentElement().getTagName());
    for (SystemResult r : results()) {
      assertTrue(texts(doc).contains(r.system()), r.system());
    }
  }

  @Test
  void publicWriteUsesTheCurrentTimeAndOverwritesLatest(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("churn-latest.json"), "old");
    Path[] written = BenchReport.write(tmp, "churn", new JsonObject(), BenchReport.machine(), results().subList(0, 1));
    assertTrue(written[0].getFileName().toString().matches("churn-\\d{8}-\\d{6}\\.json"), written[0].toString());
    assertTrue(written[1].getFileName().toString().matches("churn-\\d{8}-\\d{6}\\.svg"), written[1].toString());
    assertTrue(Files.isRegularFile(written[1]));
    assertEquals(Files.readString(written[0]), Files.readString(tmp.resolve("churn-latest.json")));
    assertTrue(Files.isRegularFile(tmp.resolve("churn-latest.svg")));
  }

  @Test
  void machineDescribesTheHost() {
    JsonObject m = BenchReport.machine();
    assertEquals(Runtime.getRuntime().availableProcessors(), m.getInteger("cores"));
    assertEquals(System.getProperty("java.version"), m.getString("javaVersion"));
    assertEquals(System.getProperty("os.name"), m.getString("osName"));
    assertTrue(m.getLong("memoryBytes") > 0, m.encode());
  }

  @Test
  void svgIsValidXmlAndEscapesLabels() throws Exception {
    List<SystemResult> results = List.of(
      new SystemResult("a<b&c", 0, 0, 0, 1000, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Map.of()),
      new SystemResult("gateway", 5_000, 0, 0, 2000, 0.5, 3.0, 4.0, 5.0, 1.0, Map.of()));
    String svg = SvgChart.render("title \"quoted\" & <tagged>", results);

    assertTrue(svg.contains(">a&lt;b&amp;c<"), svg);
    assertFalse(svg.contains("a<b"), svg);
    Document doc = parse(svg);
    List<String> texts = texts(doc);
    assertTrue(texts.contains("a<b&c"), texts.toString());
    assertTrue(texts.contains("gateway"), texts.toString());
    assertTrue(texts.contains("title \"quoted\" & <tagged>"), texts.toString());
    assertTrue(texts.contains("latency measured at a<b&c 1.0k/s, gateway 2.0k/s"), texts.toString());
    assertTrue(texts.contains("p50"), texts.toString());
    assertTrue(texts.contains("p99"), texts.toString());
    assertEquals("900", doc.getDocumentElement().getAttribute("width"));
    assertEquals("500", doc.getDocumentElement().getAttribute("height"));
    assertFalse(svg.contains("http://") && svg.replace("http://www.w3.org/2000/svg", "").contains("http://"));
    assertFalse(svg.contains("<script"));

    parse(SvgChart.render("empty", List.of()));
  }

  @Test
  void niceAxis() {
    assertEquals(List.of(2_500_000.0, 500_000.0, 5.0), boxed(SvgChart.niceAxis(2_200_000)));
    assertEquals(List.of(1_000_000.0, 200_000.0, 5.0), boxed(SvgChart.niceAxis(1_000_000)));
    assertEquals(List.of(20.0, 5.0, 4.0), boxed(SvgChart.niceAxis(18)));
    assertEquals(List.of(1.0, 0.2, 5.0), boxed(SvgChart.niceAxis(0)));
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>();
    for (double v : values) {
      out.add(v);
    }
    return out;
  }

  private static Document parse(String xml) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  /** Text of every {@code <text>} element. */
  private static List<String> texts(Document doc) {
    NodeList nodes = doc.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      out.add(nodes.item(i).getTextContent());
    }
    return out;
  }
}
