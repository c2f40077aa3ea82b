package io.pubsubgateway.bench.systems;

import io.pubsubgateway.bench.Dialect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * pubsub-gateway itself: {@code nodes} processes of the fat jar ({@code java <jvmFlags> -jar JAR
 * --conf FILE --set http.port=P}) on ports {@code basePort..basePort+nodes-1}, one config file
 * written to the work directory: loopback, anonymous clients allowed, channels {@code bench.*} open
 * to everyone for subscribe and publish, no publish rate limit, no idle timeout, 19000 connections
 * per node, an 8 MiB slow-consumer threshold, a random HS256 secret file (the gateway refuses to
 * start without one even when only anonymous clients connect). With more than one node the nodes
 * form a Hazelcast cluster of a name unique to this run, through {@code conf/cluster.xml} (TCP-IP
 * on loopback); one node runs standalone. Nodes start one after the other, each once the previous
 * one logged {@code listening on}. The {@value #HISTORY_NAME} variant keeps history on {@code bench.*}
 * (1000 messages, 5 minutes, recovery on): each publish is first appended to the channel's
 * Hazelcast ringbuffer (an in-memory stream when standalone).
 *
 * <p>Threading: see {@link ProcessSystem}.
 */
public final class GatewaySystem extends JavaNodesSystem {
  private static final String SECRET_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";


  /** Name of the variant with history on the benchmark's channels. */
  public static final String HISTORY_NAME = "gateway-history";
  private final boolean history;

  public GatewaySystem(int nodes, Path jar, List<String> jvmFlags, Path workDir, int basePort, boolean history) {
    super(history ? HISTORY_NAME : "gateway", nodes, jar, jvmFlags, workDir, basePort);
    this.history = history;
  }

  @Override
  protected void startProcesses() throws Exception {
    requireFreePorts(IntStream.range(0, nodes).map(i -> basePort + i).toArray());
    Path conf = writeConfig();
    for (int i = 0; i < nodes; i++) {
      List<String> args = new ArrayList<>(List.of("-jar", jar.toString(), "--conf", conf.toString(),
        "--set", "http.port=" + (basePort + i)));
      launch(name() + "-node" + i, javaCommand(jvmFlags, args)).awaitLine(LISTENING, START_TIMEOUT);
    }
  }

  private Path writeConfig() throws Exception {
    Path hazelcast = Path.of(BridgeServer.HAZELCAST_CONFIG).toAbsolutePath();
    if (nodes > 1 && !Files.isReadable(hazelcast)) {
      throw new IllegalStateException(hazelcast + " not found: run the benchmark from the project folder");
    }
    Path secret = workDir.resolve(name() + "-secret");
    Files.writeString(secret, randomSecret(48));
    String yaml = """
      # written by the benchmark (GatewaySystem) for one run
      http:
        host: 127.0.0.1
        port: %d
      auth:
        allowAnonymous: true
        jwt:
          secretFile: "%s"
      limits:
        publishPerSecond: 0
        maxConnections: 19000
        idleTimeoutSeconds: 0
        outboundQueueBytes: 8388608
      cluster:
        enabled: %s
        name: "%s"
        hazelcastConfig: "%s"
      channels:
        - pattern: "bench.*"
          subscribe: all
          publish: all
      """.formatted(basePort, secret, nodes > 1, nodes > 1 ? clusterName() : "standalone", hazelcast)
      + (history ? "    history: {size: 1000, ttl: 5m}\n    recovery: true\n" : "");
    Path conf = workDir.resolve(name() + ".yaml");
    Files.writeString(conf, yaml);
    return conf;
  }

  static String randomSecret(int length) {
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(SECRET_CHARS.charAt(random.nextInt(SECRET_CHARS.length())));
    }
    return sb.toString();
  }

  @Override
  public List<String> urls() {
    return IntStream.range(0, nodes).mapToObj(i -> "ws://127.0.0.1:" + (basePort + i) + "/ws").toList();
  }

  @Override
  public Dialect dialect() {
    return Dialect.BRIDGE_JSON;
  }
}
