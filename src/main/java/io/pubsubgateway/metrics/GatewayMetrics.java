package io.pubsubgateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pubsubgateway.protocol.CloseCode;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The gateway's own meters, named {@code pubsub_gateway_*} in the Prometheus exposition. One
 * instance per node. With metrics disabled every meter is a no-op (an empty composite registry).
 *
 * <p>Threading: every method may be called from any thread; hot-path counters are adders.
 */
public final class GatewayMetrics {
  /** The close reason label of connections the client (or the network) closed. */
  public static final String CLOSED_BY_CLIENT = "client";

  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final Counter opened;
  private final Map<CloseCode, Counter> closedByServer = new EnumMap<>(CloseCode.class);
  private final Counter closedByClient;
  private final AtomicLong subscriptions = new AtomicLong();
  private final Counter messagesIn;
  private final Counter bytesIn;
  private final Counter messagesOut;
  private final Counter bytesOut;
  private final Counter clientPublishes;
  private final Counter apiPublishes;
  private final Counter publishesDenied;
  private final Counter publishesRateLimited;
  private final Counter subscribesDenied;
  private final Counter slowConsumers;
  private final Counter dropped;
  private final Counter resyncs;
  private final Counter registrationsRestored;
  private final Timer fanoutLatency;
  private final Counter webhookDelivered;
  private final Counter webhookRetries;

