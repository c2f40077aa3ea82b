package io.pubsubgateway.bench.systems;

import io.pubsubgateway.bench.Dialect;

import java.util.List;

/**
 * A system the benchmark measures, run as real server processes on loopback. Implementations
 * start their processes in {@link #start()} and stop them (and only them) in {@link #close()}.
 */
public interface MeasuredSystem extends AutoCloseable {
  /** Short name used in tables and JSON, e.g. {@code gateway}, {@code gateway-3}, {@code nats}. */
  String name();

  /** Starts the server process(es) and returns once every node serves WebSockets. */
  void start() throws Exception;

  /** WebSocket URLs of the nodes, one per node (subscribers are spread over them). */
  List<String> urls();

  /** The wire protocol of this system. */
  Dialect dialect();

  /** Pids of the server processes (CPU and memory are read from /proc for these). */
  List<Long> pids();

  /** The Hazelcast cluster name of a clustered system (to count its registrations), or null. */
  default String clusterName() {
    return null;
  }

  /** Stops the server processes; idempotent. */
  @Override
  void close();
}
