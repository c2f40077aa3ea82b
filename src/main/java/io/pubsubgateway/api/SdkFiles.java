package io.pubsubgateway.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The JavaScript SDK for pages that import it from a node: {@code GET /sdk/pubsub-gateway.mjs}
 * ({@code text/javascript}) and its type declarations {@code /sdk/pubsub-gateway.d.ts}, read once
 * from the classpath folder {@code sdk/} (the build copies them from {@code src/main/js}). Answers
 * carry an ETag (304 on {@code If-None-Match}) and {@code Access-Control-Allow-Origin: *}, as
 * browsers fetch module scripts with CORS. Any other name under {@code /sdk/} is 404. Thread-safe.
 */
final class SdkFiles {
  static final String PREFIX = "/sdk/";
  private static final Map<String, String> TYPES = Map.of(
    "pubsub-gateway.mjs", "text/javascript; charset=utf-8",
    "pubsub-gateway.d.ts", "application/typescript; charset=utf-8");

  private record File(Buffer content, String contentType, String etag) {
  }

  private final Map<String, File> files;

  private SdkFiles(Map<String, File> files) {
    this.files = files;
  }

  /** Reads the files from the classpath; a file missing there (a build without resources) is 404. */
  static SdkFiles load() {
    Map<String, File> files = new java.util.HashMap<>();
    TYPES.forEach((name, type) -> {
      try (InputStream in = SdkFiles.class.getClassLoader().getResourceAsStream("sdk/" + name)) {
        if (in != null) {
          byte[] bytes = in.readAllBytes();
          files.put(name, new File(Buffer.buffer(bytes), type, etag(bytes)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read sdk/" + name + " from the classpath", e);
      }
    });
    return new SdkFiles(Map.copyOf(files));
  }

  void mount(Router router) {
    router.get(PREFIX + ":name").handler(this::handleGet);
  }

  private void handleGet(RoutingContext ctx) {
    File file = files.get(ctx.pathParam("name"));
    if (file == null) {
      ctx.next(); // the router's 404
      return;
    }
    var response = ctx.response()
      .putHeader(HttpHeaders.ETAG, file.etag())
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
      .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    if (file.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader(HttpHeaders.CONTENT_TYPE, file.contentType()).end(file.content());
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
