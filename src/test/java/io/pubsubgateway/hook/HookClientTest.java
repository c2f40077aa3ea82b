package io.pubsubgateway.hook;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.channel.Access;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.channel.ChannelRule;
import io.pubsubgateway.channel.Hook;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hook client against a real (local) event bus: a decision for each reply, and each failure
 * (no consumer, timeout, failure reply, malformed reply) decided by the hook's failure mode.
 */
class HookClientTest {
  private static Vertx vertx;
  private static HookClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer("h.accept", m -> m.reply(new JsonObject().put("result", "accept")));
    vertx.eventBus().<JsonObject>consumer("h.reject", m -> m.reply(new JsonObject().put("result", "reject")
      .put("code", "nope").put("message", "not you")));
    vertx.eventBus().<JsonObject>consumer("h.silent", m -> { });
    vertx.eventBus().<JsonObject>consumer("h.fail", m -> m.fail(500, "database down"));
    vertx.eventBus().<JsonObject>consumer("h.garbage", m -> m.reply("yes"));
    vertx.eventBus().<JsonObject>consumer("h.echo", m -> m.reply(new JsonObject().put("result", "accept")
      .put("body", m.body())));
    client = new HookClient(vertx.eventBus(), List.of(
      new ChannelRule(ChannelPattern.of("plain.*"), Access.TOKEN, Access.TOKEN),
      new ChannelRule(ChannelPattern.of("a.*"), Access.TOKEN, Access.TOKEN, ChannelOptions.NONE,
        new Hook("h.accept", 100, false), null),
      new ChannelRule(ChannelPattern.of("*"), Access.TOKEN, Access.TOKEN, ChannelOptions.NONE, null,
        new Hook("h.echo", 100, false))));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HookDecision ask(String address, boolean acceptOnFailure, HookType type) throws Exception {
    Future<HookDecision> f = client.ask(new Hook(address, 200, acceptOnFailure), type,
      new JsonObject().put("type", type.wire()).put("user", "u").put("client", "c").put("channel", "x"));
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static HookDecision failed(String message) {
    return new HookDecision(false, "hook_failed", message, true, false, null, null);
  }

  @Test
  void theFirstMatchingRuleDecidesWhichHookIsAsked() {
    assertNull(client.subscribeHook("plain.x"), "first match has no hook, the catch-all is not asked");
    assertNull(client.publishHook("plain.x"));
    assertEquals("h.accept", client.subscribeHook("a.b").address());
    assertNull(client.publishHook("a.b"));
    assertEquals("h.echo", client.publishHook("other").address());
    assertTrue(client.hasChannelHooks());
    assertFalse(new HookClient(vertx.eventBus(), List.of()).hasChannelHooks());
  }

  @Test
  void repliesDecide() throws Exception {
    assertEquals(HookDecision.ACCEPT, ask("h.accept", false, HookType.SUBSCRIBE));
    assertEquals(new HookDecision(false, "nope", "not you", false, false, null, null),
      ask("h.reject", true, HookType.PUBLISH));
    HookDecision echoed = ask("h.echo", false, HookType.PUBLISH);
    assertTrue(echoed.replacesBody());
    assertEquals("x", ((JsonObject) echoed.body()).getString("channel"));
  }

  @Test
  void failuresAreRefusedWithHookFailedUnderReject() throws Exception {
    assertEquals(failed("subscribe hook failed: no consumer"), ask("h.nobody", false, HookType.SUBSCRIBE));
    assertEquals(failed("publish hook failed: timeout"), ask("h.silent", false, HookType.PUBLISH));
    assertEquals(failed("send hook failed: error"), ask("h.fail", false, HookType.SEND));
    assertEquals(failed("connect hook failed: malformed reply"), ask("h.garbage", false, HookType.CONNECT));
  }

  @Test
  void failuresAreAcceptedUnchangedUnderAccept() throws Exception {
    HookDecision accepted = new HookDecision(true, null, null, true, false, null, null);
    for (String address : List.of("h.nobody", "h.silent", "h.fail", "h.garbage")) {
      assertEquals(accepted, ask(address, true, HookType.PUBLISH), address);
    }
  }

  @Test
  void theConnectRequestCarriesNoTokenNorCookie() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer eyJ.x.y")
      .add("Cookie", "s=1").add("Origin", "https://app.example").add("User-Agent", "test/1")
      .add("X-Forwarded-For", "10.0.0.1");
    JsonObject request = HookClient.connectRequest(new Principal("alice", List.of(), List.of(), 0,
      new JsonObject().put("plan", "free")), "c1", "127.0.0.1:5555", "websocket", headers);
    assertEquals(new JsonObject().put("type", "connect").put("user", "alice").put("client", "c1")
      .put("info", new JsonObject().put("plan", "free")).put("remote", "127.0.0.1:5555").put("transport", "websocket")
      .put("headers", new JsonObject().put("origin", "https://app.example").put("user-agent", "test/1")
        .put("x-forwarded-for", "10.0.0.1")), request);
  }
}
