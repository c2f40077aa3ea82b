package io.pubsubgateway.testing;

import io.pubsubgateway.client.ClientState;
import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayClientOptions;
import io.pubsubgateway.client.GatewayMessage;
import io.pubsubgateway.client.ReconnectPolicy;
import io.pubsubgateway.client.StateChange;
import io.pubsubgateway.client.Subscription;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A subscriber for fault tests: a Java SDK client subscribed to one channel that records what it
 * receives (id, offset, epoch), every recovery outcome the SDK reports, and its disconnections.
 */
public final class Reader implements AutoCloseable {
  private final String name;
  private final GatewayClient client;
  private final List<Ledger.Got> got = new CopyOnWriteArrayList<>();
  private final List<Boolean> recoveries = new CopyOnWriteArrayList<>();
  private final List<StateChange> states = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  public Reader(Vertx vertx, String name, String token, List<String> urls, String channel) {
    this.name = name;
    GatewayClientOptions options = new GatewayClientOptions().setToken(token)
      .setReconnectPolicy(new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(2), ReconnectPolicy.UNLIMITED, 0.2))
      .setRequestTimeout(Duration.ofSeconds(30));
    urls.forEach(options::addUrl);
    this.client = GatewayClient.create(vertx, options).stateHandler(states::add).exceptionHandler(errors::add);
    Await.result(client.connect(), Duration.ofSeconds(30));
    Subscription sub = Await.result(client.subscribe(channel, this::handle), Duration.ofSeconds(30));
    sub.recoveryHandler(recoveries::add);
  }

  private void handle(GatewayMessage m) {
    String id = m.body() instanceof JsonObject o ? o.getString("id") : String.valueOf(m.body());
    got.add(new Ledger.Got(id, m.offset(), m.headers().get(GatewayMessage.EPOCH), System.nanoTime()));
  }

  public String name() {
    return name;
  }

  public List<Ledger.Got> got() {
    return new ArrayList<>(got);
  }

  public List<String> ids() {
    return got.stream().map(Ledger.Got::id).toList();
  }

  /** Every recovery the SDK reported (true: nothing lost). */
  public List<Boolean> recoveries() {
    return List.copyOf(recoveries);
  }

  /** Whether the SDK ever reported a recovery that was not complete: the client was told. */
  public boolean told() {
    return recoveries.contains(Boolean.FALSE);
  }

  /** Close codes of the disconnections so far. */
  public List<Integer> closeCodes() {
    return states.stream().filter(s -> s.state() == ClientState.DISCONNECTED).map(StateChange::code).toList();
  }

  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  public GatewayClient client() {
    return client;
  }

  @Override
  public void close() {
    Await.result(client.close(), Duration.ofSeconds(30));
  }
}
