package io.pubsubgateway.cluster;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * Node-level publish/subscribe across the cluster. The hub holds at most one subscription per
 * channel per node; the broker never sees individual connections.
 */
public interface Broker {
  /**
   * Event-bus header a stamping broker adds to each publish: the wall-clock publish time in epoch
   * microseconds, for the fan-out latency metric. The hub removes it before encoding {@code rec}.
   */
  String PUBLISHED_AT_HEADER = "pubsub-gateway.published-at-us";

  /**
   * Subscribes this node to {@code channel}. Must be called on the context that should run
   * {@code handler}. The returned consumer's {@code completion()} completes once the subscription
   * is registered in the cluster; {@code unregister()} releases it.
   */
  MessageConsumer<Object> subscribe(String channel, Handler<Message<Object>> handler);

  /** Publishes to every subscriber of {@code channel} in the cluster. Thread-safe, non-blocking. */
  void publish(String channel, Object body, JsonObject headers);

  /**
   * Sends {@code body} point to point to one consumer of {@code address} in the cluster; with
   * {@code timeoutMs > 0} waits for its reply (failing with a {@code ReplyException}: TIMEOUT,
   * NO_HANDLERS or RECIPIENT_FAILURE), else completes at once with null.
   */
  Future<Message<Object>> send(String address, Object body, JsonObject headers, long timeoutMs);

  /** The event-bus address a channel maps to. */
  String address(String channel);
}
