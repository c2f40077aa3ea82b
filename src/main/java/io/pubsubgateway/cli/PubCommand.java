package io.pubsubgateway.cli;

import io.pubsubgateway.client.GatewayClient;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@code pub CHANNEL [JSON]}: publishes one body, or one per line of stdin. */
@Command(name = "pub", mixinStandardHelpOptions = true,
  description = "Publish a JSON body, or each line of stdin as a JSON body, and wait for the gateway's ack.")
public final class PubCommand extends ClientCommandBase implements java.util.concurrent.Callable<Integer> {
  @Parameters(index = "0", paramLabel = "CHANNEL")
  String channel;

  @Parameters(index = "1", arity = "0..1", paramLabel = "JSON")
  String body;

  @Override
  public Integer call() throws Exception {
    if (body != null) {
      Object value = parse(body, 0);
      GatewayClient client = connect(List.of(), List.of(channel));
      try {
        publish(client, value, 0);
      } finally {
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
      return 0;
    }
    GatewayClient client = connect(List.of(), List.of(channel));
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (!line.isBlank()) {
          publish(client, parse(line, n), n);
        }
      }
    } finally {
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    return 0;
  }

  private static Object parse(String text, int line) {
    try {
      return Json.decodeValue(text);
    } catch (DecodeException e) {
      throw new CliFailure(CliFailure.BAD_INPUT, (line > 0 ? "line " + line + ": " : "") + "not valid JSON: "
        + (text.length() > 60 ? text.substring(0, 60) + "..." : text));
    }
  }

  private void publish(GatewayClient client, Object value, int line) throws InterruptedException {
    try {
      client.publish(channel, value).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw CliFailure.of("publish " + channel + (line > 0 ? " (line " + line + ")" : ""), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new CliFailure(CliFailure.UNREACHABLE, "publish " + channel + ": no answer");
    }
  }
}
