package io.pubsubgateway.bench.systems;

import io.pubsubgateway.bench.BenchClasspath;
import io.pubsubgateway.bench.Dialect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * vertx-web's SockJS event-bus bridge: {@code nodes} {@link BridgeServer} processes
 * ({@code java <jvmFlags> [--add-opens...] -cp JAR io.pubsubgateway.bench.systems.BridgeServer
 * 127.0.0.1 PORT CLUSTER}) on ports {@code basePort..basePort+nodes-1}, clustered through
 * {@code conf/cluster.xml} under a cluster name unique to this run when {@code nodes > 1},
 * standalone otherwise. URL {@code ws://127.0.0.1:PORT/eventbus/websocket} (the bridge's raw
 * WebSocket transport). Nodes start one after the other.
 *
 * <p>The JVM gets the {@code --add-opens}/{@code --add-exports} that the gateway's jar manifest
 * grants Hazelcast (a manifest only applies with {@code -jar}), so both run Hazelcast alike.
 *
 * <p>Threading: see {@link ProcessSystem}.
 */
public final class BridgeSystem extends JavaNodesSystem {
  /** The gateway jar manifest's Add-Opens/Add-Exports, as command-line flags. */
  static final List<String> HAZELCAST_MODULE_FLAGS = List.of(
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED");


  public BridgeSystem(int nodes, Path jar, List<String> jvmFlags, Path workDir, int basePort) {
    super("bridge", nodes, jar, jvmFlags, workDir, basePort);
  }

  @Override
  protected void startProcesses() throws Exception {
    if (nodes > 1 && !Files.isReadable(Path.of(BridgeServer.HAZELCAST_CONFIG))) {
      throw new IllegalStateException(Path.of(BridgeServer.HAZELCAST_CONFIG).toAbsolutePath()
        + " not found: run the benchmark from the project folder");
    }
    requireFreePorts(IntStream.range(0, nodes).map(i -> basePort + i).toArray());
    String cluster = nodes > 1 ? clusterName() : "-";
    for (int i = 0; i < nodes; i++) {
      List<String> args = new ArrayList<>(HAZELCAST_MODULE_FLAGS);
      args.addAll(List.of("-cp", BenchClasspath.of(jar), BridgeServer.class.getName(),
        "127.0.0.1", Integer.toString(basePort + i), cluster));
      launch(name() + "-node" + i, javaCommand(jvmFlags, args)).awaitLine(LISTENING, START_TIMEOUT);
    }
  }

  @Override
  public List<String> urls() {
    return IntStream.range(0, nodes).mapToObj(i -> "ws://127.0.0.1:" + (basePort + i) + "/eventbus/websocket").toList();
  }

  @Override
  public Dialect dialect() {
    return Dialect.BRIDGE_JSON;
  }
}
