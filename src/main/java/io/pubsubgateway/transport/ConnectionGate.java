package io.pubsubgateway.transport;

/**
 * What the server verticles need of their node: whether it takes new connections at all, a slot
 * per connection under {@code limits.maxConnections}, and the registry of loops the node closes
 * when it stops or loses its quorum. Implemented by the node's state; thread-safe.
 */
public interface ConnectionGate {
  /** True once the node began its graceful stop: new connections are refused with 503. */
  boolean shuttingDown();

  /** Why the node is isolated from its cluster's majority (new connections refused with 503), or null. */
  String isolated();

  /** Reserves a connection slot; false when the node is full. */
  boolean tryReserve();

  /** Frees a slot {@link #tryReserve} gave, once its connection closed or its upgrade failed. */
  void release();

  /** A server instance listens: the node closes its sessions on stop or isolation from now on. */
  void register(ServerLoop loop);

  /** A server instance stopped. */
  void unregister(ServerLoop loop);
}
