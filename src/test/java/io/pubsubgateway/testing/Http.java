package io.pubsubgateway.testing;

import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Blocking HTTP calls to a node (JDK client), for API, metrics and health tests: on 127.0.0.1 by port, or by URL. */
public final class Http {
  /** HTTP/1.1: without it the JDK client asks every node for an h2c upgrade. */
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();
  /** Bounds the whole exchange: the request timeout alone once let a call hang with no connection open. */
  private static final Duration EXCHANGE_TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*\\})?) (\\S+)$");

  /** A response: status and body. */
  public record Response(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private Http() {
  }

  /** Sends {@code method path} with an optional body and headers given as name, value pairs. */
  public static Response send(int port, String method, String path, String body, String... headers) {
    return sendTo("http://127.0.0.1:" + port, method, path, body, headers);
  }

  /** Sends {@code method path} to the node at {@code baseUrl} ({@code http://host:port}). */
  public static Response sendTo(String baseUrl, String method, String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
      .timeout(Duration.ofSeconds(15))
      .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = CLIENT.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .get(EXCHANGE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      return new Response(r.statusCode(), r.body());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(method + " " + path + ": " + (e.getCause() == null ? e : e.getCause()), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Response get(int port, String path, String... headers) {
    return send(port, "GET", path, null, headers);
  }

  /** Status of {@code GET path} at {@code baseUrl} ({@code http://host:port}), or -1 when it cannot connect. */
  public static int status(String baseUrl, String path) {
    try {
      return sendTo(baseUrl, "GET", path, null).status();
    } catch (IllegalStateException e) {
      return -1;
    }
  }

  /** Status of {@code GET path}, or -1 when the connection is refused. */
  public static int status(int port, String path) {
    try {
      return get(port, path).status();
    } catch (IllegalStateException e) {
      return -1;
    }
  }

  /** Scrapes {@code /metrics}: each sample line as {@code name{labels}} to value. */
  public static Map<String, Double> metrics(int port) {
    Response r = get(port, "/metrics");
    if (r.status() != 200) {
      throw new IllegalStateException("/metrics: " + r.status());
    }
    Map<String, Double> samples = new HashMap<>();
    for (String line : r.body().split("\n")) {
      Matcher m = SAMPLE.matcher(line);
      if (!line.startsWith("#") && m.matches()) {
        samples.put(m.group(1), Double.parseDouble(m.group(2)));
      }
    }
    return samples;
  }
}
