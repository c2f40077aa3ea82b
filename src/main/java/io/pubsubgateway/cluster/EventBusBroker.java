package io.pubsubgateway.cluster;

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

  public EventBusBroker(EventBus eventBus, String addressPrefix) {
    this.eventBus = eventBus;
    this.prefix = addressPrefix;
  }

  @Override
  public MessageConsumer<Object> subscribe(String channel, Handler<Message<Object>> handler) {
    return eventBus.consumer(address(channel), handler);
  }

  @Override
  public void publish(String channel, Object body, JsonObject headers) {
    if (headers == null || headers.isEmpty()) {
      eventBus.publish(address(channel), body);
      return;
    }
    DeliveryOptions options = new DeliveryOptions();
    for (Map.Entry<String, Object> e : headers) {
      options.addHeader(e.getKey(), String.valueOf(e.getValue()));
    }
    eventBus.publish(address(channel), body, options);
  }

  @Override
  public String address(String channel) {
    return prefix.isEmpty() ? channel : prefix + channel;
  }
}
