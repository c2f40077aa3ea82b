package io.pubsubgateway.api;

import io.pubsubgateway.protocol.CloseCode;
import io.vertx.core.Future;

/**
 * What the health checks and the node commands read of their node's state, and the one command
 * they give it ({@link #disconnect}). Implemented by the node's state; thread-safe.
 */
public interface NodeStatus {
  /** Started, not shutting down, and not isolated from its cluster's majority: the readiness check. */
  boolean ready();

  boolean shuttingDown();

  /** Why the node is isolated from the majority of its cluster, or null when it is not. */
  String isolated();

  /** Open client connections on this node. */
  int connections();

  /** Closes every connection of {@code user} on this node with {@code code}; completes with their number. */
  Future<Integer> disconnect(String user, CloseCode code);
}
