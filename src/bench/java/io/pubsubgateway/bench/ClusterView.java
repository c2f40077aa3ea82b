package io.pubsubgateway.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's window into a system's Vert.x cluster: joins it as a Hazelcast lite member (no
 * data, no partitions: it does not change what it measures) with conf/cluster.xml and the system's
 * cluster name, and counts event-bus registrations of an address.
 */
final class ClusterView implements AutoCloseable {
  private final Vertx vertx;
  private final ClusterManager manager;

  private ClusterView(Vertx vertx, ClusterManager manager) {
    this.vertx = vertx;
    this.manager = manager;
  }

  static ClusterView join(String clusterName) throws Exception {
    System.setProperty("hazelcast.phone.home.enabled", "false");
    System.setProperty("hazelcast.logging.type", "slf4j");
    Config config = new FileSystemXmlConfig("conf/cluster.xml");
    config.setClusterName(clusterName);
    config.setLiteMember(true);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    HazelcastClusterManager manager = new HazelcastClusterManager(config);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1");
    Vertx vertx = Vertx.builder().with(options).withClusterManager(manager).buildClustered()
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return new ClusterView(vertx, manager);
  }

  /** Event-bus registrations of {@code address} across the cluster. */
  int registrations(String address) throws Exception {
    Promise<List<RegistrationInfo>> p = Promise.promise();
    manager.getRegistrations(address, p);
    return p.future().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).size();
  }

  @Override
  public void close() {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // leaving is best effort: the system is stopped next anyway
    }
  }
}
