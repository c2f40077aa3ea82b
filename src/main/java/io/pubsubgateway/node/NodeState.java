package io.pubsubgateway.node;

import io.pubsubgateway.api.NodeStatus;
import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.transport.ConnectionGate;
import io.pubsubgateway.transport.ServerLoop;
import io.pubsubgateway.transport.UserConnections;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Node-wide state shared by the server verticle instances, the health checks and the node
 * commands: connection slots, the server loops, and whether the node is started, stopping or
 * isolated from its cluster's majority. The server verticles see it as their
 * {@link ConnectionGate}, the HTTP side as its {@link NodeStatus}. Thread-safe.
 */
public final class NodeState implements ConnectionGate, NodeStatus {
  private final AtomicInteger connections = new AtomicInteger();
  private final int maxConnections;
  private final UserConnections users;
  private final List<ServerLoop> loops = new CopyOnWriteArrayList<>();
  private volatile boolean shuttingDown;
  private volatile boolean started;
  /** Why the node is isolated from its cluster's majority (no quorum), or null. */
  private volatile String isolated;

  public NodeState(int maxConnections) {
    this(maxConnections, 0);
  }

  /** @param maxConnectionsPerUser {@code limits.maxConnectionsPerUser}, 0 = unlimited */
  public NodeState(int maxConnections, int maxConnectionsPerUser) {
    this.maxConnections = maxConnections;
    this.users = new UserConnections(maxConnectionsPerUser);
  }

  @Override
  public boolean tryReserve() {
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

  @Override
  public void release() {
    connections.decrementAndGet();
  }

  @Override
  public boolean tryReserveUser(String user) {
    return users.tryAcquire(user);
  }

  @Override
  public void releaseUser(String user) {
    users.release(user);
  }

  @Override
  public boolean userAtLimit(String user) {
    return users.atLimit(user);
  }

  /** Open WebSocket connections on this node. */
  @Override
  public int connections() {
    return connections.get();
  }

  @Override
  public boolean shuttingDown() {
    return shuttingDown;
  }

  /** Marks the node as fully started: every server instance listens and the node joined its cluster. */
  public void markStarted() {
    started = true;
  }

  /** Started, not shutting down, and not isolated from its cluster's majority: the readiness check. */
  @Override
  public boolean ready() {
    return started && !shuttingDown && isolated == null;
  }

  /** Why the node is isolated from the majority of its cluster, or null when it is not. */
  @Override
  public String isolated() {
    return isolated;
  }

  /**
   * The node lost its cluster's quorum: it is no longer ready, refuses new connections (503), and
   * closes every connection with 4005 so the clients reconnect to a node of the majority.
   */
  public Future<Void> isolate(String reason) {
    isolated = reason;
    return closeAll(CloseCode.QUORUM_LOST);
  }

  /** The quorum is back: the node serves again. */
  public void rejoin() {
    isolated = null;
  }

  @Override
  public void register(ServerLoop loop) {
    loops.add(loop);
  }

  @Override
  public void unregister(ServerLoop loop) {
    loops.remove(loop);
  }

  /** Closes every connection of {@code user} on this node with {@code code}; completes with their number. */
  @Override
  public Future<Integer> disconnect(String user, CloseCode code) {
    List<Future<Integer>> closing = new ArrayList<>();
    for (ServerLoop loop : loops) {
      closing.add(loop.disconnect(user, code));
    }
    return Future.all(closing).map(all -> closing.stream().mapToInt(Future::result).sum());
  }

  /** Stops accepting connections and closes every open one with 1001 (going away). */
  public Future<Void> beginShutdown() {
    shuttingDown = true;
    return closeAll(CloseCode.GOING_AWAY);
  }

  private Future<Void> closeAll(CloseCode code) {
    List<Future<Void>> closing = new ArrayList<>();
    for (ServerLoop loop : loops) {
      closing.add(loop.closeAll(code));
    }
    return Future.join(closing).mapEmpty();
  }
}
