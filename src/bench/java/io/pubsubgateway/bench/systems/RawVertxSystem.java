package io.pubsubgateway.bench.systems;

import io.pubsubgateway.bench.BenchClasspath;
import io.pubsubgateway.bench.Dialect;

import java.nio.file.Path;
import java.util.List;

/**
 * The plain Vert.x baseline: one {@link RawBroadcastServer} process
 * ({@code java <jvmFlags> -cp JAR io.pubsubgateway.bench.systems.RawBroadcastServer 127.0.0.1 PORT})
 * on {@code basePort}, URL {@code ws://127.0.0.1:PORT/}.
 *
 * <p>Threading: see {@link ProcessSystem}.
 */
public final class RawVertxSystem extends ProcessSystem {
  private final Path jar;
  private final List<String> jvmFlags;
  private final int port;

  public RawVertxSystem(Path jar, List<String> jvmFlags, Path workDir, int basePort) {
    super(workDir);
    this.jar = jar.toAbsolutePath();
    this.jvmFlags = List.copyOf(jvmFlags);
    this.port = basePort;
  }

  @Override
  public String name() {
    return "raw-vertx";
  }

  @Override
  protected void startProcesses() throws Exception {
    requireFreePorts(port);
    launch(name(), javaCommand(jvmFlags, List.of("-cp", BenchClasspath.of(jar), RawBroadcastServer.class.getName(),
      "127.0.0.1", Integer.toString(port)))).awaitLine(LISTENING, START_TIMEOUT);
  }

  @Override
  public List<String> urls() {
    return List.of("ws://127.0.0.1:" + port + "/");
  }

  @Override
  public Dialect dialect() {
    return Dialect.BRIDGE_JSON;
  }
}