  private GatewayMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus) {
    this.registry = registry;
    this.prometheus = prometheus;
    opened = counter("pubsub.gateway.connections.opened", "WebSocket connections accepted");
    for (CloseCode code : CloseCode.values()) {
      closedByServer.put(code, closed(code.label()));
    }
    closedByClient = closed(CLOSED_BY_CLIENT);
    Gauge.builder("pubsub.gateway.subscriptions", subscriptions, AtomicLong::get)
      .description("Channel subscriptions of the connections on this node").register(registry);
    messagesIn = counter("pubsub.gateway.messages.in", "Frames received from clients");
    bytesIn = counter("pubsub.gateway.bytes.in", "Bytes of frames received from clients (payload)");
    messagesOut = counter("pubsub.gateway.messages.out", "Frames written to clients");
    bytesOut = counter("pubsub.gateway.bytes.out", "Bytes of frames written to clients (payload)");
    clientPublishes = Counter.builder("pubsub.gateway.publishes").tag("source", "client")
      .description("Accepted publishes").register(registry);
    apiPublishes = Counter.builder("pubsub.gateway.publishes").tag("source", "api")
      .description("Accepted publishes").register(registry);
    publishesDenied = counter("pubsub.gateway.publishes.denied", "Client publishes refused by permissions");
    publishesRateLimited = counter("pubsub.gateway.publishes.rate.limited",
      "Client publishes refused by limits.publishPerSecond");
    subscribesDenied = counter("pubsub.gateway.subscribes.denied", "Subscribes refused by permissions");
    slowConsumers = counter("pubsub.gateway.slow.consumer.disconnects",
      "Connections closed with 4003 because their unsent data exceeded limits.outboundQueueBytes");
    dropped = counter("pubsub.gateway.messages.dropped",
      "Frames not written because their connection was closing (slow consumer, shutdown, disconnect)");
    resyncs = counter("pubsub.gateway.history.resyncs",
      "History channels whose continuity this node lost (gap gone from history, epoch change, merge): their "
        + "subscribers were told insufficient_state");
    registrationsRestored = counter("pubsub.gateway.cluster.registrations.restored",
      "Channel registrations this node found missing in the cluster (after a membership change or merge) and made again");
    webhookDelivered = counter("pubsub.gateway.events.webhook.delivered",
      "Events the webhook endpoint accepted (a 2xx answer to their batch)");
    webhookRetries = counter("pubsub.gateway.events.webhook.retries",
      "Webhook requests repeated after a failed attempt (connection error, timeout, 5xx, 408, 429)");
    fanoutLatency = Timer.builder("pubsub.gateway.fanout.latency")
      .description("From publish on any node to the start of this node's fan-out (wall clocks of both nodes)")
      .publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofNanos(100_000))
      .maximumExpectedValue(Duration.ofSeconds(10))
      .register(registry);
  }

  /** Metrics exposed in Prometheus format. */
  public static GatewayMetrics prometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return new GatewayMetrics(registry, registry);
  }

  /** Metrics that record nothing ({@code metrics.enabled: false}). */
  public static GatewayMetrics disabled() {
    return new GatewayMetrics(new CompositeMeterRegistry(), null);
  }

  /** The registry, for Vert.x's and the JVM's meters; null when disabled. */
  public PrometheusMeterRegistry prometheusRegistry() {
    return prometheus;
  }

  public boolean enabled() {
    return prometheus != null;
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  private Counter closed(String reason) {
    return Counter.builder("pubsub.gateway.connections.closed").tag("reason", reason)
      .description("WebSocket connections closed, by reason (the server's close code, or client)")
      .register(registry);
  }

  /** Registers a gauge read from {@code value} at scrape time. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  public void connectionOpened() {
    opened.increment();
  }

  /** A connection closed; {@code serverCode} is the code the server closed it with, null when the client did. */
  public void connectionClosed(CloseCode serverCode) {
    (serverCode == null ? closedByClient : closedByServer.get(serverCode)).increment();
    if (serverCode == CloseCode.SLOW_CONSUMER) {
      slowConsumers.increment();
    }
  }

  /** A handshake refused with an HTTP status; {@code reason} is a short snake_case label. */
  public void handshakeRejected(int status, String reason) {
    Counter.builder("pubsub.gateway.handshake.rejections").tag("status", Integer.toString(status))
      .tag("reason", reason).description("WebSocket handshakes refused, by HTTP status and reason")
      .register(registry).increment();
  }

  /** A {@code refresh} frame was answered; {@code result}: accepted, invalid_token or rate_limited. */
  public void tokenRefresh(String result) {
    Counter.builder("pubsub.gateway.token.refreshes").tag("result", result)
      .description("Token refreshes on open connections, by result").register(registry).increment();
  }

  public void subscriptionsChanged(int delta) {
    subscriptions.addAndGet(delta);
  }

  /** Current subscriptions on this node (kept also when metrics are disabled). */
  public long subscriptions() {
    return subscriptions.get();
  }

  public void received(int bytes) {
    messagesIn.increment();
    bytesIn.increment(bytes);
  }

  /** {@code frames} frames of {@code bytesEach} bytes were written. */
  public void sent(int frames, long bytesEach) {
    if (frames > 0) {
      messagesOut.increment(frames);
      bytesOut.increment(frames * bytesEach);
    }
  }

  public void published(boolean viaApi) {
    (viaApi ? apiPublishes : clientPublishes).increment();
  }

  public void publishDenied() {
    publishesDenied.increment();
  }

  public void publishRateLimited() {
    publishesRateLimited.increment();
  }

  public void subscribeDenied() {
    subscribesDenied.increment();
  }

  /** A history channel lost its continuity on this node (see StreamSequencer). */
  public void resynced() {
    resyncs.increment();
  }

  public void registrationsRestored(int n) {
    registrationsRestored.increment(n);
  }

  public void dropped(int frames) {
    if (frames > 0) {
      dropped.increment(frames);
    }
  }

  /** {@code n} events reached the webhook endpoint. */
  public void webhookDelivered(int n) {
    webhookDelivered.increment(n);
  }

  public void webhookRetried() {
    webhookRetries.increment();
  }

  /**
   * {@code n} events will never reach the webhook; {@code reason}: {@code queue_full},
   * {@code failed} (every attempt failed), {@code rejected} (a 4xx other than 408/429, or a 3xx),
   * {@code stopped} (still queued when the node stopped).
   */
  public void webhookDropped(String reason, int n) {
    Counter.builder("pubsub.gateway.events.webhook.dropped").tag("reason", reason)
      .description("Events dropped before reaching the webhook endpoint, by reason").register(registry).increment(n);
  }

  /** Records the time since {@code publishedAtMicros} (epoch microseconds), ignoring clock steps backwards. */
  public void fanoutStarted(long publishedAtMicros, long nowMicros) {
    long micros = nowMicros - publishedAtMicros;
    if (micros >= 0) {
      fanoutLatency.record(micros, TimeUnit.MICROSECONDS);
    }
  }

  /** Wall-clock time in microseconds since the epoch, as carried by {@code Broker} publish stamps. */
  public static long nowMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  /** Releases the registry (JVM binders hold resources). */
  public void close() {
    registry.close();
  }

  /** The Prometheus text exposition; empty when disabled. */
  public String scrape() {
    return prometheus == null ? "" : prometheus.scrape();
  }
}
