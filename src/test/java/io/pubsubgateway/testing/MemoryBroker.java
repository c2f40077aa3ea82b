package io.pubsubgateway.testing;

import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.cluster.EventBusBroker;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Broker} for unit tests: the {@link EventBusBroker} on a local (non-clustered) event bus,
 * so publish, headers, the {@link Broker#PUBLISHED_AT_HEADER} stamp and {@code send} behave as in the
 * product, with every subscription counted per channel, so a test can assert "one broker
 * subscription per channel per node" and "none left behind".
 *
 * <p>A subscription is live from {@link #subscribe} until the first {@code unregister()} of its
 * consumer (as with the real event bus, a consumer whose registration failed stays registered until
 * it is unregistered). With {@link #holdRegistrations}, the {@code completion()} of new subscriptions
 * waits until the test completes or fails it through {@link Registration}: what a slow or failing
 * cluster registration looks like to the hub. Unregistering a held subscription fails its completion,
 * as Vert.x does ("Consumer unregistered before registration completed").
 *
 * <p>Contract checks: {@code subscribe} must be called on a Vert.x context (the one that will run
 * the handler), else it throws {@link IllegalStateException}.
 *
 * <p>{@link #inHandler()} tells a subscriber whether it is being called from within a subscription's
 * handler (synchronously, not from a task queued by it).
 *
 * <p>Thread-safe: the counters may be read from the test thread while the hub works on its loop.
 */
public final class MemoryBroker implements Broker {
  private static final ThreadLocal<Boolean> HANDLING = ThreadLocal.withInitial(() -> false);
  private final Vertx vertx;
  private final EventBusBroker delegate;
  private final Map<String, List<Registration>> registrations = new HashMap<>();
  private final Map<String, Integer> peaks = new HashMap<>();
  private boolean hold;

  /** Without the publish stamp. */
  public MemoryBroker(Vertx vertx) {
    this(vertx, false);
  }

  /** With {@code stamp}, each publish carries {@link Broker#PUBLISHED_AT_HEADER}, as with metrics enabled. */
  public MemoryBroker(Vertx vertx, boolean stamp) {
    this.vertx = vertx;
    this.delegate = new EventBusBroker(vertx.eventBus(), "", stamp);
  }

  /** With {@code hold}, the registrations of later subscriptions complete only when the test says so. */
  public synchronized MemoryBroker holdRegistrations(boolean hold) {
    this.hold = hold;
    return this;
  }

  /** One subscription made through this broker. */
  public final class Registration {
    private final String channel;
    private final Context context;
    private final Promise<Void> gate;
    private MessageConsumer<Object> consumer;
    private boolean released;
    private int delivered;

    private Registration(String channel, Context context, Promise<Void> gate) {
      this.channel = channel;
      this.context = context;
      this.gate = gate;
    }

    public String channel() {
      return channel;
    }

    /** The context {@code subscribe} was called on: the one that runs the handler. */
    public Context context() {
      return context;
    }

    /** Whether its consumer was unregistered. */
    public boolean released() {
      synchronized (MemoryBroker.this) {
        return released;
      }
    }

    /** Messages the broker handed to this subscription's handler. */
    public int delivered() {
      synchronized (MemoryBroker.this) {
        return delivered;
      }
    }

    /** Completes a held registration (on its context, as Vert.x does). */
    public void complete() {
      requireHeld();
      context.runOnContext(v -> gate.tryComplete());
    }

    /** Fails a held registration (on its context, as Vert.x does); the consumer stays registered. */
    public void fail(Throwable cause) {
      requireHeld();
      context.runOnContext(v -> gate.tryFail(cause));
    }

    private void requireHeld() {
      if (gate == null) {
        throw new IllegalStateException("the registration of " + channel + " was not held");
      }
    }
  }

  @Override
  public MessageConsumer<Object> subscribe(String channel, Handler<Message<Object>> handler) {
    Context context = Vertx.currentContext();
    if (context == null || context.owner() != vertx) {
      throw new IllegalStateException("Broker.subscribe(" + channel + ") called off a Vert.x context of this broker");
    }
    Registration registration;
    synchronized (this) {
      registration = new Registration(channel, context, hold ? Promise.promise() : null);
      List<Registration> list = registrations.computeIfAbsent(channel, c -> new ArrayList<>());
      list.add(registration);
      peaks.merge(channel, live(list), Math::max);
    }
    MessageConsumer<Object> consumer = delegate.subscribe(channel, msg -> {
      synchronized (MemoryBroker.this) {
        registration.delivered++;
      }
      boolean outer = HANDLING.get();
      HANDLING.set(true);
      try {
        handler.handle(msg);
      } finally {
        HANDLING.set(outer);
      }
    });
    registration.consumer = new Counted(registration, consumer);
    return registration.consumer;
  }

  @Override
  public void publish(String channel, Object body, JsonObject headers) {
    delegate.publish(channel, body, headers);
  }

  @Override
  public Future<Message<Object>> send(String address, Object body, JsonObject headers, long timeoutMs) {
    return delegate.send(address, body, headers, timeoutMs);
  }

  @Override
  public String address(String channel) {
    return delegate.address(channel);
  }

  /** Whether the calling thread is inside the handler of a subscription made through a MemoryBroker. */
  public static boolean inHandler() {
    return HANDLING.get();
  }

  /** Live (not yet unregistered) subscriptions of {@code channel}. */
  public synchronized int subscriptions(String channel) {
    List<Registration> list = registrations.get(channel);
    return list == null ? 0 : live(list);
  }

  /** Live subscriptions over all channels. */
  public synchronized int subscriptions() {
    return registrations.values().stream().mapToInt(MemoryBroker::live).sum();
  }

  /** How many times {@code subscribe} was called for {@code channel}. */
  public synchronized int subscribeCalls(String channel) {
    List<Registration> list = registrations.get(channel);
    return list == null ? 0 : list.size();
  }

  /** The most live subscriptions {@code channel} ever had at once. */
  public synchronized int peakSubscriptions(String channel) {
    return peaks.getOrDefault(channel, 0);
  }

  /** The subscriptions of {@code channel} in the order they were made. */
  public synchronized List<Registration> registrations(String channel) {
    return List.copyOf(registrations.getOrDefault(channel, List.of()));
  }

  /** The last subscription made for {@code channel}. */
  public synchronized Registration last(String channel) {
    List<Registration> list = registrations.get(channel);
    if (list == null || list.isEmpty()) {
      throw new IllegalStateException("no subscription of " + channel);
    }
    return list.get(list.size() - 1);
  }

  private static int live(List<Registration> list) {
    int n = 0;
    for (Registration r : list) {
      if (!r.released) {
        n++;
      }
    }
    return n;
  }

  /** The event-bus consumer, counting its release; completion held when the broker holds registrations. */
  private final class Counted implements MessageConsumer<Object> {
    private final Registration registration;
    private final MessageConsumer<Object> consumer;
    private final Future<Void> completion;

    Counted(Registration registration, MessageConsumer<Object> consumer) {
      this.registration = registration;
      this.consumer = consumer;
      this.completion = registration.gate == null ? consumer.completion()
        : consumer.completion().compose(v -> registration.gate.future());
    }

    @Override
    public Future<Void> completion() {
      return completion;
    }

    @Override
    public Future<Void> unregister() {
      synchronized (MemoryBroker.this) {
        registration.released = true;
      }
      if (registration.gate != null) {
        registration.context.runOnContext(v ->
          registration.gate.tryFail("Consumer unregistered before registration completed"));
      }
      return consumer.unregister();
    }

    @Override
    public boolean isRegistered() {
      return consumer.isRegistered();
    }

    @Override
    public String address() {
      return consumer.address();
    }

    @Override
    public MessageConsumer<Object> exceptionHandler(Handler<Throwable> handler) {
      consumer.exceptionHandler(handler);
      return this;
    }

    @Override
    public MessageConsumer<Object> handler(Handler<Message<Object>> handler) {
      throw new UnsupportedOperationException("the handler is the one given to Broker.subscribe");
    }

    @Override
    public MessageConsumer<Object> pause() {
      consumer.pause();
      return this;
    }

    @Override
    public MessageConsumer<Object> resume() {
      consumer.resume();
      return this;
    }

    @Override
    public MessageConsumer<Object> fetch(long amount) {
      consumer.fetch(amount);
      return this;
    }

    @Override
    public MessageConsumer<Object> endHandler(Handler<Void> endHandler) {
      consumer.endHandler(endHandler);
      return this;
    }

    @Override
    public ReadStream<Object> bodyStream() {
      return consumer.bodyStream();
    }
  }
}
