package io.pubsubgateway.bench;

import io.pubsubgateway.bench.systems.MeasuredSystem;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The load generators of one system: subscriber worker processes (each on its own 127.0.0.x
 * source address, subscribers spread round-robin over the nodes) and paced publishers on the first
 * node. Shared by the scenarios.
 */
final class Fleet implements AutoCloseable {
  final List<WorkerHandle> workers = new ArrayList<>();
  final Publisher publisher;
  final int subscribers;
  /** The longest time a worker took to open and subscribe its connections (they open in parallel). */
  final long openMs;
  private final Vertx vertx;
  /** Held: Vert.x closes a WebSocketClient (and its connections) once it is unreachable. */
  private final WebSocketClient client;

  private Fleet(Vertx vertx, WebSocketClient client, Publisher publisher, int subscribers, long openMs,
                List<WorkerHandle> workers) {
    this.vertx = vertx;
    this.client = client;
    this.publisher = publisher;
    this.subscribers = subscribers;
    this.openMs = openMs;
    this.workers.addAll(workers);
  }

  /** Starts {@code workerCount} workers with {@code subscribers} connections in all and the publishers. */
  static Fleet start(MeasuredSystem system, Path jar, Path workDir, String channel, int channels, int subscribers,
                     int workerCount, int publishers, int size) throws Exception {
    List<WorkerHandle> workers = new ArrayList<>();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      int perWorker = (int) Math.ceil(subscribers / (double) workerCount);
      for (int w = 0; w < workerCount; w++) {
        int n = Math.min(perWorker, subscribers - w * perWorker);
        if (n > 0) {
          workers.add(WorkerHandle.start(jar, workDir.resolve("worker-" + system.name() + "-" + w + ".log"),
            system.dialect(), channel, channels, n, system.urls(), w * perWorker, "127.0.0." + (2 + w)));
        }
      }
      int connected = 0;
      long openMs = 0;
      for (WorkerHandle w : workers) {
        JsonObject ready = w.await("ready", Duration.ofSeconds(300));
        connected += ready.getInteger("connections");
        openMs = Math.max(openMs, ready.getLong("openMs"));
      }
      if (connected != subscribers) {
        throw new IllegalStateException(system.name() + ": only " + connected + " of " + subscribers + " subscribers connected");
      }
      WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1000));
      Publisher publisher = Publisher.connect(vertx, client, system.urls().get(0), system.dialect(), publishers, channel, channels, size)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new Fleet(vertx, client, publisher, subscribers, openMs, workers);
    } catch (Exception e) {
      workers.forEach(WorkerHandle::close);
      vertx.close();
      throw e;
    }
  }

  /** Publishes warm-up messages until every subscriber got one since the last call: all subscriptions are live. */
  void warmup(String system, Progress progress) throws Exception {
    for (WorkerHandle w : workers) {
      w.call(new JsonObject().put("cmd", "rewarm"), "rewarm", Duration.ofSeconds(30));
    }
    awaitProbes(system, progress, 0);
  }

  /** Publishes probes of {@code round} every few milliseconds until every subscriber received one. */
  void awaitProbes(String system, Progress progress, int round) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (true) {
      publisher.warmup(round);
      Thread.sleep(round == 0 ? 100 : 5);
      long warm = sum("warm");
      if (warm == subscribers) {
        return;
      }
      if (round == 0) {
        progress.status(system, "warming up: " + warm + "/" + subscribers + " subscribers live");
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(system + ": only " + warm + " subscribers received the warm-up");
      }
    }
  }

  /** The sum of a numeric field of every worker's status. */
  long sum(String field) throws Exception {
    long total = 0;
    for (WorkerHandle w : workers) {
      total += w.call(new JsonObject().put("cmd", "status"), "status", Duration.ofSeconds(30)).getLong(field);
    }
    return total;
  }

  @Override
  public void close() {
    workers.forEach(WorkerHandle::close);
    publisher.close();
    client.close();
    vertx.close();
  }
}
