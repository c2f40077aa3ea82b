package io.pubsubgateway.it;

import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.Registrations;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A node whose event-bus registration of a channel went missing from the cluster (what a merge
 * after a partition can do) receives nothing published elsewhere; the registration check finds it,
 * registers the channel again, and on a history channel delivers what was published meanwhile.
 * Two real clustered nodes; the registration is removed through the cluster manager itself.
 */
class RegistrationRepairIT {
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(2, new JsonArray()
    .add(TestConfig.rule("plain.*", "all", "all"))
    .add(TestConfig.rule("hist.*", "all", "all")
      .put("history", new JsonObject().put("size", 100).put("ttl", "5m")).put("recovery", true)));

  /** The nodes' own repair runs 1 s and 5 s after the cluster formed: let it pass, the tests lose registrations after. */
  @BeforeAll
  static void afterTheStartupRepair() throws InterruptedException {
    Thread.sleep(6000);
  }

  private static WsClient client(int node, String user) {
    return cluster.client(node, user);
  }

  private static double restoredSoFar() {
    return Http.metrics(cluster.port(0)).getOrDefault("pubsub_gateway_cluster_registrations_restored_total", 0.0);
  }

  /**
   * Runs node 0's registration check and asserts that exactly one registration was made again — by
   * this check, or by the node's own repair run (1 s and 5 s after the cluster formed) if it came first.
   */
  private static void restore() {
    double before = restoredBeforeLoss;
    Await.result(cluster.node(0).hub().checkRegistrations(cluster.node(0).clusterManager()));
    assertEquals(before + 1, restoredSoFar(), "registrations restored");
  }

  private static double restoredBeforeLoss;

  /** Removes {@code node}'s registration of {@code address} from the cluster, as a bad merge would. */
  private static void loseRegistration(io.pubsubgateway.node.GatewayNode node, String address) {
    restoredBeforeLoss = restoredSoFar();
    ClusterManager cm = node.clusterManager();
    Promise<List<RegistrationInfo>> found = Promise.promise();
    cm.getRegistrations(address, found);
    RegistrationInfo mine = Await.result(found.future()).stream().filter(r -> r.nodeId().equals(cm.getNodeId()))
      .findFirst().orElseThrow();
    Promise<Void> removed = Promise.promise();
    cm.removeRegistration(address, mine, removed);
    Await.result(removed.future());
    Registrations.await(cluster.nodes(), address, 0);
  }

  /**
   * Publishes {@code n}, {@code n+1}... until one does not reach {@code sub} within half a second:
   * the publishing node learns of the lost registration through an entry event, a moment later.
   * Returns the first body that was not delivered.
   */
  private static int publishUntilDeaf(WsClient pub, WsClient sub, String channel, int n) {
    int deaf = publishUntilDeafOrNot(pub, sub, channel, n, 200);
    if (deaf < 0) {
      throw new AssertionError("the node kept receiving " + channel + " without its registration");
    }
    return deaf;
  }

  /** As {@link #publishUntilDeaf}, giving up after {@code tries}: then the next body to publish, negated. */
  private static int publishUntilDeafOrNot(WsClient pub, WsClient sub, String channel, int n, int tries) {
    for (int i = n; i < n + tries; i++) {
      pub.publish(channel, i);
      JsonObject frame;
      try {
        frame = sub.next(Duration.ofMillis(500));
      } catch (AssertionError notDelivered) {
        return i;
      }
      assertEquals(new JsonObject().put("type", "rec").put("body", i), new JsonObject().put("type", frame.getString("type"))
        .put("body", frame.getValue("body")), frame.encode());
    }
    return -(n + tries);
  }

  @Test
  void aMissingRegistrationIsRestoredAndDeliveryResumes() {
    WsClient sub = client(0, "sub");
    sub.subscribe("plain.repair");
    WsClient pub = client(1, "pub");
    pub.publish("plain.repair", "first");
    assertEquals("first", sub.next().getString("body"));

    loseRegistration(cluster.node(0), "plain.repair");
    publishUntilDeaf(pub, sub, "plain.repair", 1); // the failure the check exists for: the node is deaf to the channel
    sub.assertNoFrame(500);

    restore();
    Registrations.await(cluster.nodes(), "plain.repair", 1);
    // node 1 learns of the new registration through an entry event: probes until one arrives
    Await.until("delivery resumed", java.time.Duration.ofSeconds(10), () -> {
      pub.publish("plain.repair", "after");
      try {
        return "after".equals(sub.next(Duration.ofMillis(300)).getString("body"));
      } catch (AssertionError none) {
        return false;
      }
    });
    sub.assertNoFrame(300); // probes sent before the one that arrived were lost, not delayed
    assertEquals(0, Await.result(cluster.node(0).hub().checkRegistrations(cluster.node(0).clusterManager())),
      "nothing more to restore");

    sub.unsubscribe("plain.repair");
    Registrations.await(cluster.nodes(), "plain.repair", 0); // the restored registration is released, no orphan
  }

  @Test
  void onAHistoryChannelTheMessagesPublishedWhileTheRegistrationWasMissingFollowInOrder() {
    WsClient sub = client(0, "sub");
    sub.send(new JsonObject().put("type", "register").put("address", "hist.repair").put("id", "r"));
    assertEquals("ack", sub.next().getString("type"));
    WsClient pub = client(1, "pub");
    pub.publish("hist.repair", 0);
    assertEquals(0, sub.next().getInteger("body"));

    loseRegistration(cluster.node(0), "hist.repair");
    // publishing node 1 learns of the removal through a throttled entry event: publish until a message
    // does not arrive, then a few more, then restore; whatever reached node 0 meanwhile made its hub fill
    // the gaps before it from the history, so in every case the subscriber ends with 0..n in order
    // (rarely node 1 keeps sending for long: then the restore is checked without the deaf stretch)
    int firstLost = publishUntilDeafOrNot(pub, sub, "hist.repair", 1, 100);
    if (firstLost < 0) {
      System.out.println("RegistrationRepairIT: node 1 kept sending hist.repair to node 0 for 100 messages");
      firstLost = -firstLost;
    }
    int last = firstLost + 2;
    for (int i = firstLost + 1; i <= last; i++) {
      pub.publish("hist.repair", i);
    }
    restore();
    pub.publish("hist.repair", last + 1);
    for (int i = firstLost; i <= last + 1; i++) {
      JsonObject rec = sub.next();
      assertEquals(i, rec.getInteger("body"), rec.encode());
      assertEquals(Integer.toString(i + 1), rec.getJsonObject("headers").getString("offset"), "offset of body " + i);
    }
    sub.assertNoFrame(300);
  }
}
