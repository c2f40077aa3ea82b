package io.pubsubgateway.bench.systems;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A system of {@code nodes} Java server processes on ports {@code basePort..basePort+nodes-1},
 * clustered through Hazelcast under a name unique to this run when there is more than one node.
 * Named {@code base} for one node and {@code base-N} for N nodes.
 */
abstract class JavaNodesSystem extends ProcessSystem {
  protected final int nodes;
  protected final Path jar;
  protected final List<String> jvmFlags;
  protected final int basePort;
  private final String baseName;
  private final String clusterName;

  JavaNodesSystem(String baseName, int nodes, Path jar, List<String> jvmFlags, Path workDir, int basePort) {
    super(workDir);
    if (nodes < 1) {
      throw new IllegalArgumentException("nodes must be >= 1");
    }
    this.baseName = baseName;
    this.nodes = nodes;
    this.jar = jar.toAbsolutePath();
    this.jvmFlags = List.copyOf(jvmFlags);
    this.basePort = basePort;
    this.clusterName = "bench-" + baseName + "-" + UUID.randomUUID();
  }

  @Override
  public String clusterName() {
    return nodes > 1 ? clusterName : null;
  }

  @Override
  public String name() {
    return nodes == 1 ? baseName : baseName + "-" + nodes;
  }
}
