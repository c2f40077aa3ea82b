package io.pubsubgateway.testing;

import io.pubsubgateway.node.GatewayNode;
import io.vertx.core.Promise;
import io.vertx.core.spi.cluster.RegistrationInfo;

import java.util.List;

/** Counts event-bus registrations through the cluster manager. */
public final class Registrations {
  private Registrations() {
  }

  /** Registrations of {@code address} in the cluster, as {@code node} sees them. */
  public static int count(GatewayNode node, String address) {
    Promise<List<RegistrationInfo>> p = Promise.promise();
    node.clusterManager().getRegistrations(address, p);
    return Await.result(p.future()).size();
  }

  /** Waits until every node sees {@code expected} registrations of {@code address}. */
  public static void await(List<GatewayNode> nodes, String address, int expected) {
    for (GatewayNode node : nodes) {
      Await.until(expected + " registrations of " + address, () -> count(node, address) == expected);
    }
  }
}
