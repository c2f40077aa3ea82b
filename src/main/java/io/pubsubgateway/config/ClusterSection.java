package io.pubsubgateway.config;

import java.nio.file.Files;
import java.nio.file.Path;

/** The {@code cluster.*} keys: the Hazelcast config (readable when clustered), the event bus, the quorum. */
final class ClusterSection {
  private ClusterSection() {
  }

  static ClusterConfig parse(ConfigValues v) {
    boolean clustered = v.bool("cluster.enabled");
    String hzConfig = v.required("cluster.hazelcastConfig");
    if (clustered && !Files.isReadable(Path.of(hzConfig))) {
      throw new ConfigException("cluster.hazelcastConfig: cannot read " + hzConfig);
    }
    String prefix = v.str("cluster.addressPrefix");
    ClusterConfig cluster = new ClusterConfig(clustered, hzConfig, v.required("cluster.host"),
      v.integer("cluster.port"), v.str("cluster.name"), prefix == null ? "" : prefix,
      v.integer("cluster.minMembers"));
    if (!clustered && cluster.minMembers() > 1) {
      throw new ConfigException("cluster.minMembers: must be 1 when cluster.enabled is false (a standalone node is "
        + "its own quorum), got " + cluster.minMembers());
    }
    return cluster;
  }
}
