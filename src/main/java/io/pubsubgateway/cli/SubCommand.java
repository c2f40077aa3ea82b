package io.pubsubgateway.cli;

import io.pubsubgateway.client.GatewayClient;
import io.pubsubgateway.client.GatewayMessage;
import io.pubsubgateway.client.Subscription;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** {@code sub CHANNEL...}: prints each message as one JSON line. */
@Command(name = "sub", mixinStandardHelpOptions = true,
  description = "Subscribe and print each message as one JSON line {\"channel\",\"body\",\"headers\"?}.")
public final class SubCommand extends ClientCommandBase implements java.util.concurrent.Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "CHANNEL")
  List<String> channels;

  @Option(names = "--count", paramLabel = "N", description = "Exit after N messages (default: run until stopped)")
  int count;

  @Override
  public Integer call() throws Exception {
    GatewayClient client = connect(channels, List.of());
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger received = new AtomicInteger();
    client.stateHandler(s -> {
      switch (s.state()) {
        case DISCONNECTED -> System.err.println("pubsub: disconnected from " + s.url() + " (" + s.code() + "), reconnecting");
        case CONNECTED -> System.err.println("pubsub: connected to " + s.url());
        case CLOSED -> {
          System.err.println("pubsub: closed: " + s.reason());
          done.countDown();
        }
        default -> { }
      }
    });
    try {
      for (String channel : channels) {
        Subscription sub = client.subscribe(channel, msg -> {
          out.println(line(msg));
          if (count > 0 && received.incrementAndGet() >= count) {
            done.countDown();
          }
        }).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.err.println("pubsub: subscribed to " + sub.channel());
      }
    } catch (ExecutionException e) {
      client.stateHandler(null).close();
      throw CliFailure.of("subscribe", e.getCause());
    }
    done.await();
    client.stateHandler(null).close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return count > 0 && received.get() >= count ? 0 : 1;
  }

  static String line(GatewayMessage msg) {
    JsonObject json = new JsonObject().put("channel", msg.channel()).put("body", msg.body());
    if (!msg.headers().isEmpty()) {
      json.put("headers", new JsonObject(new java.util.LinkedHashMap<>(msg.headers())));
    }
    return json.encode();
  }
}
