package io.pubsubgateway.cli;

import io.pubsubgateway.auth.TokenMinter;
import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayClientOptions;
import io.pubsubgateway.client.ReconnectPolicy;
import io.pubsubgateway.config.ConfigLoader;
import io.pubsubgateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What {@code sub} and {@code pub} share: node URLs, the token, connecting with the SDK. */
abstract class ClientCommandBase {
  @Option(names = "--url", paramLabel = "URL", description = "Node URL, repeatable (default: ws://127.0.0.1:8080/ws)")
  List<String> urls = new ArrayList<>();

  @Option(names = "--token", paramLabel = "JWT", description = "Token (default: $PUBSUB_TOKEN, else a dev token "
    + "minted from the node config for the given channels)")
  String token;

  @Option(names = "--conf", paramLabel = "FILE", defaultValue = ConfigLoader.DEFAULT_FILE,
    description = "Node config used to mint a dev token when no token is given (default: ${DEFAULT-VALUE})")
  String conf;

  @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "5",
    description = "Give up when no node answers within this time (default: ${DEFAULT-VALUE})")
  int connectTimeoutSeconds;

  @Option(names = "--trust", paramLabel = "PEM", description = "For wss:// URLs: trust the certificates in this PEM "
    + "file (a CA, or the node's self-signed certificate) instead of the JDK's default CAs")
  String trust;

  @Option(names = "--insecure", description = "For wss:// URLs, development only: accept any certificate and host name")
  boolean insecure;

  /** Connects a client that keeps reconnecting once connected. */
  GatewayClient connect(List<String> subscribe, List<String> publish) {
    String jwt = token != null ? token : System.getenv("PUBSUB_TOKEN");
    if (jwt == null) {
      jwt = devToken(subscribe, publish);
    }
    if (trust != null && insecure) {
      throw new CliFailure(1, "--trust and --insecure exclude each other");
    }
    GatewayClientOptions options;
    GatewayClient client;
    try {
      options = new GatewayClientOptions()
        .setUrls(urls.isEmpty() ? List.of("ws://127.0.0.1:8080/ws") : urls)
        .setToken(jwt)
        .setConnectTimeout(Duration.ofSeconds(Math.max(1, connectTimeoutSeconds)))
        .setReconnectPolicy(ReconnectPolicy.DEFAULT)
        .setTrustAll(insecure);
      if (trust != null) {
        options.setTrustPemFile(trust);
      }
      client = GatewayClient.create(options);
    } catch (IllegalArgumentException e) {
      throw new CliFailure(1, e.getMessage());
    }
    try {
      await(client.connect(), connectTimeoutSeconds);
    } catch (CliFailure e) {
      client.close();
      throw e.status() == 1 ? new CliFailure(CliFailure.UNREACHABLE, "connect: no node answered within "
        + connectTimeoutSeconds + " s (" + String.join(", ", options.getUrls().stream().map(Object::toString).toList()) + ")")
        : e;
    }
    return client;
  }

  private String devToken(List<String> subscribe, List<String> publish) {
    Vertx vertx = Vertx.vertx();
    try {
      GatewayConfig config = ConfigLoader.load(vertx, conf, Map.of(), List.of()).toCompletionStage()
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
      return new TokenMinter(vertx, config.auth().jwt(), null).mint("cli", subscribe, publish, 3600);
    } catch (ExecutionException e) {
      throw new CliFailure(1, "no --token or PUBSUB_TOKEN, and no dev token from " + conf + ": "
        + e.getCause().getMessage());
    } catch (Exception e) {
      throw new CliFailure(1, "cannot mint a dev token: " + e);
    } finally {
      vertx.close();
    }
  }

  /** The future's result; a failure or a timeout becomes a {@link CliFailure}. */
  static <T> T await(Future<T> future, int seconds) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw CliFailure.of("connect", e.getCause());
    } catch (TimeoutException e) {
      throw new CliFailure(1, "timed out");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliFailure(1, "interrupted");
    }
  }
}
