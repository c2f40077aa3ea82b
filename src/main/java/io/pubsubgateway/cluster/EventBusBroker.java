package io.pubsubgateway.cluster;

import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * {@link Broker} on the Vert.x event bus: clustered (Hazelcast) when the node is clustered, local
 * otherwise. A channel maps to the address {@code cluster.addressPrefix + channel}, so any Vert.x
 * verticle in the cluster can publish to subscribers and consume client publishes.
 */
public final class EventBusBroker implements Broker {
  private final EventBus eventBus;
  private final String prefix;
  private final boolean stamp;

  /** With {@code stamp}, each publish carries {@link Broker#PUBLISHED_AT_HEADER}. */
  public EventBusBroker(EventBus eventBus, String addressPrefix, boolean stamp) {
    this.eventBus = eventBus;
    this.prefix = addressPrefix;
    this.stamp = stamp;
  }

  @Override
  public MessageConsumer<Object> subscribe(String channel, Handler<Message<Object>> handler) {
    return eventBus.consumer(address(channel), handler);
  }

  @Override
  public void publish(String channel, Object body, JsonObject headers) {
    boolean noHeaders = headers == null || headers.isEmpty();
    if (noHeaders && !stamp) {
      eventBus.publish(address(channel), body);
      return;
    }
    DeliveryOptions options = options(headers);
    if (stamp) {
      options.addHeader(PUBLISHED_AT_HEADER, Long.toString(GatewayMetrics.nowMicros()));
    }
    eventBus.publish(address(channel), body, options);
  }

  @Override
  public Future<Message<Object>> send(String channel, Object body, JsonObject headers, long timeoutMs) {
    DeliveryOptions options = options(headers);
    if (timeoutMs <= 0) {
      eventBus.send(address(channel), body, options);
      return Future.succeededFuture();
    }
    return eventBus.request(address(channel), body, options.setSendTimeout(timeoutMs));
  }

  /** Delivery options carrying {@code headers} as strings; the publish stamp is never taken from a caller. */
  private static DeliveryOptions options(JsonObject headers) {
    DeliveryOptions options = new DeliveryOptions();
    if (headers != null) {
      for (Map.Entry<String, Object> e : headers) {
        if (!e.getKey().equals(PUBLISHED_AT_HEADER)) {
          options.addHeader(e.getKey(), String.valueOf(e.getValue()));
        }
      }
    }
    return options;
  }

  @Override
  public String address(String channel) {
    return prefix.isEmpty() ? channel : prefix + channel;
  }
}
