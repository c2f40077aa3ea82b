package io.pubsubgateway.api;

import io.pubsubgateway.hub.ChannelHub;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.CloseCode;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What one node answers to the operator commands that {@link io.pubsubgateway.cluster.ClusterAdmin}
 * sends to every node: {@code info}, {@code channels} and {@code disconnect}.
 */
public final class NodeCommands implements Function<JsonObject, Future<JsonObject>> {
  public static final String OP = "op";
  public static final String INFO = "info";
  public static final String CHANNELS = "channels";
  public static final String DISCONNECT = "disconnect";

  private final NodeStatus state;
  private final ChannelHub hub;
  private final GatewayMetrics metrics;
  private final Supplier<String> httpAddress;
  private final long startedAtMs = System.currentTimeMillis();

  /** @param httpAddress host:port this node serves clients on (known once it listens) */
  public NodeCommands(NodeStatus state, ChannelHub hub, GatewayMetrics metrics, Supplier<String> httpAddress) {
    this.state = state;
    this.hub = hub;
    this.metrics = metrics;
    this.httpAddress = httpAddress;
  }

  @Override
  public Future<JsonObject> apply(JsonObject command) {
    String op = command.getString(OP, "");
    return switch (op) {
      case INFO -> Future.succeededFuture(new JsonObject()
        .put("address", httpAddress.get())
        .put("connections", state.connections())
        .put("subscriptions", metrics.subscriptions())
        .put("channels", hub.channelCount())
        .put("uptimeSeconds", (System.currentTimeMillis() - startedAtMs) / 1000)
        .put("ready", state.ready()));
      case CHANNELS -> hub.localChannels().map(counts -> {
        JsonObject channels = new JsonObject();
        counts.forEach(channels::put);
        return new JsonObject().put("channels", channels);
      });
      case DISCONNECT -> {
        CloseCode code = command.getBoolean("reconnect", false) ? CloseCode.DISCONNECTED_RECONNECT : CloseCode.DISCONNECTED;
        yield state.disconnect(command.getString("user", ""), code)
          .map(n -> new JsonObject().put("disconnected", n));
      }
      default -> Future.failedFuture("unknown command " + op);
    };
  }
}
