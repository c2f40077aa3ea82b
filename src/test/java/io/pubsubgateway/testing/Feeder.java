package io.pubsubgateway.testing;

import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayClientOptions;
import io.pubsubgateway.client.ReconnectPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;

/**
 * A steady publisher for fault tests: a Java SDK client that publishes {@code {"id": "<name>-<n>"}}
 * to each of its channels every period, never retrying a failed publish (its outcome stays
 * unknown), and records every publish and its outcome in the channel's {@link Ledger}. The origin of
 * a message is the URL its client was connected to when it was sent.
 */
public final class Feeder implements AutoCloseable {
  private final Vertx vertx;
  private final String name;
  private final GatewayClient client;
  private final List<String> channels;
  private final List<Ledger> ledgers;
  private long timer = -1;
  private int n;

  /**
   * @param urls the URLs the client connects to (in order, then round robin on reconnects)
   */
  public Feeder(Vertx vertx, String name, String token, List<String> urls, List<String> channels, List<Ledger> ledgers) {
    this.vertx = vertx;
    this.name = name;
    this.channels = channels;
    this.ledgers = ledgers;
    GatewayClientOptions options = new GatewayClientOptions().setToken(token)
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(2), ReconnectPolicy.UNLIMITED, 0.2))
      .setRequestTimeout(Duration.ofSeconds(30));
    urls.forEach(options::addUrl);
    this.client = GatewayClient.create(vertx, options);
    Await.result(client.connect(), Duration.ofSeconds(30));
  }

  /** Publishes every {@code period} until {@link #stop()}. */
  public Feeder start(Duration period) {
    timer = vertx.setPeriodic(period.toMillis(), id -> publishOnce());
    return this;
  }

  private void publishOnce() {
    String id = name + "-" + (n++);
    String origin = String.valueOf(client.connectedUrl());
    for (int i = 0; i < channels.size(); i++) {
      Ledger ledger = ledgers.get(i);
      ledger.sent(id, origin);
      client.publish(channels.get(i), new JsonObject().put("id", id)).onComplete(ar -> {
        if (ar.succeeded()) {
          ledger.acked(id);
        } else {
          ledger.failed(id);
        }
      });
    }
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  public GatewayClient client() {
    return client;
  }

  @Override
  public void close() {
    stop();
    Await.result(client.close(), Duration.ofSeconds(30));
  }
}
