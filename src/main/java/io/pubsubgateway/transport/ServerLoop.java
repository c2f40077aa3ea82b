package io.pubsubgateway.transport;

import io.pubsubgateway.protocol.CloseCode;
import io.vertx.core.Future;

/**
 * One server verticle instance and its sessions, as the node sees it: what it closes when it shuts
 * down, loses its quorum, or an operator disconnects a user. Callable from any thread; the work runs
 * on the loop's event loop.
 */
public interface ServerLoop {
  /** Closes every session of this loop with {@code code}; completes when they are closed. */
  Future<Void> closeAll(CloseCode code);

  /** Closes the sessions of {@code user} on this loop with {@code code}; completes with their number. */
  Future<Integer> disconnect(String user, CloseCode code);
}
