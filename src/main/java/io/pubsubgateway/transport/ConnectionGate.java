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

  /**
   * Counts a connection of {@code user} under {@code limits.maxConnectionsPerUser} on this node;
   * false when the user is at the limit (the handshake gets 429). Anonymous connections always pass,
   * uncounted. See {@link UserConnections}.
   */
  boolean tryReserveUser(String user);

  /** Releases what {@link #tryReserveUser} counted, once its connection closed or its upgrade failed. */
  void releaseUser(String user);

  /** True when {@code user} is at {@code limits.maxConnectionsPerUser} on this node (a check, not a reservation). */
  boolean userAtLimit(String user);

  /** A server instance listens: the node closes its sessions on stop or isolation from now on. */
  void register(ServerLoop loop);

  /** A server instance stopped. */
  void unregister(ServerLoop loop);
}
