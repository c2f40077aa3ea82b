package io.pubsubgateway.client;

import io.pubsubgateway.protocol.ErrorCode;
import io.pubsubgateway.protocol.FrameType;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The channels of a {@link GatewayClient} and their registrations at the gateway: registers a
 * channel on the current connection (with {@code since.*} headers once its position is known, so
 * a re-registration after a reconnect recovers what was missed), delivers messages (duplicates
 * dropped) and join/leave events to the subscriptions, unregisters after the last one.
 *
 * <p>Continuity: when the gateway ends a subscription because it cannot prove the stream complete
 * ({@code {"type":"err","body":"insufficient_state","address":C}}, without id: it already
 * unsubscribed), or when a message of a channel with history does not follow the last one
 * delivered (an offset past the next, another epoch), the channel is registered again with the
 * {@code since.*} headers of the last message delivered — after an unregister in the second case —
 * and its messages are dropped until the ack. The ack's {@code recovered} flag goes to the recovery
 * handlers, so the application never sees a silent gap. A re-subscription that follows another one
 * without a message delivered in between waits the reconnect policy's delay first.
 *
 * <p>A re-registration the gateway could not complete ({@code internal_error}) or did not answer
 * ({@code timeout}: e.g. while the cluster waits for a crashed node to be declared dead) is undone
 * with an unregister and retried on the same connection after the reconnect policy's delay, within
 * its attempts; a refusal ({@code access_denied}...) or running out of attempts drops the channel
 * and reports to the exception handler.
 *
 * <p>Threading: the client's event loop only.
 */
final class ChannelRegistry {
  private final Vertx vertx;
  private final ReconnectPolicy policy;
  private final Random random = new Random();
  private final Supplier<Connection> connection;
  private final Handler<Throwable> errors;
  private final Function<SubscriptionImpl, Future<Void>> unsubscriber;
  private final Map<String, ChannelState> channels = new LinkedHashMap<>();

  /**
   * @param connection   the client's current connection (null while disconnected)
   * @param errors       where errors no future receives go
   * @param unsubscriber what {@link Subscription#unsubscribe()} calls (hops onto the loop, then {@link #remove})
   */
  ChannelRegistry(Vertx vertx, ReconnectPolicy policy, Supplier<Connection> connection, Handler<Throwable> errors,
                  Function<SubscriptionImpl, Future<Void>> unsubscriber) {
    this.vertx = vertx;
    this.policy = policy;
    this.connection = connection;
    this.errors = errors;
    this.unsubscriber = unsubscriber;
  }

  /** Adds a subscription; registers the channel when it is the first and a connection is open. */
  Future<Subscription> subscribe(String channel, Handler<GatewayMessage> handler) {
    ChannelState state = channels.computeIfAbsent(channel, ChannelState::new);
    SubscriptionImpl sub = new SubscriptionImpl(state, handler, unsubscriber);
    state.subs.add(sub);
    Connection c = connection.get();
    if (state.registered) {
      sub.ready.complete(sub);
    } else if (state.subs.size() == 1 && c != null) {
      register(c, state);
    }
    return sub.ready.future();
  }

  /** A connection opened: registers every channel on it. */
  void connected(Connection c) {
    channels.values().forEach(state -> {
      state.failedRegistrations = 0;
      register(c, state);
    });
  }

  /** The connection was lost: every channel must be registered again. */
  void disconnected() {
    channels.values().forEach(state -> state.registered = false);
  }

  /** The client closed for good: fails the subscriptions still waiting for their registration. */
  void failWaiting(GatewayException error) {
    channels.values().forEach(state -> state.subs.forEach(s -> s.ready.tryFail(error)));
  }

  private void register(Connection c, ChannelState state) {
    c.request(FrameType.REGISTER, state.channel, state.registerFields()).onComplete(ar -> {
      if (connection.get() != c || channels.get(state.channel) != state) {
        return; // connection lost meanwhile (registered again on the next one) or unsubscribed
      }
      if (ar.succeeded()) {
        Boolean recovered = state.handleAck(ar.result());
        state.subs.forEach(s -> s.ready.tryComplete(s));
        if (recovered != null) {
          for (SubscriptionImpl s : new ArrayList<>(state.subs)) {
            call(s.recoveryHandler, recovered);
          }
        }
      } else {
        handleRegisterFailure(c, state, ar.cause());
      }
    });
  }

