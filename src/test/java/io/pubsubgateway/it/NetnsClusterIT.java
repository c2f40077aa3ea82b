package io.pubsubgateway.it;

import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.NetnsCluster;
import io.pubsubgateway.testing.NetnsCluster.Result;
import io.pubsubgateway.testing.TestTokens;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/netns-cluster.sh through {@link NetnsCluster}: three hosts (network namespaces, each node on
 * its own 198.18.K.x address), HAProxy in front. One cluster for the class; the last test takes it down
 * and checks that nothing of the run is left. Needs root, ip netns and haproxy: elsewhere it prints why
 * and is skipped.
 *
 * <p>Only the network level of a partition is tested here (who reaches whom); the cluster's reaction
 * to one (quorum, 4005) has its own tests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NetnsClusterIT {
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);
  private static final List<String> CHAT = List.of("chat.*");
  private static NetnsCluster cluster;
  private static Vertx vertx;
  private static TestTokens tokens;
  private static final List<WsClient> open = new ArrayList<>();
  /** Why the tests cannot run here, or null. */
  private static String unavailable;

  @BeforeAll
  static void up() {
    unavailable = NetnsCluster.unavailableReason();
    if (unavailable != null) {
      System.out.println("NetnsClusterIT skipped: " + unavailable);
      return;
    }
    long start = System.nanoTime();
    cluster = NetnsCluster.up(3, List.of());
    System.out.printf("NetnsClusterIT: up 3 (run %s) took %.1f s%n", cluster.runId(), (System.nanoTime() - start) / 1e9);
    vertx = Vertx.vertx();
    tokens = TestTokens.withSecret(vertx, NetnsCluster.devSecret());
  }

  /** Each test reported as skipped, with the reason (an assumption failing in @BeforeAll shows as no test at all). */
  @BeforeEach
  void requireNetns() {
    Assumptions.assumeTrue(unavailable == null, unavailable);
  }

  @AfterAll
  static void down() {
    open.forEach(WsClient::close);
    if (cluster != null) {
      cluster.close();
    }
    if (vertx != null) {
      Await.result(vertx.close());
    }
  }

  private static WsClient client(String url, String user) {
    WsClient c = WsClient.connectUrl(vertx, url, tokens.token(user, CHAT, CHAT));
    open.add(c);
    return c;
  }

  private static JsonObject rec(String channel, JsonObject body) {
    return new JsonObject().put("type", "rec").put("address", channel).put("body", body);
  }

  /** A subscriber on {@code subUrl} gets exactly one copy of a message published on {@code pubUrl}. */
  private static void assertCrosses(String subUrl, String pubUrl, String channel) {
    WsClient sub = client(subUrl, "reader");
    WsClient pub = client(pubUrl, "writer");
    sub.subscribe(channel);
    JsonObject body = new JsonObject().put("from", pubUrl);
    pub.publish(channel, body);
    assertEquals(rec(channel, body), sub.next());
    sub.assertNoFrame(300);
    sub.close();
    pub.close();
  }

  @Test
  @Order(1)
  void aMessageCrossesHostsAndTheLoadBalancer() {
    assertEquals(List.of("h1", "h2", "h3"), cluster.hosts());
    assertTrue(cluster.address("h1").startsWith("198.18."), cluster.address("h1"));
    assertNotEquals(cluster.address("h1"), cluster.address("h2"));
    assertEquals("ws://" + cluster.address("h1") + ":8080/ws", cluster.wsUrl("h1"));
    assertTrue(Files.isRegularFile(cluster.log("h3")), cluster.log("h3").toString());
    assertEquals("ws://127.0.0.1:" + cluster.lbPort() + "/ws", cluster.lbUrl());
    assertCrosses(cluster.wsUrl("h1"), cluster.wsUrl("h3"), "chat.h1-from-h3");
    assertCrosses(cluster.lbUrl(), cluster.wsUrl("h2"), "chat.lb-from-h2");
    assertEquals(200, Http.status(cluster.lbHttpUrl(), "/health/ready"));
  }

  @Test
  @Order(2)
  void aKilledHostRestartsAndServesAgain() {
    cluster.kill("h2");
    assertEquals(-1, Http.status(cluster.httpUrl("h2"), "/health/live"), "h2 still answers after kill");
    long start = System.nanoTime();
    cluster.restart("h2");
    System.out.printf("NetnsClusterIT: restart h2 took %.1f s%n", (System.nanoTime() - start) / 1e9);
    assertEquals(200, Http.status(cluster.httpUrl("h2"), "/health/ready"));
    assertCrosses(cluster.wsUrl("h2"), cluster.wsUrl("h1"), "chat.h2-from-h1");
    assertCrosses(cluster.wsUrl("h3"), cluster.wsUrl("h2"), "chat.h3-from-h2");
  }

  /** HTTP status of {@code url} fetched from inside {@code host}'s namespace: "000" when it cannot connect. */
  private static String statusFrom(String host, String url) {
    Result r = cluster.execIn(host, "curl", "-s", "-o", "/dev/null", "-m", "2", "-w", "%{http_code}", url);
    return String.join("", r.out());
  }

  @Test
  @Order(3)
  void aPartitionCutsHostsOffFromEachOtherButNotFromTheRootNamespace() {
    String h2Live = cluster.httpUrl("h2") + "/health/live";
    assertEquals("200", statusFrom("h1", h2Live));
    cluster.partition("h1");
    try {
      assertEquals("000", statusFrom("h1", h2Live));
      assertEquals("000", statusFrom("h2", cluster.httpUrl("h1") + "/health/live"));
      assertEquals("000", statusFrom("h3", cluster.httpUrl("h1") + "/health/live"));
      assertEquals("200", statusFrom("h2", cluster.httpUrl("h3") + "/health/live"), "the others stay connected");
      assertEquals(200, Http.status(cluster.httpUrl("h1"), "/health/live"), "the root namespace reaches h1");
    } finally {
      cluster.heal(); // within Hazelcast's 10 s heartbeat timeout: the cluster does not split
    }
    assertEquals("200", statusFrom("h1", h2Live));
    assertEquals("200", statusFrom("h3", cluster.httpUrl("h1") + "/health/live"));
  }

  @ParameterizedTest
  @Order(4)
  @CsvSource(delimiter = '|', value = {
    "kill h9          | 2 | netns-cluster: unknown host 'h9' in run RUN (hosts: h1,h2,h3)",
    "restart node1    | 2 | netns-cluster: unknown host 'node1' in run RUN (hosts: h1,h2,h3)",
    "partition h1 h4  | 2 | netns-cluster: unknown host 'h4' in run RUN (hosts: h1,h2,h3)",
    "partition h1 h2 h3 | 2 | netns-cluster: partition: list some of the hosts, not all (h1,h2,h3)",
    "frobnicate       | 2 | netns-cluster: unknown command 'frobnicate'",
    "up 21            | 2 | netns-cluster: N must be 1..20, got '21'",
    "up 0             | 2 | netns-cluster: N must be 1..20, got '0'",
  })
  void badInputIsRefusedWithAClearMessage(String args, int exit, String message) {
    List<String> command = new ArrayList<>(List.of("--run", cluster.runId()));
    command.addAll(Arrays.asList(args.trim().split(" +")));
    Result r = NetnsCluster.script(SCRIPT_TIMEOUT, command);
    assertEquals(exit, r.exit(), r.stderr());
    assertEquals(message.replace("RUN", cluster.runId()), r.err().get(0));
  }

  @Test
  @Order(5)
  void withoutRootUpFailsSayingSoAndLeavesNothing() throws IOException {
    String run = "itnr" + Long.toString(System.nanoTime() % 10000);
    // a checkout in a private folder (e.g. mktemp -d, mode 700) cannot be reached by the unprivileged user at all
    Result reach = NetnsCluster.exec(SCRIPT_TIMEOUT, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
      "test", "-r", NetnsCluster.SCRIPT);
    Assumptions.assumeTrue(reach.exit() == 0, "skipped: user 65534 cannot read " + NetnsCluster.SCRIPT
      + " (a parent folder is private), so the script's own refusal cannot be tested from this checkout");
    Result r = NetnsCluster.exec(SCRIPT_TIMEOUT, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
      NetnsCluster.SCRIPT, "up", "--run", run);
    assertEquals(3, r.exit(), r.stderr());
    assertEquals(List.of("netns-cluster: 'up' needs root (network namespaces, bridge, veth): run it as root,"
      + " e.g. sudo scripts/netns-cluster.sh up"), r.err());
    assertFalse(commandOutput("ip", "netns", "list").contains("pgw-" + run + "-"));
    assertFalse(commandOutput("ip", "-o", "link", "show").contains("pgw" + run));
    assertFalse(Files.exists(Path.of("target/netns-cluster", run)));
  }

  @Test
  @Order(6)
  void downLeavesNothingOfTheRun() throws IOException {
    String run = cluster.runId();
    String state = "netns-cluster/" + run + "/";
    assertTrue(commandOutput("ip", "netns", "list").contains("pgw-" + run + "-h3"));
    cluster.close();
    assertFalse(commandOutput("ip", "netns", "list").contains("pgw-" + run + "-"), "namespaces left");
    String links = commandOutput("ip", "-o", "link", "show");
    assertFalse(links.contains("pgw" + run + "br"), "bridge left: " + links);
    assertFalse(links.contains("pgw" + run + "h"), "veth left: " + links);
    List<String> left = ProcessHandle.allProcesses()
      .map(p -> String.join(" ", p.info().arguments().map(List::of).orElse(List.of())))
      .filter(args -> args.contains(state) || args.contains("cluster.name=netns-" + run))
      .toList();
    assertEquals(List.of(), left, "processes of the run left");
    assertFalse(Files.exists(cluster.stateDir()), "state dir left");
    Result again = NetnsCluster.script(SCRIPT_TIMEOUT, List.of("down", "--run", run));
    assertEquals(0, again.exit(), "down is idempotent: " + again.stderr());
  }

  private static String commandOutput(String... command) throws IOException {
    Result r = NetnsCluster.exec(SCRIPT_TIMEOUT, command);
    assertEquals(0, r.exit(), r.stderr());
    return String.join("\n", r.out());
  }
}
