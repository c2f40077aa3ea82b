package io.pubsubgateway.it;

import io.pubsubgateway.client.ClientState;
import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayClientOptions;
import io.pubsubgateway.client.GatewayException;
import io.pubsubgateway.client.GatewayMessage;
import io.pubsubgateway.client.ReconnectPolicy;
import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.ProcessRun;
import io.pubsubgateway.testing.TestCerts;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code http.tls}: nodes serving {@code wss://} with a self-signed certificate generated here, once
 * from the PEM pair and once from a PKCS12 keystore made with the keytool commands of
 * {@code src/docs/configuration.md} ("TLS"); the
 * SDK and the CLI trusting it, refusing it, and plain {@code ws://} against a TLS port.
 */
class TlsIT {
  private static final String JAR = System.getProperty("gateway.jar", "target/pubsub-gateway.jar");
  @TempDir
  static Path tmp;
  private static Vertx vertx;
  private static TestTokens tokens;
  /** PEM pair of a certificate for localhost only (no IP address in it). */
  private static TestCerts pem;
  private static GatewayNode pemNode;
  /** keytool's certificate for localhost and 127.0.0.1, exported as PEM for the clients. */
  private static Path keyStoreCert;
  private static GatewayNode keyStoreNode;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    tokens = new TestTokens(vertx);
    pem = TestCerts.create(tmp, "pem");
    pemNode = startNode("http.tls.certFile=" + pem.cert(), "http.tls.keyFile=" + pem.key());

    Path p12 = tmp.resolve("gateway.p12");
    keyStoreCert = tmp.resolve("gateway-cert.pem");
    keytool("-genkeypair", "-alias", "gateway", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "365",
      "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
      "-keystore", p12.toString(), "-storepass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "gateway", "-keystore", p12.toString(), "-storepass", "changeit",
      "-file", keyStoreCert.toString());
    keyStoreNode = startNode("http.tls.keyStoreFile=" + p12, "http.tls.keyStorePassword=changeit");
  }

  @AfterAll
  static void stop() {
    for (GatewayNode node : new GatewayNode[] {pemNode, keyStoreNode}) {
      if (node != null) {
        Await.result(node.stop(), Duration.ofSeconds(30));
      }
    }
    Await.result(vertx.close(), Duration.ofSeconds(30));
  }

  private static GatewayNode startNode(String... tls) {
    List<String> sets = new ArrayList<>(List.of("http.tls.enabled=true"));
    sets.addAll(List.of(tls));
    return Await.result(GatewayNode.start(TestConfig.config(null, new JsonArray(), sets.toArray(String[]::new))),
      Duration.ofSeconds(60));
  }

  private static void keytool(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    ProcessRun run = ProcessRun.start(cmd);
    assertEquals(0, run.exit(Duration.ofSeconds(60)), "keytool " + args[0] + ": " + run.out() + run.err());
  }

  private static GatewayClient client(String url, GatewayClientOptions options) {
    return GatewayClient.create(vertx, options.addUrl(url).setToken(tokens.any("tls")));
  }

  private static void roundTrip(GatewayClient client) throws InterruptedException {
    Await.result(client.connect());
    BlockingQueue<GatewayMessage> received = new LinkedBlockingQueue<>();
    Await.result(client.subscribe("tls.room", received::add));
    Await.result(client.publish("tls.room", new JsonObject().put("secret", "over tls"), Map.of("trace", "t")));
    GatewayMessage m = received.poll(10, TimeUnit.SECONDS);
    assertNotNull(m, "no message within 10 s");
    assertEquals(new JsonObject().put("secret", "over tls"), m.body());
    assertEquals(Map.of("trace", "t"), m.headers());
    Await.result(client.close());
  }

  @ParameterizedTest
  @ValueSource(strings = {"pem", "keystore"})
  void wssRoundTripWithTheSdkTrustingTheCertificate(String variant) throws Exception {
    boolean isPem = variant.equals("pem");
    GatewayNode node = isPem ? pemNode : keyStoreNode;
    Path trust = isPem ? pem.cert() : keyStoreCert;
    roundTrip(client("wss://localhost:" + node.port() + "/ws", new GatewayClientOptions().setTrustPemFile(trust.toString())));
    if (!isPem) { // keytool's certificate also names 127.0.0.1
      roundTrip(client("wss://127.0.0.1:" + node.port() + "/ws", new GatewayClientOptions().setTrustPemFile(trust.toString())));
    }
  }

  @Test
  void anUntrustedCertificateIsATerminalFailureNotAReconnectLoop() {
    // the JDK's default CAs do not include a self-signed certificate; the policy would retry forever
    GatewayClient c = client("wss://localhost:" + pemNode.port() + "/ws", new GatewayClientOptions()
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(50), Duration.ofMillis(200), ReconnectPolicy.UNLIMITED, 0)));
    GatewayException e = assertInstanceOf(GatewayException.class, Await.failure(c.connect()));
    assertEquals(GatewayException.CERTIFICATE_REJECTED, e.code());
    assertTrue(e.getMessage().startsWith("TLS certificate of wss://localhost:" + pemNode.port() + "/ws not accepted: "),
      e.getMessage());
    assertEquals(ClientState.CLOSED, c.state());
  }

  @Test
  void aCertificateForAnotherHostNameIsRefusedUnlessTrustingAll() throws Exception {
    // the PEM certificate names localhost, not 127.0.0.1: trusting it does not skip the host name check
    String byIp = "wss://127.0.0.1:" + pemNode.port() + "/ws";
    GatewayClient c = client(byIp, new GatewayClientOptions().setTrustPemFile(pem.cert().toString()));
    GatewayException e = assertInstanceOf(GatewayException.class, Await.failure(c.connect()));
    assertEquals(GatewayException.CERTIFICATE_REJECTED, e.code());
    roundTrip(client(byIp, new GatewayClientOptions().setTrustAll(true)));
  }

  @Test
  void plainWebSocketToATlsPortFails() {
    WebSocketConnectOptions plain = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(pemNode.port())
      .setURI("/ws").addHeader("Authorization", "Bearer " + tokens.any("plain"));
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5000));
    Throwable err = Await.failure(ws.connect(plain));
    assertFalse(err instanceof UpgradeRejectedException, "a plain handshake got an HTTP answer: " + err);
    Await.result(ws.close());

    GatewayClient sdk = client("ws://localhost:" + pemNode.port() + "/ws", new GatewayClientOptions()
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(10), Duration.ofMillis(20), 2, 0)));
    GatewayException e = assertInstanceOf(GatewayException.class, Await.failure(sdk.connect()));
    assertEquals(GatewayException.UNREACHABLE, e.code());
  }

  @Test
  void handshakeRulesHoldOverTls() {
    WebSocketConnectOptions noToken = new WebSocketConnectOptions().setSsl(true).setHost("localhost")
      .setPort(pemNode.port()).setURI("/ws");
    // clients held in variables: Vert.x closes a client that becomes unreachable, even mid-request
    WebSocketClient ws = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setTrustOptions(new PemTrustOptions().addCertPath(pem.cert().toString())));
    Throwable err = Await.failure(ws.connect(noToken));
    assertEquals(401, assertInstanceOf(UpgradeRejectedException.class, err, String.valueOf(err)).getStatus());
    Await.result(ws.close());

    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
      .setTrustOptions(new PemTrustOptions().addCertPath(pem.cert().toString())));
    int status = Await.result(http.request(HttpMethod.GET, pemNode.port(), "localhost", "/ws")
      .compose(req -> req.send()).map(resp -> resp.statusCode()));
    assertEquals(426, status);
    Await.result(http.close());
  }

  /** The jar's client command; a generous connect timeout: three JVMs start at once on a busy machine. */
  private static ProcessRun cli(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("java", "-jar", JAR));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--connect-timeout", "30"));
    return ProcessRun.start(cmd);
  }

  @Test
  void cliPubOverWssWithTrustOrInsecureAndAClearErrorWithout() throws Exception {
    String url = "wss://localhost:" + pemNode.port() + "/ws";
    String token = tokens.any("cli");
    GatewayClient subscriber = client(url, new GatewayClientOptions().setTrustPemFile(pem.cert().toString()));
    Await.result(subscriber.connect());
    BlockingQueue<GatewayMessage> received = new LinkedBlockingQueue<>();
    Await.result(subscriber.subscribe("tls.cli", received::add));

    ProcessRun trusted = cli("pub", "tls.cli", "1", "--url", url, "--token", token, "--trust", pem.cert().toString());
    ProcessRun insecure = cli("pub", "tls.cli", "2", "--url", "wss://127.0.0.1:" + pemNode.port() + "/ws", "--token", token,
      "--insecure");
    ProcessRun untrusted = cli("pub", "tls.cli", "3", "--url", url, "--token", token);
    assertEquals(0, trusted.exit(Duration.ofSeconds(60)), trusted.err().toString());
    assertEquals(0, insecure.exit(Duration.ofSeconds(60)), insecure.err().toString());
    assertEquals(5, untrusted.exit(Duration.ofSeconds(60)), untrusted.err().toString());
    assertEquals(1, untrusted.err().size(), untrusted.err().toString());
    assertTrue(untrusted.err().get(0).startsWith("pubsub: connect: certificate_rejected: TLS certificate of " + url)
      && untrusted.err().get(0).contains("--trust"), untrusted.err().get(0));

    List<Object> bodies = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      GatewayMessage m = received.poll(10, TimeUnit.SECONDS);
      assertNotNull(m, "no message within 10 s");
      bodies.add(m.body());
    }
    bodies.sort((a, b) -> Integer.compare((Integer) a, (Integer) b));
    assertEquals(List.of(1, 2), bodies);
    Await.result(subscriber.close());
  }
}
