package io.pubsubgateway.config;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.pubsubgateway.config.ConfigSchema.CLUSTER_ADDRESS_PREFIX;
import static io.pubsubgateway.config.ConfigSchema.CLUSTER_ENABLED;
import static io.pubsubgateway.config.ConfigSchema.CLUSTER_GAP_WAIT_MS;
import static io.pubsubgateway.config.ConfigSchema.CLUSTER_HAZELCAST_CONFIG;
import static io.pubsubgateway.config.ConfigSchema.CLUSTER_HOST;
import static io.pubsubgateway.config.ConfigSchema.CLUSTER_MIN_MEMBERS;
import static io.pubsubgateway.config.ConfigSchema.CLUSTER_NAME;
import static io.pubsubgateway.config.ConfigSchema.CLUSTER_PORT;

/** The {@code cluster.*} keys: the Hazelcast config (readable when clustered), the event bus, the quorum. */
final class ClusterSection {
  private ClusterSection() {
  }

  static ClusterConfig parse(ConfigValues v) {
    boolean clustered = v.get(CLUSTER_ENABLED);
    String hzConfig = v.required(CLUSTER_HAZELCAST_CONFIG);
    if (clustered && !Files.isReadable(Path.of(hzConfig))) {
      throw CLUSTER_HAZELCAST_CONFIG.invalid("cannot read " + hzConfig);
    }
    String prefix = v.get(CLUSTER_ADDRESS_PREFIX);
    ClusterConfig cluster = new ClusterConfig(clustered, hzConfig, v.required(CLUSTER_HOST),
      v.get(CLUSTER_PORT), v.get(CLUSTER_NAME), prefix == null ? "" : prefix,
      v.get(CLUSTER_MIN_MEMBERS), v.get(CLUSTER_GAP_WAIT_MS));
    if (!clustered && cluster.minMembers() > 1) {
      throw CLUSTER_MIN_MEMBERS.invalid("must be 1 when cluster.enabled is false (a standalone node is "
        + "its own quorum), got " + cluster.minMembers());
    }
    return cluster;
  }
}
