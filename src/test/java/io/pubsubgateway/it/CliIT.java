package io.pubsubgateway.it;

import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.ProcessRun;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** scripts/pubsub.sh against a node started from the fat jar: real processes end to end. */
class CliIT {
  @TempDir
  static Path tmp;
  private static ProcessRun node;
  private static String url;
  private static Vertx vertx;
  private static TestTokens tokens;

  @BeforeAll
  static void startNode() throws Exception {
    int port = ProcessRun.freeLoopbackPort();
    url = "ws://127.0.0.1:" + port + "/ws";
    Path secret = tmp.resolve("secret");
    Files.writeString(secret, TestConfig.SECRET);
    Path conf = tmp.resolve("gateway.yaml");
    Files.writeString(conf, """
      http:
        port: %d
      auth:
        jwt:
          secretFile: %s
      cluster:
        enabled: false
      """.formatted(port, secret));
    node = ProcessRun.start(List.of("java", "-jar", System.getProperty("gateway.jar", "target/pubsub-gateway.jar"),
      "--conf", conf.toString()));
    Await.until("node listening", Duration.ofSeconds(60), () -> node.printed("listening on"));
    vertx = Vertx.vertx();
    tokens = new TestTokens(vertx);
  }

  @AfterAll
  static void stopNode() throws Exception {
    node.process().destroy();
    node.exit(Duration.ofSeconds(30));
    Await.result(vertx.close());
  }

  private static ProcessRun pubsub(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("bash", "scripts/pubsub.sh"));
    cmd.addAll(List.of(args));
    return ProcessRun.start(cmd);
  }

  @Test
  void pubThenSubThroughTheScripts() throws Exception {
    String token = tokens.token("cli", List.of("cli.*"), List.of("cli.*"));
    ProcessRun sub = pubsub("sub", "cli.room", "--count", "3", "--url", url, "--token", token);
    Await.until("subscribed: " + sub.err(), Duration.ofSeconds(60), () -> sub.printedOnStderr("subscribed to cli.room"));

    ProcessRun pub = pubsub("pub", "cli.room", "{\"text\":\"hello\"}", "--url", url, "--token", token);
    assertEquals(0, pub.exit(Duration.ofSeconds(60)), pub.err().toString());
    ProcessRun lines = pubsub("pub", "cli.room", "--url", url, "--token", token);
    try (OutputStream in = lines.process().getOutputStream()) {
      in.write("[1,2]\n\"two\"\n".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals(0, lines.exit(Duration.ofSeconds(60)), lines.err().toString());

    assertEquals(0, sub.exit(Duration.ofSeconds(30)), sub.err().toString());
    assertEquals(List.of(
      new JsonObject().put("channel", "cli.room").put("body", new JsonObject().put("text", "hello")).encode(),
      "{\"channel\":\"cli.room\",\"body\":[1,2]}",
      "{\"channel\":\"cli.room\",\"body\":\"two\"}"), sub.out());
  }

  @Test
  void errorsAreOneLineWithTheDocumentedExitStatus() throws Exception {
    String token = tokens.token("cli", List.of("cli.*"), List.of("cli.*"));
    assertFailure(pubsub("pub", "cli.room", "{bad", "--url", url, "--token", token), 2, "not valid JSON");
    assertFailure(pubsub("pub", "other.room", "1", "--url", url, "--token", token), 3, "access_denied");
    assertFailure(pubsub("sub", "other.room", "--url", url, "--token", token), 3, "access_denied");
    assertFailure(pubsub("pub", "cli.room", "1", "--url", url, "--token", "not.a.token"), 4, "auth_rejected");
    assertFailure(pubsub("pub", "cli.room", "1", "--url", "ws://127.0.0.1:1/ws", "--token", token,
      "--connect-timeout", "2"), 5, "no node answered");
  }

  private static void assertFailure(ProcessRun run, int status, String text) throws InterruptedException {
    assertEquals(status, run.exit(Duration.ofSeconds(60)), run.err().toString());
    assertEquals(1, run.err().size(), run.err().toString());
    assertTrue(run.err().get(0).startsWith("pubsub: ") && run.err().get(0).contains(text), run.err().get(0));
  }
}
