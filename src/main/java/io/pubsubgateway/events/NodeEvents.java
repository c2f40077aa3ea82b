package io.pubsubgateway.events;

import io.pubsubgateway.config.EventsConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The node's events for backends: builds each {@link GatewayEvent} (id, time, node) and hands it to
 * the outlets {@code events.*} configures — the event bus ({@link EventBusPublisher}) and the
 * webhook ({@link WebhookSender}). Sessions report through it as an {@link EventSink};
 * {@link ChannelOccupancy} announces occupied and vacated channels through it.
 *
 * <p>Threading: any thread; an outlet's failure is logged and costs only that event.
 */
public final class NodeEvents implements EventSink, ChannelOccupancy.Announcer {
  private static final Logger LOG = LoggerFactory.getLogger(NodeEvents.class);

  private final String node;
  private final List<Consumer<GatewayEvent>> outlets;
  private final WebhookSender webhook;
  private final AtomicLong sequence = new AtomicLong();

  /**
   * @param webhook the webhook among {@code outlets} (to stop it), or null
   */
  NodeEvents(String node, List<Consumer<GatewayEvent>> outlets, WebhookSender webhook) {
    this.node = node;
    this.outlets = List.copyOf(outlets);
    this.webhook = webhook;
  }

  /**
   * The events {@code config} asks for; with events off, a sink that reports nothing. Registers
   * the webhook queue's gauge.
   */
  public static NodeEvents create(Vertx vertx, EventsConfig config, String node, GatewayMetrics metrics) {
    List<Consumer<GatewayEvent>> outlets = new ArrayList<>(2);
    if (config.address() != null) {
      outlets.add(new EventBusPublisher(vertx.eventBus(), config.address()));
    }
    WebhookSender webhook = null;
    if (config.webhook() != null) {
      webhook = new WebhookSender(vertx, config.webhook(), metrics);
      outlets.add(webhook);
      metrics.gauge("pubsub.gateway.events.webhook.queued", "Events waiting in the webhook queue",
        webhook::queued);
    }
    return new NodeEvents(node, outlets, webhook);
  }

  @Override
  public boolean enabled() {
    return !outlets.isEmpty();
  }

  @Override
  public void connected(String user, String client) {
    emit(EventType.CONNECT, user, client, null, null, null);
  }

  @Override
  public void disconnected(String user, String client, int code, String reason) {
    emit(EventType.DISCONNECT, user, client, null, code, reason == null ? "" : reason);
  }

  @Override
  public void subscribed(String user, String client, String channel) {
    emit(EventType.SUBSCRIBE, user, client, channel, null, null);
  }

  @Override
  public void unsubscribed(String user, String client, String channel) {
    emit(EventType.UNSUBSCRIBE, user, client, channel, null, null);
  }

  @Override
  public void occupied(String channel) {
    emit(EventType.CHANNEL_OCCUPIED, null, null, channel, null, null);
  }

  @Override
  public void vacated(String channel) {
    emit(EventType.CHANNEL_VACATED, null, null, channel, null, null);
  }

  private void emit(EventType type, String user, String client, String channel, Integer code, String reason) {
    if (outlets.isEmpty()) {
      return;
    }
    GatewayEvent event = new GatewayEvent(type, node + "-" + sequence.incrementAndGet(), System.currentTimeMillis(),
      node, user, client, channel, code, reason);
    for (Consumer<GatewayEvent> outlet : outlets) {
      try {
        outlet.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("event {} not handed to {}: {}", type.wire(), outlet.getClass().getSimpleName(), e.toString());
      }
    }
  }

  /** Gives the webhook up to {@code waitMs} to send what is queued (see {@link WebhookSender#stop}). */
  public Future<Void> stop(long waitMs) {
    return webhook == null ? Future.succeededFuture() : webhook.stop(waitMs);
  }
}
