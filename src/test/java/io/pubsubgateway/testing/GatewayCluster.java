package io.pubsubgateway.testing;

import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.node.GatewayNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real gateway nodes for an integration test class: {@code n} in-process nodes clustered through
 * Hazelcast on loopback under a cluster name of their own (or one standalone node), started once
 * before the class's tests and stopped after them, with a client-side Vert.x, tokens signed with the
 * test secret, and the WebSocket and SDK clients a test opens, closed after each test.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final GatewayCluster cluster = GatewayCluster.of(3, rules, "api.enabled=true", "api.keys=" + KEY);
 * </pre>
 */
public final class GatewayCluster implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(30);
  private final int size;
  private final String clusterName;
  private final JsonArray rules;
  private final String[] sets;
  private final List<GatewayNode> nodes = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();
  private Vertx clients;
  private TestTokens tokens;

  private GatewayCluster(int size, boolean clustered, JsonArray rules, String... sets) {
    this.size = size;
    this.clusterName = clustered ? TestConfig.uniqueClusterName() : null;
    this.rules = rules;
    this.sets = sets;
  }

  /** {@code n} clustered nodes with the channel {@code rules} and config {@code sets} (key=value). */
  public static GatewayCluster of(int n, JsonArray rules, String... sets) {
    return new GatewayCluster(n, true, rules, sets);
  }

  /** One node with {@code cluster.enabled: false}. */
  public static GatewayCluster standalone(JsonArray rules, String... sets) {
    return new GatewayCluster(1, false, rules, sets);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    for (int i = 0; i < size; i++) {
      startNode();
    }
    if (clusterName != null && size > 0) {
      Await.until(size + " members", START, () -> nodes.get(0).clusterManager().getNodes().size() == size);
      awaitSafe();
    }
    clients = Vertx.vertx();
    tokens = new TestTokens(clients);
  }

  /** Starts one more node of this cluster, with the same configuration. */
  public GatewayNode startNode() {
    GatewayNode node = Await.result(GatewayNode.start(TestConfig.config(clusterName, rules, sets)), START);
    nodes.add(node);
    if (clusterName != null && nodes.size() > size) {
      awaitSafe();
    }
    return node;
  }

  /**
   * Waits until Hazelcast has no partition migration pending on any node: right after a member
   * joins, the event-bus registrations (a Hazelcast multimap) wait for the migration, which on a busy
   * machine took longer than a test's wait.
   */
  private void awaitSafe() {
    Await.until("no partition migration pending", START, Duration.ofMillis(100), () -> nodes.stream()
      .map(n -> ((HazelcastClusterManager) n.clusterManager()).getHazelcastInstance())
      .allMatch(hz -> hz.getPartitionService().isClusterSafe()));
  }

  /** Stops {@code node} (gracefully: its clients get 1001, it leaves the cluster). */
  public void stopNode(GatewayNode node) {
    nodes.remove(node);
    Await.result(node.stop(), STOP);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    List<AutoCloseable> toClose = new ArrayList<>(open);
    open.clear();
    for (AutoCloseable c : toClose) {
      c.close();
    }
    Await.until("connections closed", () -> nodes.stream().allMatch(n -> n.connections() == 0));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (clients != null) {
      Await.result(clients.close());
    }
    for (GatewayNode node : nodes) {
      Await.result(node.stop(), STOP);
    }
    nodes.clear();
  }

  public GatewayNode node(int i) {
    return nodes.get(i);
  }

  public List<GatewayNode> nodes() {
    return List.copyOf(nodes);
  }

  public int port(int node) {
    return nodes.get(node).port();
  }

  /** The Vert.x instance clients of the test run on (not a node's). */
  public Vertx clients() {
    return clients;
  }

  public TestTokens tokens() {
    return tokens;
  }

  /** A raw WebSocket client of node {@code node} with a token for {@code user} that may do anything; closed after the test. */
  public WsClient client(int node, String user) {
    return track(WsClient.connect(clients, port(node), tokens.any(user)));
  }

  /** Closes {@code client} after the test. */
  public <T extends AutoCloseable> T track(T client) {
    open.add(client);
    return client;
  }

  /** Closes an SDK client after the test. */
  public GatewayClient track(GatewayClient client) {
    open.add(() -> Await.result(client.close()));
    return client;
  }
}
