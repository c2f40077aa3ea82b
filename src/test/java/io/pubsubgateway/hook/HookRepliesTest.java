package io.pubsubgateway.hook;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The exact reply shapes a hook may send, and the malformed ones that count as a hook failure. */
class HookRepliesTest {
  private static JsonObject reply(String json) {
    return new JsonObject(json);
  }

  @Test
  void acceptsAndRejects() {
    assertEquals(HookDecision.ACCEPT, HookReplies.parse(HookType.SUBSCRIBE, reply("{\"result\":\"accept\"}")));
    assertEquals(HookDecision.ACCEPT, HookReplies.parse(HookType.PUBLISH, reply("{\"result\":\"accept\"}")));
    assertEquals(new HookDecision(false, "banned", "you are banned", false, false, null, null),
      HookReplies.parse(HookType.SUBSCRIBE, reply("{\"result\":\"reject\",\"code\":\"banned\",\"message\":\"you are banned\"}")));
    assertEquals(new HookDecision(false, "x_1", "refused", false, false, null, null),
      HookReplies.parse(HookType.CONNECT, reply("{\"result\":\"reject\",\"code\":\"x_1\"}")));
    assertEquals(256, HookReplies.parse(HookType.PUBLISH, new JsonObject().put("result", "reject").put("code", "long")
      .put("message", "m".repeat(1000))).message().length());
  }

  @Test
  void publishAndSendMayReplaceTheBodyWithAnyJsonValue() {
    assertEquals(new HookDecision(true, null, null, false, true, new JsonObject().put("clean", true), null),
      HookReplies.parse(HookType.PUBLISH, reply("{\"result\":\"accept\",\"body\":{\"clean\":true}}")));
    assertEquals(new HookDecision(true, null, null, false, true, null, null),
      HookReplies.parse(HookType.SEND, reply("{\"result\":\"accept\",\"body\":null}")));
    assertEquals(new HookDecision(true, null, null, false, true, new JsonArray().add(1), null),
      HookReplies.parse(HookType.PUBLISH, reply("{\"result\":\"accept\",\"body\":[1]}")));
  }

  @Test
  void connectMayAttachInfo() {
    assertEquals(new HookDecision(true, null, null, false, false, null, new JsonObject().put("plan", "gold")),
      HookReplies.parse(HookType.CONNECT, reply("{\"result\":\"accept\",\"info\":{\"plan\":\"gold\"}}")));
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
      Arguments.of(HookType.SUBSCRIBE, "accept", "not a JSON object: \"accept\""),
      Arguments.of(HookType.SUBSCRIBE, null, "not a JSON object: null"),
      Arguments.of(HookType.SUBSCRIBE, reply("{}"), "result must be accept or reject, got null"),
      Arguments.of(HookType.SUBSCRIBE, reply("{\"result\":\"ok\"}"), "result must be accept or reject, got \"ok\""),
      Arguments.of(HookType.SUBSCRIBE, reply("{\"result\":\"accept\",\"body\":1}"),
        "unexpected field body in a reply with result accept"),
      Arguments.of(HookType.PUBLISH, reply("{\"result\":\"accept\",\"info\":{}}"), "unexpected field info in a reply with result accept"),
      Arguments.of(HookType.PUBLISH, reply("{\"result\":\"accept\",\"body\":1,\"headers\":{}}"),
        "unexpected field headers in a reply with result accept"),
      Arguments.of(HookType.CONNECT, reply("{\"result\":\"accept\",\"info\":\"gold\"}"),
        "info must be a JSON object, got \"gold\""),
      Arguments.of(HookType.SUBSCRIBE, reply("{\"result\":\"reject\"}"),
        "reject needs a snake_case code (a-z 0-9 _, at most 64), got null"),
      Arguments.of(HookType.SUBSCRIBE, reply("{\"result\":\"reject\",\"code\":\"Not Allowed\"}"),
        "reject needs a snake_case code (a-z 0-9 _, at most 64), got \"Not Allowed\""),
      Arguments.of(HookType.SUBSCRIBE, reply("{\"result\":\"reject\",\"code\":\"no\",\"message\":5}"),
        "message must be a string, got 5"),
      Arguments.of(HookType.SUBSCRIBE, reply("{\"result\":\"reject\",\"code\":\"no\",\"reason\":\"x\"}"),
        "unexpected field reason in a reply with result reject"));
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @MethodSource("malformed")
  void malformedRepliesAreHookFailures(HookType type, Object reply, String problem) {
    assertEquals(problem, assertThrows(HookReplies.MalformedReply.class, () -> HookReplies.parse(type, reply))
      .getMessage());
  }
}
