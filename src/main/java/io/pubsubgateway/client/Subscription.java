package io.pubsubgateway.client;

import io.vertx.core.Future;

/** A live subscription returned by {@link GatewayClient#subscribe}. */
public interface Subscription {
  String channel();

  /** Stops this handler; the last handler of a channel unsubscribes the connection. */
  Future<Void> unsubscribe();
}
