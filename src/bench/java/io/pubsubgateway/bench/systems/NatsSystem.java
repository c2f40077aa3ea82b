package io.pubsubgateway.bench.systems;

import io.pubsubgateway.bench.Dialect;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * NATS as the reference broker: one {@code nats-server} process (the Debian package, installed
 * by {@code scripts/bench.sh setup}) with its WebSocket listener on {@code basePort} (URL
 * {@code ws://127.0.0.1:PORT/}, NATS text protocol) and its native client port on
 * {@code basePort + 100}, both on loopback. nats-server prints no {@code listening on} line of ours,
 * so start waits until the WebSocket port accepts TCP connections.
 *
 * <p>Threading: see {@link ProcessSystem}.
 */
public final class NatsSystem extends ProcessSystem {
  private final int basePort;

  public NatsSystem(Path workDir, int basePort) {
    super(workDir);
    this.basePort = basePort;
  }

  @Override
  public String name() {
    return "nats";
  }

  /** The nats-server binary: on PATH, else /usr/sbin or /usr/bin; empty when not installed. */
  public static java.util.Optional<Path> findServer() {
    Stream<Path> onPath = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
      .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "nats-server"));
    return Stream.concat(onPath, Stream.of(Path.of("/usr/sbin/nats-server"), Path.of("/usr/bin/nats-server")))
      .filter(Files::isExecutable).findFirst();
  }

  @Override
  protected void startProcesses() throws Exception {
    Path server = findServer().orElseThrow(() ->
      new IllegalStateException("nats-server not installed: run scripts/bench.sh setup"));
    requireFreePorts(basePort, basePort + 100);
    // max_payload and max_pending are nats-server's documented defaults (1 MB per message, 64 MB
    // unsent per connection before it is cut as a slow consumer), written out so the run records
    // them: the benchmark's messages are far below 1 MB, and 64 MB is already more lenient than the
    // gateway's 8 MiB outbound limit, so nothing needs raising for throughput. The other settings
    // (write_deadline 10 s, ping_interval 2 m, max_connections 64K, no WebSocket compression) are
    // left at their defaults. No monitoring port, no TLS (loopback only).
    String conf = """
      # written by the benchmark (NatsSystem) for one run
      listen: 127.0.0.1:%d
      websocket {
        host: 127.0.0.1
        port: %d
        no_tls: true
      }
      max_payload: 1MB
      max_pending: 64MB
      """.formatted(basePort + 100, basePort);
    Path file = workDir.resolve("nats.conf");
    Files.writeString(file, conf);
    ServerProcess nats = launch(name(), List.of(server.toString(), "-c", file.toString()));
    nats.awaitPort("127.0.0.1", basePort, START_TIMEOUT);
    nats.awaitPort("127.0.0.1", basePort + 100, START_TIMEOUT);
  }

  @Override
  public List<String> urls() {
    return List.of("ws://127.0.0.1:" + basePort + "/");
  }

  @Override
  public Dialect dialect() {
    return Dialect.NATS;
  }
}
