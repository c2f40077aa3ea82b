package io.pubsubgateway.testing;

import io.pubsubgateway.config.ConfigLoader;
import io.pubsubgateway.config.GatewayConfig;
import io.pubsubgateway.config.JwtConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Node configurations for tests: the shipped defaults, loopback, a random port and a test secret. */
public final class TestConfig {
  /** HS256 secret every test node and token uses. */
  public static final String SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

  private TestConfig() {
  }

  /** A cluster name no other test class or running cluster uses. */
  public static String uniqueClusterName() {
    return "test-" + UUID.randomUUID();
  }

  /**
   * A config for a test node: shipped channel rules replaced by {@code rules}, {@code sets} applied
   * last (key=value, as with --set).
   */
  public static GatewayConfig config(String clusterName, JsonArray rules, String... sets) {
    JsonObject tree = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2))
      .put("auth", new JsonObject().put("jwt", new JsonObject().put("algorithm", "HS256").put("secret", SECRET)))
      .put("cluster", new JsonObject().put("enabled", clusterName != null).put("hazelcastConfig", "conf/cluster.xml")
        .put("name", clusterName))
      .put("channels", rules == null ? new JsonArray() : rules);
    List<String> all = new ArrayList<>(Arrays.asList(sets));
    return ConfigLoader.build(tree, "test config", Map.of(), all);
  }

  /** A rule for {@code channels}. */
  public static JsonObject rule(String pattern, String subscribe, String publish) {
    return new JsonObject().put("pattern", pattern).put("subscribe", subscribe).put("publish", publish);
  }

  public static JwtConfig jwt() {
    return new JwtConfig("HS256", SECRET, null, null, null, 0);
  }
}