  private void handleRegisterFailure(Connection c, ChannelState state, Throwable cause) {
    boolean transientFailure = cause instanceof GatewayException e
      && (e.code().equals(GatewayException.TIMEOUT) || e.code().equals(ErrorCode.INTERNAL_ERROR.code()));
    if (transientFailure) {
      // the gateway may hold a half-made subscription: undo it before anything else
      c.request(FrameType.UNREGISTER, state.channel, null);
    }
    // a subscribe() still waiting gets this attempt's outcome
    List<SubscriptionImpl> waiting = state.subs.stream().filter(s -> !s.ready.future().isComplete()).toList();
    waiting.forEach(s -> s.ready.tryFail(cause));
    state.subs.removeAll(waiting);
    if (state.subs.isEmpty()) {
      channels.remove(state.channel);
      return;
    }
    state.failedRegistrations++;
    if (!transientFailure || !policy.allows(state.failedRegistrations)) {
      channels.remove(state.channel);
      errors.handle(cause); // a re-subscription after reconnect was refused or kept failing
      return;
    }
    long delay = Math.max(1, policy.delay(state.failedRegistrations, random).toMillis());
    vertx.setTimer(delay, t -> {
      if (connection.get() == c && channels.get(state.channel) == state && !state.registered) {
        register(c, state);
      }
    });
  }

  /** Removes a subscription; the channel's last one unregisters it. */
  Future<Void> remove(SubscriptionImpl sub) {
    ChannelState state = channels.get(sub.channel());
    if (state == null || !state.subs.remove(sub)) {
      return Future.succeededFuture();
    }
    if (!state.subs.isEmpty()) {
      return Future.succeededFuture();
    }
    channels.remove(sub.channel());
    Connection c = connection.get();
    return c == null || !state.registered ? Future.succeededFuture()
      : c.request(FrameType.UNREGISTER, sub.channel(), null).mapEmpty();
  }

  /**
   * Hands a message to its channel's subscriptions, unless it is a duplicate or the channel waits for
   * its registration; a message after a gap starts a re-subscription with recovery instead.
   */
  void deliver(GatewayMessage message) {
    ChannelState state = channels.get(message.channel());
    if (state == null || !state.registered) {
      return;
    }
    switch (state.accept(message)) {
      case NEXT -> {
        for (SubscriptionImpl s : new ArrayList<>(state.subs)) {
          call(s.handler, message);
        }
      }
      case DUPLICATE -> { }
      case GAP -> {
        Connection c = connection.get();
        if (c != null) {
          resubscribe(c, state, true);
        }
      }
    }
  }

  /**
   * The gateway ended the subscription of {@code channel} ({@code insufficient_state}): registers it
   * again with recovery. Ignored while a registration of it is under way, which gets a fresh one.
   */
  void handleInsufficientState(String channel) {
    ChannelState state = channels.get(channel);
    Connection c = connection.get();
    if (state != null && c != null && state.registered) {
      resubscribe(c, state, false);
    }
  }

  /**
   * Registers a registered channel again with the {@code since.*} headers of its last delivered
   * message; {@code unregister} first when the gateway still holds the subscription.
   */
  private void resubscribe(Connection c, ChannelState state, boolean unregister) {
    state.registered = false;
    state.failedRegistrations = 0;
    int resyncs = ++state.resyncs;
    if (unregister) {
      c.request(FrameType.UNREGISTER, state.channel, null);
    }
    if (resyncs == 1) {
      register(c, state);
      return;
    }
    vertx.setTimer(Math.max(1, policy.delay(resyncs - 1, random).toMillis()), t -> {
      if (connection.get() == c && channels.get(state.channel) == state && !state.registered) {
        register(c, state);
      }
    });
  }

  /**
   * The gateway ended the subscription of {@code channel} with {@code access_denied} (after a token
   * refresh that no longer allows it): the channel is dropped with its subscriptions, and the error
   * goes to the exception handler.
   */
  void handleEnded(String channel, GatewayException error) {
    ChannelState state = channels.remove(channel);
    if (state != null) {
      state.subs.forEach(s -> s.ready.tryFail(error));
      errors.handle(error);
    }
  }

  /** Hands a join/leave event to its channel's subscriptions. */
  void deliver(ChannelEvent event) {
    ChannelState state = event == null ? null : channels.get(event.channel());
    if (state == null) {
      return;
    }
    for (SubscriptionImpl s : new ArrayList<>(state.subs)) {
      call(s.eventHandler, event);
    }
  }

  private <T> void call(Handler<T> handler, T value) {
    if (handler == null) {
      return;
    }
    try {
      handler.handle(value);
    } catch (RuntimeException e) {
      errors.handle(e);
    }
  }
}
