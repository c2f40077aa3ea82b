package io.pubsubgateway.events;

import io.vertx.core.eventbus.EventBus;

import java.util.function.Consumer;

/**
 * Publishes each event as a JSON object to {@code events.address} on the (clustered) event bus:
 * every consumer of that address on every node gets it. Fire and forget, like any event-bus
 * publish: a consumer that is not registered when the event is published does not get it.
 *
 * <p>Threading: any thread.
 */
public final class EventBusPublisher implements Consumer<GatewayEvent> {
  private final EventBus bus;
  private final String address;

  public EventBusPublisher(EventBus bus, String address) {
    this.bus = bus;
    this.address = address;
  }

  @Override
  public void accept(GatewayEvent event) {
    bus.publish(address, event.toJson());
  }
}
