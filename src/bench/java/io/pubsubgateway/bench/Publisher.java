package io.pubsubgateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;

import java.util.ArrayList;
import java.util.List;

/**
 * Paced publishers on the coordinator's event loop: message i goes to publisher {@code i % P} with
 * sequence {@code i / P}, on channel {@code i % C} (see {@link Channels}), sent when {@code rate * elapsed} says it is due (1 ms ticks), each with
 * its send time. A publisher whose socket cannot take more is skipped for the tick, so an
 * overloaded system shows as an achieved rate below the target.
 */
final class Publisher {
  private final Vertx vertx;
  private final List<BenchConnection> connections;
  private final String channel;
  private final int channelCount;
  private final int size;

  private Publisher(Vertx vertx, List<BenchConnection> connections, String channel, int channelCount, int size) {
    this.vertx = vertx;
    this.connections = connections;
    this.channel = channel;
    this.channelCount = channelCount;
    this.size = size;
  }

  static Future<Publisher> connect(Vertx vertx, WebSocketClient client, String url, Dialect dialect, int count,
                                   String channel, int channelCount, int size) {
    List<Future<BenchConnection>> opening = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      opening.add(BenchConnection.open(client, url, dialect));
    }
    return Future.all(opening).map(all -> {
      Publisher publisher = new Publisher(vertx, all.list(), channel, channelCount, size);
      vertx.setPeriodic(5000, t -> publisher.connections.forEach(BenchConnection::keepAlive));
      return publisher;
    });
  }

  int count() {
    return connections.size();
  }

  /** One warm-up probe from each publisher (not counted as a message); {@code round} tags churn rounds (0 otherwise). */
  void warmup(int round) {
    vertx.runOnContext(v -> {
      for (int c = 0; c < channelCount; c++) {
        connections.get(c % connections.size())
          .publish(Channels.name(channel, channelCount, c), Payload.body(round, Payload.WARMUP, System.nanoTime(), size));
      }
    });
  }

  /**
   * Sends {@code perPublisher} messages from each publisher at {@code ratePerSec} in total; completes
   * with the achieved rate (messages/s).
   */
  Future<Double> run(double ratePerSec, int perPublisher) {
    Promise<Double> done = Promise.promise();
    vertx.runOnContext(v -> {
      long total = (long) perPublisher * connections.size();
      long start = System.nanoTime();
      long[] sent = {0};
      vertx.setPeriodic(1, timer -> {
        if (connections.stream().anyMatch(c -> c.socket().isClosed())) {
          vertx.cancelTimer(timer);
          done.tryFail(new IllegalStateException("a publisher connection was closed by the server"));
          return;
        }
        long now = System.nanoTime();
        long due = Math.min(total, (long) (ratePerSec * (now - start) / 1e9) + 1);
        int stalled = 0;
        while (sent[0] < due && stalled < connections.size()) {
          int p = (int) (sent[0] % connections.size());
          BenchConnection c = connections.get(p);
          if (c.writeQueueFull()) {
            stalled++;
            continue;
          }
          c.publish(Channels.name(channel, channelCount, sent[0]),
            Payload.body(p, sent[0] / connections.size(), System.nanoTime(), size));
          sent[0]++;
          stalled = 0;
        }
        if (sent[0] >= total) {
          vertx.cancelTimer(timer);
          done.complete(total / ((System.nanoTime() - start) / 1e9));
        }
      });
    });
    return done.future();
  }

  void close() {
    connections.forEach(c -> c.socket().close());
  }
}
