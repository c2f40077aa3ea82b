package io.pubsubgateway.config;

import io.pubsubgateway.channel.Access;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.channel.ChannelRule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {
  private static final String SOURCE = "test.yaml";
  private static final String SECRET = "Kq8vZ2mP4xR7tY1wB6nD3hF9jL0sA5cE8gU2iO4k";

  @TempDir
  static Path tmp;

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The smallest file tree that builds without touching the file system. */
  private static JsonObject minimal() {
    return new JsonObject()
      .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", SECRET)))
      .put("cluster", new JsonObject().put("enabled", false));
  }

  private static GatewayConfig build(JsonObject tree) {
    return ConfigLoader.build(tree, SOURCE, Map.of(), List.of());
  }

  private static GatewayConfig build(JsonObject tree, Map<String, String> env, String... sets) {
    return ConfigLoader.build(tree, SOURCE, env, List.of(sets));
  }

  private static ConfigException fails(JsonObject tree, Map<String, String> env, String... sets) {
    return assertThrows(ConfigException.class, () -> ConfigLoader.build(tree, SOURCE, env, List.of(sets)));
  }

  private static JsonObject section(JsonObject tree, String path) {
    JsonObject current = tree;
    for (String part : path.split("\\.")) {
      JsonObject next = current.getJsonObject(part);
      if (next == null) {
        next = new JsonObject();
        current.put(part, next);
      }
      current = next;
    }
    return current;
  }

  /** minimal() with {@code path} set to {@code value} (a null value removes the key). */
  private static JsonObject with(String path, Object value) {
    JsonObject tree = minimal();
    int dot = path.lastIndexOf('.');
    JsonObject parent = dot < 0 ? tree : section(tree, path.substring(0, dot));
    String leaf = path.substring(dot + 1);
    if (value == null) {
      parent.remove(leaf);
    } else {
      parent.put(leaf, value);
    }
    return tree;
  }

  private static Path write(String name, String content) throws Exception {
    Path file = tmp.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static String randomSecret(int length) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static ConfigException loadFails(Future<?> future) {
    ExecutionException e = assertThrows(ExecutionException.class,
      () -> future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(ConfigException.class, e.getCause());
  }

  private static void assertStartsWith(String prefix, String message) {
    assertTrue(message.startsWith(prefix), "expected a message starting with <" + prefix + "> but was <" + message + ">");
  }

  // ---------------------------------------------------------------- defaults

  @Test
  void defaults() {
    GatewayConfig c = build(minimal());
    assertEquals(new HttpConfig("127.0.0.1", 8080, "/ws", List.of("*"), 0, TlsConfig.DISABLED), c.http());
    assertEquals(new JwtConfig("HS256", SECRET, null, null, null, 5), c.auth().jwt());
    assertFalse(c.auth().allowAnonymous());
    assertEquals(new ClusterConfig(false, "conf/cluster.xml", "127.0.0.1", 0, null, "", 1, 200), c.cluster());
    assertEquals(new LimitsConfig(65536, 128, 10000, 1000, 60, 1024 * 1024, 255, 30000, 5000), c.limits());
    assertEquals(List.of(), c.channels());
    assertEquals(new ApiConfig(false, List.of(), 1024 * 1024, 3000), c.api());
    assertEquals(new MetricsConfig(true, "/metrics", true), c.metrics());
    assertEquals(new LoggingConfig(false), c.logging());
    assertEquals(new SockJsConfig(true, "/eventbus"), c.sockjs());
  }

  // ---------------------------------------------------------------- namespace options

  @Test
  void ruleOptions() {
    JsonObject tree = minimal().put("channels", new JsonArray()
      .add(new JsonObject().put("pattern", "plain.*"))
      .add(new JsonObject().put("pattern", "chat.*").put("presence", true).put("joinLeave", true).put("recovery", true)
        .put("history", new JsonObject().put("size", 100).put("ttl", "5m")))
      .add(new JsonObject().put("pattern", "feed.*").put("history", new JsonObject().put("size", 10).put("ttl", 90)))
      .add(new JsonObject().put("pattern", "off.*").put("history", new JsonObject().put("size", 0))));
    List<ChannelRule> rules = build(tree).channels();
    assertEquals(ChannelOptions.NONE, rules.get(0).options());
    assertEquals(new ChannelOptions(1, true, true, 100, 300, true), rules.get(1).options());
    assertEquals(new ChannelOptions(2, false, false, 10, 90, false), rules.get(2).options());
    assertEquals(ChannelOptions.NONE, rules.get(3).options());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "30s|30", "5m|300", "2h|7200", "1d|86400", "45|45", "' 10m '|600", "30d|2592000"})
  void durations(String text, int seconds) {
    assertEquals(seconds, Durations.seconds(text, "k"));
  }

  static Stream<Arguments> ruleOptionErrors() {
    JsonObject hist = new JsonObject().put("size", 10).put("ttl", "1m");
    return Stream.of(
      Arguments.of(new JsonObject().put("presence", "yes"), "channels[0].presence: expected true or false, got yes"),
      Arguments.of(new JsonObject().put("recovery", true), "channels[0].recovery: needs history (history.size > 0 and history.ttl)"),
      Arguments.of(new JsonObject().put("history", 5), "channels[0].history: expected {size, ttl}"),
      Arguments.of(new JsonObject().put("history", hist.copy().put("max", 1)), "channels[0].history.max: unknown key"),
      Arguments.of(new JsonObject().put("history", new JsonObject().put("size", -1).put("ttl", "1m")),
        "channels[0].history.size: must be an integer between 0 and 100000, got -1"),
      Arguments.of(new JsonObject().put("history", new JsonObject().put("size", "ten").put("ttl", "1m")),
        "channels[0].history.size: must be an integer between 0 and 100000, got ten"),
      Arguments.of(new JsonObject().put("history", new JsonObject().put("size", 10)),
        "channels[0].history.ttl: expected a duration such as 30s, 5m, 2h or 1d, got null"),
      Arguments.of(new JsonObject().put("history", new JsonObject().put("size", 10).put("ttl", "5 minutes")),
        "channels[0].history.ttl: expected a duration such as 30s, 5m, 2h or 1d, got 5 minutes"),
      Arguments.of(new JsonObject().put("history", new JsonObject().put("size", 10).put("ttl", "0s")),
        "channels[0].history.ttl: must be between 1s and 30d, got 0s"),
      Arguments.of(new JsonObject().put("history", new JsonObject().put("size", 10).put("ttl", "31d")),
        "channels[0].history.ttl: must be between 1s and 30d, got 31d"),
      Arguments.of(new JsonObject().put("joinleave", true), "channels[0].joinleave: unknown key"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("ruleOptionErrors")
  void ruleOptionErrors(JsonObject fields, String message) {
    JsonObject rule = new JsonObject().put("pattern", "x.*").mergeIn(fields);
    assertEquals(message, fails(minimal().put("channels", new JsonArray().add(rule)), Map.of()).getMessage());
  }

  // ---------------------------------------------------------------- operations keys

  @Test
  void apiMetricsAndLoggingKeys() {
    GatewayConfig c = build(minimal(), Map.of("GATEWAY_API_KEYS", "k1-0123456789abcdef, k2-0123456789abcdef"),
      "api.enabled=true", "metrics.path=/prom", "metrics.vertx=false", "logging.format=JSON");
    assertEquals(new ApiConfig(true, List.of("k1-0123456789abcdef", "k2-0123456789abcdef"), 1024 * 1024, 3000), c.api());
    assertEquals(new MetricsConfig(true, "/prom", false), c.metrics());
    assertTrue(c.logging().json());
  }

  static Stream<Arguments> operationsErrors() {
    return Stream.of(
      Arguments.of(List.of("api.enabled=true"), "api.keys: at least one key is needed when api.enabled is true"),
      Arguments.of(List.of("api.keys=short"), "api.keys: each key must be at least 16 characters (got one of 5)"),
      Arguments.of(List.of("api.enabled=true", "api.keys=k1-0123456789abcdef", "http.path=/api/ws"),
        "http.path: /api/ws collides with the server API under /api"),
      Arguments.of(List.of("api.maxBodyBytes=10"), "api.maxBodyBytes: must be between 1024 and 67108864, got 10 from --set"),
      Arguments.of(List.of("cluster.minMembers=1001"), "cluster.minMembers: must be between 1 and 1000, got 1001 from --set"),
      Arguments.of(List.of("limits.maxConnectionsPerUser=-1"),
        "limits.maxConnectionsPerUser: must be between 0 and 10000000, got -1 from --set"),
      Arguments.of(List.of("cluster.enabled=false", "cluster.minMembers=2"),
        "cluster.minMembers: must be 1 when cluster.enabled is false (a standalone node is its own quorum), got 2"),
      Arguments.of(List.of("metrics.path=metrics"),
        "metrics.path: must start with '/' and differ from http.path, /api and /health, got metrics"),
      Arguments.of(List.of("metrics.path=/ws"),
        "metrics.path: must start with '/' and differ from http.path, /api and /health, got /ws"),
      Arguments.of(List.of("logging.format=xml"), "logging.format: must be text or json, got xml"),
      Arguments.of(List.of("sockjs.path=/ws"), "sockjs.path: must start with '/', not end with one, and differ from"
        + " http.path, /api, /health, /metrics, /sdk and /demo, got /ws"),
      Arguments.of(List.of("sockjs.path=/api/eb"), "sockjs.path: must start with '/', not end with one, and differ from"
        + " http.path, /api, /health, /metrics, /sdk and /demo, got /api/eb"),
      Arguments.of(List.of("sockjs.path=/eb/"), "sockjs.path: must start with '/', not end with one, and differ from"
        + " http.path, /api, /health, /metrics, /sdk and /demo, got /eb/"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("operationsErrors")
  void operationsErrors(List<String> sets, String message) {
    assertEquals(message, fails(minimal(), Map.of(), sets.toArray(String[]::new)).getMessage());
  }

  @Test
  void emptySectionsKeepDefaults() {
    JsonObject tree = minimal().put("limits", null).put("http", new JsonObject());
    GatewayConfig c = build(tree);
    assertEquals(8080, c.http().port());
    assertEquals(65536, c.limits().maxFrameBytes());
  }

  @Test
  void nullValueKeepsDefault() {
    GatewayConfig c = build(minimal().put("http", new JsonObject().putNull("port")));
    assertEquals(8080, c.http().port());
  }

  @Test
  void fileValues() {
    JsonObject tree = minimal();
    section(tree, "http").put("host", "0.0.0.0").put("port", 9000).put("path", "/pubsub")
      .put("allowedOrigins", new JsonArray().add("https://a.example").add("https://*.b.example")).put("instances", 4);
    section(tree, "auth.jwt").put("issuer", "iss").put("audience", "aud").put("leewaySeconds", 0);
    section(tree, "auth").put("allowAnonymous", true);
    section(tree, "cluster").put("host", "127.0.0.5").put("port", 5701).put("name", "gw").put("addressPrefix", "ps.")
      .put("gapWaitMs", 50);
    section(tree, "limits").put("maxFrameBytes", 256).put("maxSubscriptionsPerConnection", 1).put("maxConnections", 2)
      .put("publishPerSecond", 0).put("idleTimeoutSeconds", 0).put("outboundQueueBytes", 4096).put("maxChannelLength", 1024)
      .put("slowConsumerGraceMs", 100);
    GatewayConfig c = build(tree);
    assertEquals(new HttpConfig("0.0.0.0", 9000, "/pubsub", List.of("https://a.example", "https://*.b.example"), 4, TlsConfig.DISABLED), c.http());
    assertEquals(new JwtConfig("HS256", SECRET, null, "iss", "aud", 0), c.auth().jwt());
    assertTrue(c.auth().allowAnonymous());
    assertEquals(new ClusterConfig(false, "conf/cluster.xml", "127.0.0.5", 5701, "gw", "ps.", 1, 50), c.cluster());
    assertEquals(new LimitsConfig(256, 1, 2, 0, 0, 4096, 1024, 30000, 100), c.limits());
  }

  static Stream<Arguments> tunablesAtTheirBounds() {
    Function<GatewayConfig, Integer> slowConsumerGrace = c -> c.limits().slowConsumerGraceMs();
    Function<GatewayConfig, Integer> gapWait = c -> c.cluster().gapWaitMs();
    Function<GatewayConfig, Integer> perUser = c -> c.limits().maxConnectionsPerUser();
    return Stream.of(
      Arguments.of("limits.maxConnectionsPerUser=0", 0, perUser),
      Arguments.of("limits.maxConnectionsPerUser=2", 2, perUser),
      Arguments.of("limits.maxConnectionsPerUser=10000000", 10_000_000, perUser),
      Arguments.of("limits.slowConsumerGraceMs=0", 0, slowConsumerGrace),
      Arguments.of("limits.slowConsumerGraceMs=600000", 600_000, slowConsumerGrace),
      Arguments.of("cluster.gapWaitMs=0", 0, gapWait),
      Arguments.of("cluster.gapWaitMs=60000", 60_000, gapWait));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("tunablesAtTheirBounds")
  void tunablesAtTheirBounds(String set, int expected, Function<GatewayConfig, Integer> read) {
    assertEquals(expected, read.apply(build(minimal(), Map.of(), set)));
  }

  @Test
  void longValueInRangeIsAccepted() {
    assertEquals(9000, build(with("http.port", 9000L)).http().port());
  }

  @Test
  void channelRules() {
    JsonObject tree = minimal().put("channels", new JsonArray()
      .add(new JsonObject().put("pattern", "public.*").put("subscribe", "all").put("publish", "token"))
      .add(new JsonObject().put("pattern", "system.*").put("subscribe", "TOKEN").put("publish", "None"))
      .add(new JsonObject().put("pattern", "x")));
    List<ChannelRule> rules = build(tree).channels();
    assertEquals(3, rules.size());
    assertEquals("public.*", rules.get(0).pattern().toString());
    assertEquals(Access.ALL, rules.get(0).subscribe());
    assertEquals(Access.TOKEN, rules.get(0).publish());
    assertEquals("system.*", rules.get(1).pattern().toString());
    assertEquals(Access.TOKEN, rules.get(1).subscribe());
    assertEquals(Access.NONE, rules.get(1).publish());
    assertEquals("x", rules.get(2).pattern().toString());
    assertEquals(Access.TOKEN, rules.get(2).subscribe());
    assertEquals(Access.TOKEN, rules.get(2).publish());
  }

  // ---------------------------------------------------------------- precedence

  @Test
  void precedenceFileEnvSet() {
    JsonObject tree = with("http.port", 9000);
    assertEquals(9000, build(tree).http().port());
    assertEquals(9001, build(tree, Map.of("GATEWAY_HTTP_PORT", "9001")).http().port());
    assertEquals(9002, build(tree, Map.of("GATEWAY_HTTP_PORT", "9001"), "http.port=9002").http().port());
    assertEquals(9002, build(tree, Map.of(), "http.port=9002").http().port());
    assertEquals(9001, build(minimal(), Map.of("GATEWAY_HTTP_PORT", "9001")).http().port());
  }

  @Test
  void laterSetWins() {
    assertEquals(2, build(minimal(), Map.of(), "http.port=1", "http.port=2").http().port());
  }

  @Test
  void setValueMayContainEquals() {
    String secret = SECRET + "==";
    GatewayConfig c = build(minimal(), Map.of(), "auth.jwt.secret=" + secret);
    assertEquals(secret, c.auth().jwt().secret());
  }

  @Test
  void setKeyAndValueAreTrimmed() {
    assertEquals(7000, build(minimal(), Map.of(), " http.port = 7000 ").http().port());
  }

  @Test
  void emptyStringSetUnsetsAKey() {
    GatewayConfig c = build(with("auth.jwt.issuer", "iss"), Map.of(), "auth.jwt.issuer=");
    assertNull(c.auth().jwt().issuer());
  }

  @ParameterizedTest
  @MethodSource("allowedOriginsEnvNames")
  void envCamelCaseNames(String envName) {
    GatewayConfig c = build(minimal(), Map.of(envName, "https://a.example, https://b.example,,"));
    assertEquals(List.of("https://a.example", "https://b.example"), c.http().allowedOrigins());
  }

  static Stream<String> allowedOriginsEnvNames() {
    return Stream.of("GATEWAY_HTTP_ALLOWED_ORIGINS", "GATEWAY_HTTP_ALLOWEDORIGINS");
  }

  @Test
  void envNamesOfEveryKind() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GATEWAY_AUTH_ALLOW_ANONYMOUS", "TRUE");
    env.put("GATEWAY_LIMITS_MAX_SUBSCRIPTIONS_PER_CONNECTION", " 64 ");
    env.put("GATEWAY_LIMITS_PUBLISHPERSECOND", "0");
    env.put("GATEWAY_AUTH_JWT_ISSUER", "env-iss");
    env.put("GATEWAY_CLUSTER_ADDRESS_PREFIX", "gw.");
    env.put("PATH", "/usr/bin");
    env.put("HOME", "/root");
    GatewayConfig c = build(minimal(), env);
    assertTrue(c.auth().allowAnonymous());
    assertEquals(64, c.limits().maxSubscriptionsPerConnection());
    assertEquals(0, c.limits().publishPerSecond());
    assertEquals("env-iss", c.auth().jwt().issuer());
    assertEquals("gw.", c.cluster().addressPrefix());
  }

  @Test
  void envSecretSatisfiesHs256() {
    JsonObject tree = new JsonObject().put("cluster", new JsonObject().put("enabled", false));
    GatewayConfig c = build(tree, Map.of("GATEWAY_AUTH_JWT_SECRET", SECRET));
    assertEquals(SECRET, c.auth().jwt().secret());
  }

  static Stream<Arguments> booleansFromText() {
    return Stream.of(
      Arguments.of("true", true), Arguments.of("false", false), Arguments.of("TRUE", true),
      Arguments.of("False", false), Arguments.of(" true ", true));
  }

  @ParameterizedTest
  @MethodSource("booleansFromText")
  void booleansFromText(String text, boolean expected) {
    assertEquals(expected, build(minimal(), Map.of("GATEWAY_AUTH_ALLOW_ANONYMOUS", text)).auth().allowAnonymous());
    assertEquals(expected, build(minimal(), Map.of(), "auth.allowAnonymous=" + text).auth().allowAnonymous());
  }

  static Stream<Arguments> intsFromText() {
    return Stream.of(Arguments.of("0", 0), Arguments.of("65535", 65535), Arguments.of(" 8081 ", 8081),
      Arguments.of("+80", 80), Arguments.of("007", 7));
  }

  @ParameterizedTest
  @MethodSource("intsFromText")
  void intsFromText(String text, int expected) {
    assertEquals(expected, build(minimal(), Map.of("GATEWAY_HTTP_PORT", text)).http().port());
    assertEquals(expected, build(minimal(), Map.of(), "http.port=" + text).http().port());
  }

  @Test
  void setAListAndABooleanAndAString() {
    GatewayConfig c = build(minimal(), Map.of(), "http.allowedOrigins=a,b", "cluster.enabled=false", "http.path=/x");
    assertEquals(List.of("a", "b"), c.http().allowedOrigins());
    assertFalse(c.cluster().enabled());
    assertEquals("/x", c.http().path());
  }

  // ---------------------------------------------------------------- errors in the file

  static Stream<Arguments> fileErrors() {
    return Stream.of(
      Arguments.of(minimal().put("nope", 1), "nope: unknown key in test.yaml"),
      Arguments.of(minimal().put("nope", new JsonObject().put("a", 1)), "nope: unknown key in test.yaml"),
      Arguments.of(with("http.prot", 8080), "http.prot: unknown key in test.yaml"),
      Arguments.of(with("auth.jwt.secrt", "x"), "auth.jwt.secrt: unknown key in test.yaml"),
      Arguments.of(with("limits.maxframebytes", 1000), "limits.maxframebytes: unknown key in test.yaml"),
      Arguments.of(minimal().put("http", 5), "http: unknown key in test.yaml"),
      Arguments.of(with("http.port", "abc"), "http.port: expected an integer, got string \"abc\" in test.yaml"),
      Arguments.of(with("http.port", "8080"), "http.port: expected an integer, got string \"8080\" in test.yaml"),
      Arguments.of(with("http.port", 80.5), "http.port: expected an integer, got double 80.5 in test.yaml"),
      Arguments.of(with("http.port", true), "http.port: expected an integer, got boolean true in test.yaml"),
      Arguments.of(with("http.allowedOrigins", 5), "http.allowedOrigins: expected a list of strings, got integer 5 in test.yaml"),
      Arguments.of(with("http.allowedOrigins", "*"), "http.allowedOrigins: expected a list of strings, got string \"*\" in test.yaml"),
      Arguments.of(with("http.allowedOrigins", new JsonArray().add("a").add(1)),
        "http.allowedOrigins: expected a list of strings, got list [\"a\",1] in test.yaml"),
      Arguments.of(with("http.host", 1), "http.host: expected a string, got integer 1 in test.yaml"),
      Arguments.of(with("auth.allowAnonymous", "yes"), "auth.allowAnonymous: expected true or false, got string \"yes\" in test.yaml"),
      Arguments.of(with("cluster.enabled", 1), "cluster.enabled: expected true or false, got integer 1 in test.yaml"),
      Arguments.of(minimal().put("channels", new JsonObject()), "channels: expected a list of rules, got object {} in test.yaml"),
      Arguments.of(with("http.port", 70000), "http.port: must be between 0 and 65535, got 70000 in test.yaml"),
      Arguments.of(with("http.port", -1), "http.port: must be between 0 and 65535, got -1 in test.yaml"),
      Arguments.of(with("http.port", 1L << 33), "http.port: must be between 0 and 65535, got 8589934592 in test.yaml"),
      Arguments.of(with("limits.maxFrameBytes", 255), "limits.maxFrameBytes: must be between 256 and 16777216, got 255 in test.yaml"),
      Arguments.of(with("limits.maxChannelLength", 1025), "limits.maxChannelLength: must be between 1 and 1024, got 1025 in test.yaml"),
      Arguments.of(with("limits.maxSubscriptionsPerConnection", 0),
        "limits.maxSubscriptionsPerConnection: must be between 1 and 1000000, got 0 in test.yaml"),
      Arguments.of(with("limits.slowConsumerGraceMs", -1),
        "limits.slowConsumerGraceMs: must be between 0 and 600000, got -1 in test.yaml"),
      Arguments.of(with("limits.slowConsumerGraceMs", 600_001),
        "limits.slowConsumerGraceMs: must be between 0 and 600000, got 600001 in test.yaml"),
      Arguments.of(with("auth.jwt.leewaySeconds", 3601), "auth.jwt.leewaySeconds: must be between 0 and 3600, got 3601 in test.yaml"),
      Arguments.of(with("cluster.minMembers", 0), "cluster.minMembers: must be between 1 and 1000, got 0 in test.yaml"),
      Arguments.of(with("cluster.minMembers", -2), "cluster.minMembers: must be between 1 and 1000, got -2 in test.yaml"),
      Arguments.of(with("cluster.minMembers", "two"), "cluster.minMembers: expected an integer, got string \"two\" in test.yaml"),
      Arguments.of(with("cluster.gapWaitMs", -1), "cluster.gapWaitMs: must be between 0 and 60000, got -1 in test.yaml"),
      Arguments.of(with("cluster.gapWaitMs", 60_001), "cluster.gapWaitMs: must be between 0 and 60000, got 60001 in test.yaml"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("fileErrors")
  void fileErrors(JsonObject tree, String message) {
    assertEquals(message, fails(tree, Map.of()).getMessage());
  }

  // ---------------------------------------------------------------- errors in env and --set

  static Stream<Arguments> overrideErrors() {
    return Stream.of(
      Arguments.of(Map.of("GATEWAY_NOPE", "1"), List.of(), "environment variable GATEWAY_NOPE: no such config key"),
      Arguments.of(Map.of("GATEWAY_HTTP_PROT", "1"), List.of(), "environment variable GATEWAY_HTTP_PROT: no such config key"),
      Arguments.of(Map.of("GATEWAY_HTTP_PORT", "abc"), List.of(),
        "http.port: expected an integer, got string \"abc\" from environment variable GATEWAY_HTTP_PORT"),
      Arguments.of(Map.of("GATEWAY_HTTP_PORT", "70000"), List.of(),
        "http.port: must be between 0 and 65535, got 70000 from environment variable GATEWAY_HTTP_PORT"),
      Arguments.of(Map.of("GATEWAY_AUTH_ALLOW_ANONYMOUS", "yes"), List.of(),
        "auth.allowAnonymous: expected true or false, got string \"yes\" from environment variable GATEWAY_AUTH_ALLOW_ANONYMOUS"),
      Arguments.of(Map.of("GATEWAY_CHANNELS", "x"), List.of(),
        "channels: can only be set in the config file, not from environment variable GATEWAY_CHANNELS"),
      Arguments.of(Map.of(), List.of("http.port"), "--set http.port: expected key.path=value"),
      Arguments.of(Map.of(), List.of("=8080"), "--set =8080: expected key.path=value"),
      Arguments.of(Map.of(), List.of(""), "--set : expected key.path=value"),
      Arguments.of(Map.of(), List.of("http.nope=1"), "http.nope: unknown key (from --set)"),
      Arguments.of(Map.of(), List.of("http=1"), "http: unknown key (from --set)"),
      Arguments.of(Map.of(), List.of("channels=[]"), "channels: can only be set in the config file, not from --set"),
      Arguments.of(Map.of(), List.of("http.port=80x"), "http.port: expected an integer, got string \"80x\" from --set"),
      Arguments.of(Map.of(), List.of("http.port="), "http.port: expected an integer, got string \"\" from --set"),
      Arguments.of(Map.of(), List.of("http.port=99999999999999999999"),
        "http.port: expected an integer, got string \"99999999999999999999\" from --set"),
      Arguments.of(Map.of(), List.of("limits.publishPerSecond=-1"),
        "limits.publishPerSecond: must be between 0 and 100000000, got -1 from --set"),
      Arguments.of(Map.of(), List.of("cluster.enabled=1"), "cluster.enabled: expected true or false, got string \"1\" from --set"));
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @MethodSource("overrideErrors")
  void overrideErrors(Map<String, String> env, List<String> sets, String message) {
    assertEquals(message, fails(minimal(), env, sets.toArray(String[]::new)).getMessage());
  }

  // ---------------------------------------------------------------- semantic errors

  @Test
  void missingSecret() {
    JsonObject tree = with("auth.jwt.secret", null);
    assertEquals("auth.jwt.secret: missing: HS256 needs auth.jwt.secret or auth.jwt.secretFile",
      fails(tree, Map.of()).getMessage());
  }

  @Test
  void emptySecretFromSetIsMissing() {
    assertEquals("auth.jwt.secret: missing: HS256 needs auth.jwt.secret or auth.jwt.secretFile",
      fails(minimal(), Map.of(), "auth.jwt.secret=").getMessage());
  }

  @Test
  void shortSecret() {
    ConfigException e = fails(with("auth.jwt.secret", "Kq8vZ2mP4xR7tY1wB6nD3hF9jL0sA5c"), Map.of());
    assertEquals("auth.jwt.secret: an HS256 secret must be at least 32 bytes of random text"
      + " (refusing a short or placeholder secret)", e.getMessage());
  }

  @Test
  void placeholderSecretOfLowVariety() {
    ConfigException e = fails(with("auth.jwt.secret", "abababababababababababababababababababab"), Map.of());
    assertStartsWith("auth.jwt.secret: an HS256 secret must be at least 32 bytes", e.getMessage());
  }

  @Test
  void secretOfExactly32BytesIsAccepted() {
    String secret = SECRET.substring(0, 32);
    assertEquals(secret, build(with("auth.jwt.secret", secret)).auth().jwt().secret());
  }

  @Test
  void bothSecretAndSecretFile() throws Exception {
    Path file = write("both-secret", SECRET);
    ConfigException e = fails(with("auth.jwt.secretFile", file.toString()), Map.of());
    assertEquals("auth.jwt.secret: set either auth.jwt.secret or auth.jwt.secretFile, not both", e.getMessage());
  }

  @Test
  void secretFileIsReadAndTrimmed() throws Exception {
    Path file = write("good-secret", "  " + SECRET + "\n\n");
    JsonObject tree = with("auth.jwt.secret", null);
    section(tree, "auth.jwt").put("secretFile", file.toString());
    assertEquals(SECRET, build(tree).auth().jwt().secret());
  }

  @Test
  void secretFileMissing() {
    String missing = tmp.resolve("no-such-secret").toString();
    JsonObject tree = with("auth.jwt.secret", null);
    section(tree, "auth.jwt").put("secretFile", missing);
    ConfigException e = fails(tree, Map.of());
    assertEquals("auth.jwt.secretFile: " + missing + " does not exist"
      + " (scripts/start-node.sh creates a random dev secret there on first start)", e.getMessage());
  }

  @Test
  void secretFileIsADirectory() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("secret-dir"));
    JsonObject tree = with("auth.jwt.secret", null);
    section(tree, "auth.jwt").put("secretFile", dir.toString());
    assertStartsWith("auth.jwt.secretFile: cannot read " + dir, fails(tree, Map.of()).getMessage());
  }

  @Test
  void shortSecretFileNamesTheFileKey() throws Exception {
    Path file = write("short-secret", "short");
    JsonObject tree = with("auth.jwt.secret", null);
    section(tree, "auth.jwt").put("secretFile", file.toString());
    assertStartsWith("auth.jwt.secretFile: an HS256 secret must be at least 32 bytes", fails(tree, Map.of()).getMessage());
  }

  @Test
  void unknownAlgorithm() {
    assertEquals("auth.jwt.algorithm: must be one of HS256, RS256, ES256, got RS999",
      fails(with("auth.jwt.algorithm", "RS999"), Map.of()).getMessage());
    assertEquals("auth.jwt.algorithm: must be one of HS256, RS256, ES256, got hs256",
      fails(minimal(), Map.of(), "auth.jwt.algorithm=hs256").getMessage());
  }

  @Test
  void emptyAlgorithm() {
    assertEquals("auth.jwt.algorithm: must not be empty", fails(minimal(), Map.of(), "auth.jwt.algorithm=").getMessage());
  }

  @Test
  void rs256WithoutPublicKeyFile() {
    assertEquals("auth.jwt.publicKeyFile: missing: RS256 needs a PEM public key file",
      fails(with("auth.jwt.algorithm", "RS256"), Map.of()).getMessage());
  }

  @Test
  void publicKeyFileNotPem() throws Exception {
    Path file = write("not-a-key.pem", "hello\n");
    JsonObject tree = with("auth.jwt.algorithm", "ES256");
    section(tree, "auth.jwt").put("publicKeyFile", file.toString());
    assertEquals("auth.jwt.publicKeyFile: " + file + " holds no PEM public key (BEGIN PUBLIC KEY)",
      fails(tree, Map.of()).getMessage());
  }

  @Test
  void publicKeyFileMissing() {
    String missing = tmp.resolve("missing.pem").toString();
    JsonObject tree = with("auth.jwt.algorithm", "RS256");
    section(tree, "auth.jwt").put("publicKeyFile", missing);
    assertEquals("auth.jwt.publicKeyFile: cannot read " + missing + ": NoSuchFileException",
      fails(tree, Map.of()).getMessage());
  }

  @Test
  void publicKeyFileIsRead() throws Exception {
    String pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
    Path file = write("public.pem", pem);
    JsonObject tree = with("auth.jwt.algorithm", "RS256");
    section(tree, "auth.jwt").put("publicKeyFile", file.toString());
    JwtConfig jwt = build(tree).auth().jwt();
    assertEquals("RS256", jwt.algorithm());
    assertEquals(pem, jwt.publicKeyPem());
    assertNull(jwt.secret());
  }

  @Test
  void httpPathMustStartWithSlash() {
    assertEquals("http.path: must start with '/', got ws", fails(with("http.path", "ws"), Map.of()).getMessage());
    assertEquals("http.path: must start with '/', got null", fails(minimal(), Map.of(), "http.path=").getMessage());
  }

  @Test
  void emptyHost() {
    assertEquals("http.host: must not be empty", fails(with("http.host", " "), Map.of()).getMessage());
  }

  static Stream<Arguments> ruleErrors() {
    return Stream.of(
      Arguments.of(new JsonArray().add(new JsonObject().put("pattern", "a").put("subscrib", "all")),
        "channels[0].subscrib: unknown key"),
      Arguments.of(new JsonArray().add(new JsonObject().put("subscribe", "all")),
        "channels[0].pattern: missing or not a string"),
      Arguments.of(new JsonArray().add(new JsonObject().put("pattern", "")),
        "channels[0].pattern: missing or not a string"),
      Arguments.of(new JsonArray().add(new JsonObject().put("pattern", 5)),
        "channels[0].pattern: missing or not a string"),
      Arguments.of(new JsonArray().add(new JsonObject().put("pattern", "a").put("subscribe", "maybe")),
        "channels[0].subscribe: must be token, all or none, got maybe"),
      Arguments.of(new JsonArray().add(new JsonObject().put("pattern", "a").put("publish", true)),
        "channels[0].publish: must be token, all or none, got true"),
      Arguments.of(new JsonArray().add(new JsonObject().put("pattern", "a"))
          .add(new JsonObject().put("pattern", "b").put("publish", "everyone")),
        "channels[1].publish: must be token, all or none, got everyone"),
      Arguments.of(new JsonArray().add(new JsonObject().put("pattern", "a")).add("b"),
        "channels[1]: expected a rule object {pattern, subscribe, publish}"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("ruleErrors")
  void ruleErrors(JsonArray channels, String message) {
    assertEquals(message, fails(minimal().put("channels", channels), Map.of()).getMessage());
  }

  @Test
  void hazelcastConfigUnreadableWhenClustered() {
    String missing = tmp.resolve("no-cluster.xml").toString();
    JsonObject tree = with("cluster.enabled", true);
    section(tree, "cluster").put("hazelcastConfig", missing);
    assertEquals("cluster.hazelcastConfig: cannot read " + missing, fails(tree, Map.of()).getMessage());
  }

  @Test
  void hazelcastConfigNotCheckedWhenStandalone() {
    String missing = tmp.resolve("no-cluster.xml").toString();
    JsonObject tree = with("cluster.enabled", false);
    section(tree, "cluster").put("hazelcastConfig", missing);
    assertEquals(missing, build(tree).cluster().hazelcastConfig());
  }

  @Test
  void hazelcastConfigReadableWhenClustered() throws Exception {
    Path file = write("cluster.xml", "<hazelcast/>\n");
    JsonObject tree = with("cluster.enabled", true);
    section(tree, "cluster").put("hazelcastConfig", file.toString());
    ClusterConfig cluster = build(tree).cluster();
    assertTrue(cluster.enabled());
    assertEquals(file.toString(), cluster.hazelcastConfig());
  }

  // ---------------------------------------------------------------- http.tls

  private static String tlsFile(String name) throws Exception {
    return write(name, "-----BEGIN CERTIFICATE-----\n").toString(); // parsed at node start, not here
  }

  @Test
  void tlsWithThePemPairFromTheFile() throws Exception {
    String cert = tlsFile("cert.pem");
    String key = tlsFile("key.pem");
    JsonObject tree = minimal();
    section(tree, "http.tls").put("enabled", true).put("certFile", cert).put("keyFile", key);
    TlsConfig tls = build(tree).http().tls();
    assertEquals(new TlsConfig(true, cert, key, null, null), tls);
    assertFalse(tls.usesKeyStore());
    assertEquals("wss", build(tree).http().scheme());
  }

  @Test
  void tlsWithAKeyStoreFromTheEnvironment() throws Exception {
    String store = tlsFile("server.p12");
    TlsConfig tls = build(minimal(), Map.of("GATEWAY_HTTP_TLS_ENABLED", "true", "GATEWAY_HTTP_TLS_KEY_STORE_FILE", store,
      "GATEWAY_HTTP_TLS_KEY_STORE_PASSWORD", "changeit")).http().tls();
    assertEquals(new TlsConfig(true, null, null, store, "changeit"), tls);
    assertTrue(tls.usesKeyStore());
    assertEquals("PKCS12", tls.keyStoreType());
    assertFalse(tls.toString().contains("changeit"), tls.toString());
  }

  @ParameterizedTest
  @CsvSource({"server.p12,PKCS12", "server.pfx,PKCS12", "server.jks,JKS", "SERVER.JKS,JKS", "server.keystore,PKCS12"})
  void keyStoreTypeFromTheExtension(String file, String type) {
    assertEquals(type, new TlsConfig(true, null, null, file, "pw").keyStoreType());
  }

  @Test
  void tlsFilesAreNotCheckedWhenDisabled() {
    String missing = tmp.resolve("no-cert.pem").toString();
    TlsConfig tls = build(minimal(), Map.of(), "http.tls.certFile=" + missing).http().tls();
    assertFalse(tls.enabled());
    assertEquals("ws", build(minimal()).http().scheme());
  }

  static Stream<Arguments> tlsErrors() throws Exception {
    String cert = tlsFile("ok-cert.pem");
    String key = tlsFile("ok-key.pem");
    String store = tlsFile("ok.jks");
    String missing = tmp.resolve("absent.pem").toString();
    String dir = Files.createDirectories(tmp.resolve("tls-dir")).toString();
    return Stream.of(
      Arguments.of(List.of(), "http.tls.certFile: missing: http.tls.enabled needs a PEM certificate and key"
        + " (http.tls.certFile, http.tls.keyFile) or a keystore (http.tls.keyStoreFile)"),
      Arguments.of(List.of("http.tls.certFile=" + cert), "http.tls.keyFile: missing: http.tls.certFile needs its PEM private key"),
      Arguments.of(List.of("http.tls.keyFile=" + key), "http.tls.certFile: missing: http.tls.keyFile needs its PEM certificate chain"),
      Arguments.of(List.of("http.tls.certFile=" + cert, "http.tls.keyFile=" + key, "http.tls.keyStoreFile=" + store,
        "http.tls.keyStorePassword=pw"), "http.tls.keyStoreFile: set either the PEM pair (http.tls.certFile, http.tls.keyFile)"
        + " or a keystore (http.tls.keyStoreFile), not both"),
      Arguments.of(List.of("http.tls.keyFile=" + key, "http.tls.keyStoreFile=" + store),
        "http.tls.keyStoreFile: set either the PEM pair (http.tls.certFile, http.tls.keyFile) or a keystore"
        + " (http.tls.keyStoreFile), not both"),
      Arguments.of(List.of("http.tls.keyStoreFile=" + store),
        "http.tls.keyStorePassword: missing: the keystore http.tls.keyStoreFile needs its password"),
      Arguments.of(List.of("http.tls.certFile=" + missing, "http.tls.keyFile=" + key), "http.tls.certFile: " + missing + " does not exist"),
      Arguments.of(List.of("http.tls.certFile=" + cert, "http.tls.keyFile=" + missing), "http.tls.keyFile: " + missing + " does not exist"),
      Arguments.of(List.of("http.tls.certFile=" + cert, "http.tls.keyFile=" + dir), "http.tls.keyFile: cannot read " + dir
        + " (not a readable file)"),
      Arguments.of(List.of("http.tls.keyStoreFile=" + missing, "http.tls.keyStorePassword=pw"),
        "http.tls.keyStoreFile: " + missing + " does not exist"),
      Arguments.of(List.of("http.tls.keyStoreFile=" + dir, "http.tls.keyStorePassword=pw"),
        "http.tls.keyStoreFile: cannot read " + dir + " (not a readable file)"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("tlsErrors")
  void tlsErrors(List<String> sets, String message) {
    List<String> all = new ArrayList<>(List.of("http.tls.enabled=true"));
    all.addAll(sets);
    assertEquals(message, fails(minimal(), Map.of(), all.toArray(String[]::new)).getMessage());
  }

  // ---------------------------------------------------------------- load() with a real Vertx

  @Test
  void loadValidYaml() throws Exception {
    Path file = write("valid.yaml", String.join("\n",
      "http:",
      "  port: 9100",
      "  path: /socket",
      "  allowedOrigins: [\"https://a.example\"]",
      "auth:",
      "  jwt:",
      "    secret: " + SECRET,
      "    issuer: my-issuer",
      "  allowAnonymous: true",
      "cluster:",
      "  enabled: false",
      "limits:",
      "  publishPerSecond: 5",
      "channels:",
      "  - pattern: \"public.*\"",
      "    subscribe: all",
      "  - pattern: \"system.*\"",
      "    publish: none",
      ""));
    GatewayConfig c = await(ConfigLoader.load(vertx, file.toString(), Map.of("GATEWAY_LIMITS_IDLE_TIMEOUT_SECONDS", "30"),
      List.of("limits.maxConnections=7")));
    assertEquals(new HttpConfig("127.0.0.1", 9100, "/socket", List.of("https://a.example"), 0, TlsConfig.DISABLED), c.http());
    assertEquals(new JwtConfig("HS256", SECRET, null, "my-issuer", null, 5), c.auth().jwt());
    assertTrue(c.auth().allowAnonymous());
    assertFalse(c.cluster().enabled());
    assertEquals(new LimitsConfig(65536, 128, 7, 5, 30, 1024 * 1024, 255), c.limits());
    assertEquals(2, c.channels().size());
    assertEquals(Access.ALL, c.channels().get(0).subscribe());
    assertEquals(Access.TOKEN, c.channels().get(0).publish());
    assertEquals(Access.TOKEN, c.channels().get(1).subscribe());
    assertEquals(Access.NONE, c.channels().get(1).publish());
  }

  @Test
  void loadReportsErrorsWithTheFileAsSource() throws Exception {
    Path file = write("unknown-key.yaml", "http:\n  prot: 1\n");
    ConfigException e = loadFails(ConfigLoader.load(vertx, file.toString(), Map.of(), List.of()));
    assertEquals("http.prot: unknown key in " + file, e.getMessage());
  }

  @Test
  void loadReportsWrongTypeFromYaml() throws Exception {
    Path file = write("wrong-type.yaml", "http:\n  port: abc\n");
    ConfigException e = loadFails(ConfigLoader.load(vertx, file.toString(), Map.of(), List.of()));
    assertEquals("http.port: expected an integer, got string \"abc\" in " + file, e.getMessage());
  }

  @Test
  void loadMissingFile() {
    String missing = tmp.resolve("missing.yaml").toString();
    ConfigException e = loadFails(ConfigLoader.load(vertx, missing, Map.of(), List.of()));
    assertEquals("config file " + missing + ": cannot read (missing or not readable)", e.getMessage());
  }

  @Test
  void loadUnparseableYaml() throws Exception {
    Path file = write("broken.yaml", "http:\n  port: [8080\n  path: \"/ws\n: : :\n\t- x\n");
    ConfigException e = loadFails(ConfigLoader.load(vertx, file.toString(), Map.of(), List.of()));
    assertStartsWith("config file " + file + ": cannot parse YAML: ", e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertFalse(e.getMessage().contains("\r"), e.getMessage());
  }

  @Test
  void loadYamlWhoseTopLevelIsNotAMapping() throws Exception {
    Path file = write("list.yaml", "- a\n- b\n");
    ConfigException e = loadFails(ConfigLoader.load(vertx, file.toString(), Map.of(), List.of()));
    assertEquals("config file " + file + ": cannot parse YAML: the top level must be a mapping of keys", e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void loadEmptyYamlGivesDefaults() throws Exception {
    Path file = write("empty.yaml", "");
    GatewayConfig c = await(ConfigLoader.load(vertx, file.toString(), Map.of(),
      List.of("auth.jwt.secret=" + SECRET, "cluster.enabled=false")));
    assertEquals(new HttpConfig("127.0.0.1", 8080, "/ws", List.of("*"), 0, TlsConfig.DISABLED), c.http());
    assertEquals(new LimitsConfig(65536, 128, 10000, 1000, 60, 1024 * 1024, 255), c.limits());
    assertEquals(List.of(), c.channels());
  }

  @Test
  void loadShippedConfig() throws Exception {
    String secret = randomSecret(40);
    GatewayConfig c = await(ConfigLoader.load(vertx, ConfigLoader.DEFAULT_FILE, Map.of(),
      List.of("auth.jwt.secret=" + secret, "auth.jwt.secretFile=")));
    assertEquals(new HttpConfig("127.0.0.1", 8080, "/ws", List.of("*"), 0, TlsConfig.DISABLED), c.http());
    assertEquals(new JwtConfig("HS256", secret, null, null, null, 5), c.auth().jwt());
    assertFalse(c.auth().allowAnonymous());
    assertEquals(new ClusterConfig(true, "conf/cluster.xml", "127.0.0.1", 0, null, "", 1, 200), c.cluster());
    assertEquals(new LimitsConfig(65536, 128, 10000, 1000, 60, 1048576, 255, 30000, 5000), c.limits());
    assertEquals(4, c.channels().size());
    assertEquals("public.*", c.channels().get(0).pattern().toString());
    assertEquals(Access.ALL, c.channels().get(0).subscribe());
    assertEquals(Access.TOKEN, c.channels().get(0).publish());
    assertEquals("chat.*", c.channels().get(1).pattern().toString());
    assertEquals(Access.TOKEN, c.channels().get(1).subscribe());
    assertEquals(Access.TOKEN, c.channels().get(1).publish());
    assertEquals(new ChannelOptions(3, true, true, 100, 300, true), c.channels().get(3).options());
    assertEquals("system.*", c.channels().get(2).pattern().toString());
    assertEquals(Access.TOKEN, c.channels().get(2).subscribe());
    assertEquals(Access.NONE, c.channels().get(2).publish());
  }

  // ---------------------------------------------------------------- schema

  @Test
  void envNames() {
    assertEquals("GATEWAY_HTTP_ALLOWED_ORIGINS", ConfigSchema.key("http.allowedOrigins").envName());
    assertEquals("GATEWAY_HTTP_ALLOWEDORIGINS", ConfigSchema.key("http.allowedOrigins").compactEnvName());
    assertEquals("GATEWAY_AUTH_JWT_LEEWAY_SECONDS", ConfigSchema.key("auth.jwt.leewaySeconds").envName());
    assertEquals("GATEWAY_HTTP_PORT", ConfigSchema.key("http.port").envName());
    assertEquals("GATEWAY_HTTP_TLS_KEY_STORE_PASSWORD", ConfigSchema.key("http.tls.keyStorePassword").envName());
  }

  @Test
  void sections() {
    assertTrue(ConfigSchema.isSection("auth"));
    assertTrue(ConfigSchema.isSection("auth.jwt"));
    assertTrue(ConfigSchema.isSection("http.tls"));
    assertFalse(ConfigSchema.isSection("auth.jwt.secret"));
    assertFalse(ConfigSchema.isSection("au"));
    assertFalse(ConfigSchema.isSection("channels"));
  }
}
