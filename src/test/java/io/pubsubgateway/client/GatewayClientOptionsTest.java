package io.pubsubgateway.client;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GatewayClientOptionsTest {
  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8080/ws", "127.0.0.1:8080", "ws:///ws", "tcp://x"})
  void onlyWsAndWssUrlsWithAHost(String url) {
    assertThrows(IllegalArgumentException.class, () -> new GatewayClientOptions().addUrl(url));
  }

  @Test
  void validOptions() {
    GatewayClientOptions o = new GatewayClientOptions().setUrls(List.of("ws://127.0.0.1:8080/ws", "wss://127.0.0.1:8443/ws"))
      .setToken("t").setRequestTimeout(Duration.ofSeconds(3));
    o.validate();
    assertEquals(2, o.getUrls().size());
    assertEquals(Duration.ofSeconds(3), o.getRequestTimeout());
    assertEquals(GatewayClientOptions.DEFAULT_PING_INTERVAL, o.getPingInterval());
  }

  @Test
  void urlsAndTokenAreRequired() {
    assertThrows(IllegalArgumentException.class, () -> new GatewayClientOptions().setToken("t").validate());
    assertThrows(IllegalArgumentException.class, () -> new GatewayClientOptions().addUrl("ws://127.0.0.1/ws").validate());
    assertThrows(IllegalArgumentException.class, () -> new GatewayClientOptions().setPingInterval(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new GatewayClientOptions().setWriteQueueMaxBytes(10));
  }

  @Test
  void trustSettings(@TempDir Path dir) throws IOException {
    GatewayClientOptions o = new GatewayClientOptions().addUrl("wss://localhost:8443/ws").setToken("t");
    assertFalse(o.isTrustAll());
    assertNull(o.getTrustPemFile());
    assertFalse(o.toWebSocketClientOptions().isTrustAll());
    assertTrue(o.toWebSocketClientOptions().isVerifyHost());

    Path pem = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    o.setTrustPemFile(pem.toString());
    assertEquals(pem.toString(), o.getTrustPemFile());
    assertTrue(o.toWebSocketClientOptions().isVerifyHost());
    o.validate();
    assertThrows(IllegalArgumentException.class, () -> o.setTrustAll(true).validate(), "trustAll with a trust file");

    GatewayClientOptions dev = new GatewayClientOptions().addUrl("wss://localhost:8443/ws").setToken("t").setTrustAll(true);
    dev.validate();
    assertTrue(dev.toWebSocketClientOptions().isTrustAll());
    assertFalse(dev.toWebSocketClientOptions().isVerifyHost());

    assertThrows(IllegalArgumentException.class, () -> new GatewayClientOptions().setTrustPemFile(dir.resolve("none.pem").toString()));
    assertThrows(IllegalArgumentException.class, () -> new GatewayClientOptions().setTrustPemFile(dir.toString()));
    assertThrows(IllegalArgumentException.class, () -> new GatewayClientOptions().setTrustPemFile(" "));
  }

  /** The SDK ships alone (the client jar): it may use only the JDK, vertx-core (and its Netty) and protocol/. */
  @Test
  void theSdkDependsOnlyOnVertxCoreAndTheProtocolPackage() throws IOException {
    Pattern imports = Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);
    for (String pkg : List.of("client", "protocol")) {
      try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/pubsubgateway", pkg))) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = imports.matcher(Files.readString(f));
          while (m.find()) {
            String imported = m.group(2);
            assertTrue(imported.startsWith("java.") || imported.startsWith("io.vertx.core.")
                || imported.startsWith("io.netty.") || imported.startsWith("io.pubsubgateway.client.")
                || imported.startsWith("io.pubsubgateway.protocol."), f + " imports " + imported);
          }
        }
      }
    }
  }
}
