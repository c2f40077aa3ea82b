package io.pubsubgateway.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * A live subscription returned by {@link GatewayClient#subscribe}. All subscriptions of one channel
 * share the client's one registration of it, so the position and recovery state below are the
 * channel's. Methods may be called from any thread; handlers run on the client's event loop, and
 * an exception they throw goes to {@link GatewayClient#exceptionHandler}.
 */
public interface Subscription {
  String channel();

  /** Stops this handler; the last handler of a channel unsubscribes the connection. */
  Future<Void> unsubscribe();

  /**
   * On a channel with history: the offset of the last message received (or, before any, of the
   * stream's last message when the subscription was acknowledged); 0 on other channels.
   */
  long offset();

  /** On a channel with history: the epoch of the stream {@link #offset()} belongs to; null on other channels. */
  String epoch();

  /**
   * Null until the channel was re-subscribed with recovery (a channel with history: the client asks
   * for what it missed since {@link #offset()}) — after a reconnect, after the gateway ended the
   * subscription with {@code insufficient_state}, or after the client saw a gap in the offsets or a
   * new epoch; then whether the last such re-subscription recovered everything: true when every
   * missed message was (or is being) delivered, in order and before later ones; false when some
   * were lost (older than the history keeps, the stream restarted with a new epoch, or the client's
   * last message is not in the stream, e.g. it came from a side of a network split whose messages
   * were discarded), in which case what the history still has is delivered and the application
   * should reload its state.
   */
  Boolean recovered();

  /**
   * Called after each re-subscription with recovery (see {@link #recovered()}), with the value
   * {@link #recovered()} then returns, before the recovered messages are delivered. Null removes it.
   */
  Subscription recoveryHandler(Handler<Boolean> handler);

  /**
   * Called with the channel's join/leave events (namespaces with {@code joinLeave: true}) that
   * arrive once it is set; this client's own join may come before the subscribe future completes.
   * Null removes it.
   */
  Subscription eventHandler(Handler<ChannelEvent> handler);
}
