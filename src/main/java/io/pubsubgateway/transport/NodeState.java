package io.pubsubgateway.transport;

import io.pubsubgateway.hub.LocalHub;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Node-wide state shared by the server verticle instances. Thread-safe. */
public final class NodeState {
  private final AtomicInteger connections = new AtomicInteger();
  private final int maxConnections;
  private final List<ServerLoop> loops = new CopyOnWriteArrayList<>();
  private volatile boolean shuttingDown;

  /** One server verticle instance: its hub and sessions. */
  interface ServerLoop {
    LocalHub hub();

    /** Closes every session of this loop with 1001; completes when they are closed. */
    io.vertx.core.Future<Void> closeAll();
  }

  public NodeState(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** Reserves a connection slot; false when the node is full. */
  boolean tryReserve() {
    while (true) {
      int n = connections.get();
      if (n >= maxConnections) {
        return false;
      }
      if (connections.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    connections.decrementAndGet();
  }

  /** Open WebSocket connections on this node. */
  public int connections() {
    return connections.get();
  }

  public boolean shuttingDown() {
    return shuttingDown;
  }

  void register(ServerLoop loop) {
    loops.add(loop);
  }

  void unregister(ServerLoop loop) {
    loops.remove(loop);
  }

  /** Stops accepting connections and closes every open one with 1001 (going away). */
  public io.vertx.core.Future<Void> beginShutdown() {
    shuttingDown = true;
    List<io.vertx.core.Future<Void>> closing = new java.util.ArrayList<>();
    for (ServerLoop loop : loops) {
      closing.add(loop.closeAll());
    }
    return io.vertx.core.Future.join(closing).mapEmpty();
  }
}
