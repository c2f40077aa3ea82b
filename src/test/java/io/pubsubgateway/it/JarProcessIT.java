package io.pubsubgateway.it;

import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.ProcessRun;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fat jar as a real process: start from a config file, serve, stop on SIGTERM; config errors. */
class JarProcessIT {
  private static final String JAR = System.getProperty("gateway.jar", "target/pubsub-gateway.jar");
  private static Vertx clients;

  @TempDir
  static Path tmp;

  @BeforeAll
  static void setUp() {
    clients = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() {
    Await.result(clients.close());
  }

  private static ProcessRun run(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("java", "-jar", JAR));
    cmd.addAll(List.of(args));
    return ProcessRun.start(cmd);
  }

  private static Path config(String yaml) throws IOException {
    Path file = Files.createTempFile(tmp, "gateway", ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static String secretFile() throws IOException {
    Path secret = tmp.resolve("secret");
    Files.writeString(secret, TestConfig.SECRET);
    return secret.toString();
  }

  @Test
  void startsFromAConfigFileServesAndStopsCleanlyOnSigterm() throws Exception {
    int port = ProcessRun.freeLoopbackPort();
    Path conf = config("""
      http:
        port: %d
      auth:
        jwt:
          secretFile: %s
      cluster:
        name: %s
      channels:
        - pattern: "news.*"
          subscribe: all
          publish: token
      """.formatted(port, secretFile(), TestConfig.uniqueClusterName()));
    ProcessRun token = run("token", "--conf", conf.toString(), "--sub", "writer", "--publish", "news.*");
    assertEquals(0, token.exit(Duration.ofSeconds(60)), String.join("\n", token.err()));
    String writerToken = token.lastLine();

    ProcessRun node = run("--conf", conf.toString());
    try {
      Await.until("node listening: " + node.out(), Duration.ofSeconds(60), () -> node.printed("listening on"));
      ProcessRun reader = run("token", "--conf", conf.toString(), "--sub", "reader");
      assertEquals(0, reader.exit(Duration.ofSeconds(60)));
      WsClient sub = WsClient.connect(clients, port, reader.lastLine());
      WsClient pub = WsClient.connect(clients, port, writerToken);
      sub.subscribe("news.today");
      pub.publish("news.today", new JsonObject().put("headline", "it works"));
      assertEquals(new JsonObject().put("type", "rec").put("address", "news.today")
        .put("body", new JsonObject().put("headline", "it works")), sub.next());

      node.process().destroy(); // SIGTERM
      assertEquals(1001, sub.awaitClose(Duration.ofSeconds(20)));
      assertEquals(1001, pub.awaitClose(Duration.ofSeconds(20)));
      assertEquals(0, node.exit(Duration.ofSeconds(30)), "exit status after SIGTERM");
      assertTrue(node.out().stream().noneMatch(l -> l.contains(writerToken)), "token in the log");
    } finally {
      node.process().destroyForcibly();
    }
  }

  @Test
  void jsonLogsHaveOneObjectPerLineWithHandshakeAndDisconnectFieldsAndNoToken() throws Exception {
    int port = ProcessRun.freeLoopbackPort();
    Path conf = config("""
      http:
        port: %d
      auth:
        jwt:
          secretFile: %s
      cluster:
        enabled: false
      logging:
        format: json
      """.formatted(port, secretFile()));
    ProcessRun token = run("token", "--conf", conf.toString(), "--sub", "jason");
    assertEquals(0, token.exit(Duration.ofSeconds(60)), String.join("\n", token.err()));
    ProcessRun node = run("--conf", conf.toString());
    try {
      Await.until("node listening: " + node.out(), Duration.ofSeconds(60), () -> node.printed("listening on"));
      WsClient client = WsClient.connect(clients, port, token.lastLine());
      client.close();
      Await.until("disconnect logged: " + node.out(), Duration.ofSeconds(20), () -> node.printed("\"disconnect\""));
      node.process().destroy();
      assertEquals(0, node.exit(Duration.ofSeconds(30)));
      List<JsonObject> lines = node.out().stream().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
      JsonObject handshake = lines.stream().filter(l -> "io.pubsubgateway.handshake".equals(l.getString("loggerName")))
        .findFirst().orElseThrow();
      assertEquals("INFO", handshake.getString("level"));
      assertEquals("handshake", handshake.getString("formattedMessage"));
      JsonObject fields = kvp(handshake);
      assertEquals("jason", fields.getString("user"));
      assertEquals("accepted", fields.getString("result"));
      assertTrue(fields.getString("remote").startsWith("127.0.0.1:"), fields.encode());
      JsonObject disconnect = kvp(lines.stream()
        .filter(l -> "io.pubsubgateway.disconnect".equals(l.getString("loggerName"))).findFirst().orElseThrow());
      assertEquals("jason", disconnect.getString("user"));
      assertEquals("client", disconnect.getString("by"));
      assertTrue(disconnect.containsKey("durationMs") && disconnect.containsKey("code"), disconnect.encode());
      assertTrue(node.out().stream().noneMatch(l -> l.contains(token.lastLine())), "token in the log");
    } finally {
      node.process().destroyForcibly();
    }
  }

  /** logback's JsonEncoder writes key/value pairs as a list of one-entry objects. */
  private static JsonObject kvp(JsonObject event) {
    JsonObject fields = new JsonObject();
    event.getJsonArray("kvpList").forEach(o -> fields.mergeIn((JsonObject) o));
    return fields;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "unknown key|http:\\n  prot: 1|http.prot: unknown key",
    "wrong type|http:\\n  port: eighty|http.port: expected an integer, got string \"eighty\"",
    "unparseable YAML|http: [unclosed|cannot parse YAML",
    "bad algorithm|auth:\\n  jwt:\\n    algorithm: HS999|auth.jwt.algorithm: must be one of HS256, RS256, ES256",
  })
  void configErrorsExitWithOneLineNamingTheKey(String name, String yaml, String expected) throws Exception {
    Path conf = config(yaml.replace("\\n", "\n"));
    ProcessRun run = run("--conf", conf.toString(), "--set", "cluster.enabled=false");
    assertEquals(2, run.exit(Duration.ofSeconds(60)), name);
    assertEquals(1, run.err().size(), "stderr: " + run.err());
    assertTrue(run.err().get(0).startsWith("pubsub-gateway: config error: "), run.err().get(0));
    assertTrue(run.err().get(0).contains(expected), run.err().get(0));
  }

  @Test
  void missingSecretUnreadableFileAndPortInUseAreConfigErrors() throws Exception {
    Path conf = config("cluster:\n  enabled: false\n");
    assertConfigError(run("--conf", conf.toString()), "auth.jwt.secret: missing");
    assertConfigError(run("--conf", tmp.resolve("nope.yaml").toString()), "config file " + tmp.resolve("nope.yaml"));
    assertConfigError(run("--conf", conf.toString(), "--set", "auth.jwt.secretFile=" + tmp.resolve("absent")),
      "auth.jwt.secretFile: " + tmp.resolve("absent") + " does not exist");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertConfigError(run("--conf", conf.toString(), "--set", "auth.jwt.secretFile=" + secretFile(),
        "--set", "http.port=" + taken.getLocalPort()), "http.port: cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void missingOrUnparseableTlsFilesAreConfigErrors() throws Exception {
    Path conf = config("cluster:\n  enabled: false\nhttp:\n  port: 0\n  tls:\n    enabled: true\n");
    Path cert = Files.writeString(tmp.resolve("not-a-cert.pem"), "hello\n");
    assertConfigError(run("--conf", conf.toString(), "--set", "auth.jwt.secretFile=" + secretFile(),
      "--set", "http.tls.certFile=" + cert, "--set", "http.tls.keyFile=" + tmp.resolve("absent-key.pem")),
      "http.tls.keyFile: " + tmp.resolve("absent-key.pem") + " does not exist");
    // parsed when the node starts: still one line and exit 2, not a stack trace
    assertConfigError(run("--conf", conf.toString(), "--set", "auth.jwt.secretFile=" + secretFile(),
      "--set", "http.tls.certFile=" + cert, "--set", "http.tls.keyFile=" + cert),
      "pubsub-gateway: config error: http.tls.certFile: ");
  }

  private static void assertConfigError(ProcessRun run, String expected) throws InterruptedException {
    assertEquals(2, run.exit(Duration.ofSeconds(60)), "stderr: " + run.err());
    assertEquals(1, run.err().size(), "stderr: " + run.err());
    assertTrue(run.err().get(0).contains(expected), run.err().get(0));
  }
}
