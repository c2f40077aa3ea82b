package io.pubsubgateway.config;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The schema's typed key constants are the keys: each key is declared once, as a constant named
 * after its path, and every number's default lies within its own bounds.
 */
class ConfigSchemaTest {

  /** The {@code public static final Key} fields of {@link ConfigSchema}, by name. */
  private static Map<String, ConfigSchema.Key<?>> constants() throws IllegalAccessException {
    Map<String, ConfigSchema.Key<?>> constants = new LinkedHashMap<>();
    for (Field f : ConfigSchema.class.getDeclaredFields()) {
      int m = f.getModifiers();
      if (f.getType() == ConfigSchema.Key.class && Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)) {
        constants.put(f.getName(), (ConfigSchema.Key<?>) f.get(null));
      }
    }
    return constants;
  }

  @Test
  void everyKeyIsAConstantNamedAfterItsPath() throws IllegalAccessException {
    Map<String, ConfigSchema.Key<?>> constants = constants();
    assertEquals(ConfigSchema.keys().size(), constants.size(), "constants " + constants.keySet());
    for (Map.Entry<String, ConfigSchema.Key<?>> e : constants.entrySet()) {
      ConfigSchema.Key<?> key = e.getValue();
      assertSame(key, ConfigSchema.key(key.path()), key.path() + " is not in keys()");
      assertEquals(key.envName().substring("GATEWAY_".length()), e.getKey(), "constant of " + key.path());
    }
  }

  @Test
  void keysKeepTheirDocumentationOrder() {
    assertEquals(List.of("http.host", "http.port", "http.path", "http.allowedOrigins", "http.instances",
        "http.tls.enabled", "http.tls.certFile", "http.tls.keyFile", "http.tls.keyStoreFile",
        "http.tls.keyStorePassword", "auth.jwt.algorithm", "auth.jwt.secret", "auth.jwt.secretFile",
        "auth.jwt.publicKeyFile", "auth.jwt.issuer", "auth.jwt.audience", "auth.jwt.leewaySeconds",
        "auth.allowAnonymous", "auth.connectHook", "auth.connectHookTimeoutMs", "auth.connectHookFailure",
        "cluster.enabled", "cluster.hazelcastConfig", "cluster.host", "cluster.port",
        "cluster.name", "cluster.addressPrefix", "cluster.minMembers", "cluster.gapWaitMs", "limits.maxFrameBytes",
        "limits.maxSubscriptionsPerConnection", "limits.maxConnections", "limits.publishPerSecond",
        "limits.idleTimeoutSeconds", "limits.outboundQueueBytes", "limits.maxChannelLength", "limits.replyTimeoutMs",
        "limits.slowConsumerGraceMs", "limits.maxConnectionsPerUser",
        "sockjs.enabled", "sockjs.path", "demo.enabled", "api.enabled", "api.keys", "api.maxBodyBytes",
        "api.clusterTimeoutMs", "metrics.enabled", "metrics.path", "metrics.vertx", "events.address", "events.webhook.url",
        "events.webhook.secret", "events.webhook.secretFile", "events.webhook.queueSize", "events.webhook.batchSize",
        "events.webhook.batchDelayMs", "events.webhook.timeoutMs", "events.webhook.maxAttempts",
        "events.webhook.retryDelayMs", "events.webhook.maxRetryDelayMs", "logging.format", "channels"),
      List.copyOf(ConfigSchema.keys().keySet()));
  }

  @Test
  void everyNumberDefaultIsWithinItsBounds() {
    List<String> wrong = new ArrayList<>();
    for (ConfigSchema.Key<?> key : ConfigSchema.keys().values()) {
      if (key.type() == ConfigSchema.Type.INT) {
        int def = (Integer) key.defaultValue();
        if (def < key.min() || def > key.max()) {
          wrong.add(key.path() + ": " + def + " outside " + key.min() + ".." + key.max());
        }
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }
}
