package io.pubsubgateway.bench.systems;

import java.nio.file.Path;
import java.util.List;

/**
 * Creates the systems under test by name: {@code gateway}, {@code gateway-3}, {@code raw-vertx},
 * {@code bridge}, {@code bridge-3}, {@code nats} ({@code gateway-N} and {@code bridge-N} work for
 * any N &ge; 2), and {@code gateway-history} / {@code gateway-history-N}: the gateway with history
 * kept on the benchmark's channels, to measure what history costs per message. Every Java server gets the same {@code jvmFlags}; node i of a system listens on
 * {@code basePort + i}. Stateless and thread-safe.
 */
public final class Systems {
  /** The systems a full comparison runs, as listed in {@code --help}; {@link #names()} must match it. */
  public static final String LISTED = "gateway, gateway-3, raw-vertx, bridge, bridge-3, nats";
  private static final List<String> NAMES = List.of(LISTED.split(", "));

  private Systems() {
  }

  /** The names {@link #create} knows, in the order a full comparison runs them. */
  public static List<String> names() {
    return NAMES;
  }

  /** A new, not yet started system; {@link IllegalArgumentException} for an unknown name. */
  public static MeasuredSystem create(String name, Path jar, List<String> jvmFlags, Path workDir, int basePort) {
    switch (name) {
      case "raw-vertx":
        return new RawVertxSystem(jar, jvmFlags, workDir, basePort);
      case "nats":
        return new NatsSystem(workDir, basePort);
      default:
        break;
    }
    boolean history = name.startsWith(GatewaySystem.HISTORY_NAME);
    String plain = history ? "gateway" + name.substring(GatewaySystem.HISTORY_NAME.length()) : name;
    String base = plain.contains("-") ? plain.substring(0, plain.lastIndexOf('-')) : plain;
    int nodes = plain.contains("-") ? nodeCount(name, plain.substring(plain.lastIndexOf('-') + 1)) : 1;
    return switch (base) {
      case "gateway" -> new GatewaySystem(nodes, jar, jvmFlags, workDir, basePort, history);
      case "bridge" -> new BridgeSystem(nodes, jar, jvmFlags, workDir, basePort);
      default -> throw unknown(name);
    };
  }

  private static int nodeCount(String name, String suffix) {
    try {
      int n = Integer.parseInt(suffix);
      if (n >= 2) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // below
    }
    throw unknown(name);
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException("unknown system '" + name + "': one of " + String.join(", ", NAMES)
      + " (gateway-N / bridge-N for N >= 2 nodes; gateway-history, gateway-history-N)");
  }
}
