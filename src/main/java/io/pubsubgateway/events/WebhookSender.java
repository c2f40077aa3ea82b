package io.pubsubgateway.events;

import io.pubsubgateway.config.WebhookConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Posts events to {@code events.webhook.url} in signed JSON batches, one request at a time, from a
 * bounded queue.
 *
 * <p>{@link #accept} only offers the event to the queue ({@code queueSize} events): when it is full
 * the event is dropped and counted ({@code pubsub_gateway_events_webhook_dropped_total{reason="queue_full"}}),
 * and drops are logged at most once per {@link #DROP_LOG_PERIOD_MS}. A batch takes up to
 * {@code batchSize} queued events in order; it leaves when that many are queued, or
 * {@code batchDelayMs} after the sender found events waiting while idle. Its body
 * {@code {"events":[...]}} is encoded once; each attempt is signed anew ({@link WebhookSignature})
 * with its own timestamp. A 2xx answer delivers the batch; a connection error, a timeout
 * ({@code timeoutMs}), a 5xx, 408 or 429 is tried again after {@link WebhookConfig#retryDelay}, up
 * to {@code maxAttempts} attempts in all, the next batch waiting meanwhile (order is kept); any other
 * answer, or the last failed attempt, drops the batch (counted, logged). A slow or dead endpoint
 * therefore costs queue space, never an event loop's time: the sender runs on a context of its own.
 *
 * <p>Threading: {@link #accept} from any thread; the rest on the sender's context.
 */
public final class WebhookSender implements Consumer<GatewayEvent> {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);
  /** Drops and failures are logged at most once per this period. */
  static final long DROP_LOG_PERIOD_MS = 10_000;

  private final Vertx vertx;
  private final Context context;
  private final WebhookConfig config;
  private final GatewayMetrics metrics;
  private final WebClient client;
  private final WebhookSignature signature;
  private final ArrayBlockingQueue<GatewayEvent> queue;
  private final AtomicBoolean kickScheduled = new AtomicBoolean();
  private final AtomicLong unloggedDrops = new AtomicLong();
  private final AtomicLong lastDropLogNanos = new AtomicLong(System.nanoTime() - DROP_LOG_PERIOD_MS * 1_000_000);
  private boolean inFlight;
  private long batchTimer = -1;
  private Promise<Void> stopping;
  private boolean closed;

  /** Creates the sender on a context of its own. */
  public WebhookSender(Vertx vertx, WebhookConfig config, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.context = ((VertxInternal) vertx).contextBuilder().build();
    this.config = config;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(config.queueSize());
    this.signature = new WebhookSignature(config.secret());
    this.client = WebClient.create(vertx, new WebClientOptions()
        .setConnectTimeout(config.timeoutMs())
        .setUserAgent("pubsub-gateway")
        .setFollowRedirects(false),
      new PoolOptions().setHttp1MaxSize(1).setHttp2MaxSize(1));
  }

  /** Events waiting in the queue (not counting the batch in flight). */
  public int queued() {
    return queue.size();
  }

  @Override
  public void accept(GatewayEvent event) {
    if (!queue.offer(event)) {
      metrics.webhookDropped("queue_full", 1);
      dropped(1, "the queue is full (events.webhook.queueSize " + config.queueSize() + ")");
      return;
    }
    if (kickScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> {
        kickScheduled.set(false);
        kick();
      });
    }
  }

  /** Sends a batch now if one is full (or the node stops), else arms the batch timer. */
  private void kick() {
    if (inFlight || queue.isEmpty()) {
      return;
    }
    if (queue.size() >= config.batchSize() || config.batchDelayMs() == 0 || stopping != null) {
      sendBatch();
    } else if (batchTimer < 0) {
      batchTimer = vertx.setTimer(config.batchDelayMs(), id -> {
        batchTimer = -1;
        sendBatch();
      });
    }
  }

  private void sendBatch() {
    if (batchTimer >= 0) {
      vertx.cancelTimer(batchTimer);
      batchTimer = -1;
    }
    if (inFlight) {
      return;
    }
    List<GatewayEvent> batch = new ArrayList<>(Math.min(queue.size(), config.batchSize()));
    queue.drainTo(batch, config.batchSize());
    if (batch.isEmpty()) {
      checkStopped();
      return;
    }
    JsonArray events = new JsonArray(new ArrayList<>(batch.size()));
    batch.forEach(e -> events.add(e.toJson()));
    Buffer body = new JsonObject().put("events", events).toBuffer();
    inFlight = true;
    attempt(body, batch.size(), 1);
  }

  private void attempt(Buffer body, int events, int attempt) {
    if (closed) {
      metrics.webhookDropped("stopped", events); // a retry due after the stop
      return;
    }
    String timestamp = Long.toString(System.currentTimeMillis());
    client.postAbs(config.url())
      .timeout(config.timeoutMs())
      .putHeader("Content-Type", "application/json")
      .putHeader(WebhookSignature.TIMESTAMP_HEADER, timestamp)
      .putHeader(WebhookSignature.SIGNATURE_HEADER, signature.sign(timestamp, body.getBytes()))
      .sendBuffer(body)
      .onComplete(ar -> {
        int status = ar.succeeded() ? ar.result().statusCode() : 0;
        if (status >= 200 && status < 300) {
          metrics.webhookDelivered(events);
          batchDone();
        } else if (retryable(ar.succeeded() ? ar.result() : null) && attempt < config.maxAttempts()
          && stopping == null) {
          metrics.webhookRetried();
          vertx.setTimer(config.retryDelay(attempt + 1), id -> attempt(body, events, attempt + 1));
        } else {
          String why = ar.succeeded() ? "HTTP " + status : ar.cause().toString();
          boolean rejected = ar.succeeded() && !retryable(ar.result());
          metrics.webhookDropped(rejected ? "rejected" : stopping != null ? "stopped" : "failed", events);
          dropped(events, rejected ? "the endpoint rejected a batch (" + why + ")"
            : "a batch failed " + attempt + " attempt(s), the last: " + why);
          batchDone();
        }
      });
  }

  /** Worth another attempt: no answer (connection error, timeout), 5xx, 408 or 429. */
  private static boolean retryable(HttpResponse<Buffer> response) {
    if (response == null) {
      return true;
    }
    int status = response.statusCode();
    return status >= 500 || status == 408 || status == 429;
  }

  private void batchDone() {
    inFlight = false;
    kick();
    checkStopped();
  }

  private void checkStopped() {
    if (stopping != null && !inFlight && queue.isEmpty()) {
      stopping.tryComplete();
    }
  }

  /** Counts {@code n} dropped events towards the next log line; logs at most once per period. */
  private void dropped(int n, String why) {
    long pending = unloggedDrops.addAndGet(n);
    long now = System.nanoTime();
    long last = lastDropLogNanos.get();
    if (now - last >= DROP_LOG_PERIOD_MS * 1_000_000 && lastDropLogNanos.compareAndSet(last, now)) {
      unloggedDrops.addAndGet(-pending);
      LOG.warn("webhook {}: dropped {} event(s) since the last report; latest cause: {}", config.url(), pending, why);
    }
  }

  /**
   * Sends what is queued without waiting for batches to fill, and completes when the queue is empty
   * and no request is in flight, or after {@code waitMs}; failed batches are not tried again. What
   * is still queued or in flight then is dropped (counted as {@code stopped}). Closes the HTTP client.
   */
  public Future<Void> stop(long waitMs) {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      stopping = Promise.promise();
      long deadline = vertx.setTimer(Math.max(1, waitMs), id -> stopping.tryComplete());
      stopping.future().onComplete(ar -> {
        vertx.cancelTimer(deadline);
        List<GatewayEvent> left = new ArrayList<>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
          metrics.webhookDropped("stopped", left.size());
          LOG.warn("webhook {}: {} queued event(s) dropped at shutdown", config.url(), left.size());
        }
        closed = true;
        client.close();
        done.complete();
      });
      kick();
      checkStopped();
    });
    return done.future();
  }
}
