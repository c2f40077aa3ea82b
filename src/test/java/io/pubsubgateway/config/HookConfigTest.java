package io.pubsubgateway.config;

import io.pubsubgateway.channel.ChannelRule;
import io.pubsubgateway.channel.Hook;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The hook keys of channel rules and of {@code auth}: values, defaults, and errors naming the key. */
class HookConfigTest {
  private static final String SECRET = "Kq8vZ2mP4xR7tY1wB6nD3hF9jL0sA5cE8gU2iO4k";

  private static JsonObject minimal() {
    return new JsonObject()
      .put("auth", new JsonObject().put("jwt", new JsonObject().put("secret", SECRET)))
      .put("cluster", new JsonObject().put("enabled", false));
  }

  private static GatewayConfig build(JsonObject tree, String... sets) {
    return ConfigLoader.build(tree, "test.yaml", Map.of(), List.of(sets));
  }

  private static String failure(JsonObject tree, String... sets) {
    return assertThrows(ConfigException.class, () -> build(tree, sets)).getMessage();
  }

  private static JsonObject withRule(JsonObject fields) {
    return minimal().put("channels", new JsonArray().add(new JsonObject().put("pattern", "x.*").mergeIn(fields)));
  }

  @Test
  void ruleHooksWithTheirSettingsAndDefaults() {
    JsonObject tree = minimal().put("channels", new JsonArray()
      .add(new JsonObject().put("pattern", "plain.*"))
      .add(new JsonObject().put("pattern", "sub.*").put("subscribeHook", "hooks.sub"))
      .add(new JsonObject().put("pattern", "both.*").put("subscribeHook", "hooks.s").put("publishHook", " hooks.p ")
        .put("hookTimeoutMs", 150).put("hookFailure", "accept")));
    List<ChannelRule> rules = build(tree).channels();
    assertNull(rules.get(0).subscribeHook());
    assertNull(rules.get(0).publishHook());
    assertEquals(new Hook("hooks.sub", 2000, false), rules.get(1).subscribeHook());
    assertNull(rules.get(1).publishHook());
    assertEquals(new Hook("hooks.s", 150, true), rules.get(2).subscribeHook());
    assertEquals(new Hook("hooks.p", 150, true), rules.get(2).publishHook());
  }

  static Stream<Arguments> ruleErrors() {
    JsonObject hook = new JsonObject().put("publishHook", "hooks.p");
    return Stream.of(
      Arguments.of(hook.copy().put("hookFailure", "maybe"), "channels[0].hookFailure: must be reject or accept, got maybe"),
      Arguments.of(hook.copy().put("hookFailure", true), "channels[0].hookFailure: must be reject or accept, got true"),
      Arguments.of(hook.copy().put("hookTimeoutMs", 0),
        "channels[0].hookTimeoutMs: must be an integer between 1 and 60000 (milliseconds), got 0"),
      Arguments.of(hook.copy().put("hookTimeoutMs", -5),
        "channels[0].hookTimeoutMs: must be an integer between 1 and 60000 (milliseconds), got -5"),
      Arguments.of(hook.copy().put("hookTimeoutMs", 60_001),
        "channels[0].hookTimeoutMs: must be an integer between 1 and 60000 (milliseconds), got 60001"),
      Arguments.of(hook.copy().put("hookTimeoutMs", "2s"),
        "channels[0].hookTimeoutMs: must be an integer between 1 and 60000 (milliseconds), got 2s"),
      Arguments.of(new JsonObject().put("publishHook", ""),
        "channels[0].publishHook: must be a non-empty event-bus address, got "),
      Arguments.of(new JsonObject().put("subscribeHook", "  "),
        "channels[0].subscribeHook: must be a non-empty event-bus address, got   "),
      Arguments.of(new JsonObject().put("subscribeHook", 7),
        "channels[0].subscribeHook: must be a non-empty event-bus address, got 7"),
      Arguments.of(new JsonObject().put("hookTimeoutMs", 100), "channels[0].hookTimeoutMs: needs subscribeHook or publishHook"),
      Arguments.of(new JsonObject().put("hookFailure", "accept"), "channels[0].hookFailure: needs subscribeHook or publishHook"),
      Arguments.of(new JsonObject().put("connectHook", "x"), "channels[0].connectHook: unknown key"));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("ruleErrors")
  void ruleErrors(JsonObject fields, String message) {
    assertEquals(message, failure(withRule(fields)));
  }

  @Test
  void connectHookKeys() {
    assertNull(build(minimal()).auth().connectHook());
    assertEquals(new Hook("hooks.connect", 2000, false), build(minimal(), "auth.connectHook=hooks.connect").auth()
      .connectHook());
    assertEquals(new Hook("hooks.connect", 300, true), build(minimal(), "auth.connectHook=hooks.connect",
      "auth.connectHookTimeoutMs=300", "auth.connectHookFailure=accept").auth().connectHook());
  }

  @Test
  void connectHookErrorsNameTheKey() {
    assertEquals("auth.connectHookFailure: must be reject or accept, got never",
      failure(minimal(), "auth.connectHook=h", "auth.connectHookFailure=never"));
    assertEquals("auth.connectHookTimeoutMs: must be between 1 and 60000, got 0 from --set",
      failure(minimal(), "auth.connectHook=h", "auth.connectHookTimeoutMs=0"));
    assertEquals("auth.connectHookTimeoutMs: must be between 1 and 60000, got -1 from --set",
      failure(minimal(), "auth.connectHook=h", "auth.connectHookTimeoutMs=-1"));
    JsonObject blank = minimal();
    blank.getJsonObject("auth").put("connectHook", " ");
    assertEquals("auth.connectHook: must be a non-empty event-bus address, got  ", failure(blank));
  }
}
