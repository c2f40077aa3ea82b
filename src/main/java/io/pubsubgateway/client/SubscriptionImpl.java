package io.pubsubgateway.client;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;

import java.util.function.Function;

/** One {@link Subscription}: its handlers; position and recovery state are its channel's. */
final class SubscriptionImpl implements Subscription {
  private final ChannelState state;
  private final Function<SubscriptionImpl, Future<Void>> unsubscriber;
  final Handler<GatewayMessage> handler;
  final Promise<Subscription> ready = Promise.promise();
  volatile Handler<Boolean> recoveryHandler;
  volatile Handler<ChannelEvent> eventHandler;

  SubscriptionImpl(ChannelState state, Handler<GatewayMessage> handler,
                   Function<SubscriptionImpl, Future<Void>> unsubscriber) {
    this.state = state;
    this.handler = handler;
    this.unsubscriber = unsubscriber;
  }

  @Override
  public String channel() {
    return state.channel;
  }

  @Override
  public Future<Void> unsubscribe() {
    return unsubscriber.apply(this);
  }

  @Override
  public long offset() {
    return state.offset();
  }

  @Override
  public String epoch() {
    return state.epoch();
  }

  @Override
  public Boolean recovered() {
    return state.recovered();
  }

  @Override
  public Subscription recoveryHandler(Handler<Boolean> handler) {
    this.recoveryHandler = handler;
    return this;
  }

  @Override
  public Subscription eventHandler(Handler<ChannelEvent> handler) {
    this.eventHandler = handler;
    return this;
  }
}
