package io.pubsubgateway.auth;

import io.pubsubgateway.channel.Access;
import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.channel.ChannelRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PermissionsTest {

  private static ChannelRule rule(String pattern, Access subscribe, Access publish) {
    return new ChannelRule(ChannelPattern.of(pattern), subscribe, publish);
  }

  private static Principal user(List<String> subscribe, List<String> publish) {
    return new Principal("alice", ChannelPattern.all(subscribe), ChannelPattern.all(publish), 0);
  }

  /** The rules of the shipped conf/gateway.yaml plus a catch-all for "open.*". */
  private static final Permissions SHIPPED = new Permissions(List.of(
    rule("public.*", Access.ALL, Access.TOKEN),
    rule("chat.*", Access.TOKEN, Access.TOKEN),
    rule("system.*", Access.TOKEN, Access.NONE),
    rule("open.*", Access.ALL, Access.ALL)));

  private static final Principal CLAIMS_EVERYTHING = user(List.of("*"), List.of("*"));
  private static final Principal NO_CLAIMS = user(List.of(), List.of());
  private static final Principal CHAT_ONLY = user(List.of("chat.room1"), List.of("chat.*"));

  @ParameterizedTest(name = "[{index}] {0} on {1}: subscribe={2} publish={3}")
  @CsvSource(delimiter = '|', textBlock = """
    # principal        | channel      | subscribe | publish
    CLAIMS_EVERYTHING  | public.news  | true      | true
    NO_CLAIMS          | public.news  | true      | false
    ANONYMOUS          | public.news  | true      | false
    CLAIMS_EVERYTHING  | chat.room1   | true      | true
    NO_CLAIMS          | chat.room1   | false     | false
    ANONYMOUS          | chat.room1   | false     | false
    CHAT_ONLY          | chat.room1   | true      | true
    CHAT_ONLY          | chat.room2   | false     | true
    CLAIMS_EVERYTHING  | system.alert | true      | false
    NO_CLAIMS          | system.alert | false     | false
    ANONYMOUS          | system.alert | false     | false
    CLAIMS_EVERYTHING  | open.x       | true      | true
    NO_CLAIMS          | open.x       | true      | true
    ANONYMOUS          | open.x       | true      | true
    CLAIMS_EVERYTHING  | other.x      | true      | true
    NO_CLAIMS          | other.x      | false     | false
    ANONYMOUS          | other.x      | false     | false
    CHAT_ONLY          | other.x      | false     | false
    CLAIMS_EVERYTHING  | __vertx.x    | false     | false
    ANONYMOUS          | __vertx.x    | false     | false
    """)
  void shippedRules(String who, String channel, boolean subscribe, boolean publish) {
    Principal p = switch (who) {
      case "CLAIMS_EVERYTHING" -> CLAIMS_EVERYTHING;
      case "NO_CLAIMS" -> NO_CLAIMS;
      case "CHAT_ONLY" -> CHAT_ONLY;
      case "ANONYMOUS" -> Principal.ANONYMOUS;
      default -> throw new IllegalArgumentException(who);
    };
    assertEquals(subscribe, SHIPPED.maySubscribe(p, channel), "subscribe");
    assertEquals(publish, SHIPPED.mayPublish(p, channel), "publish");
  }

  @Test
  void firstMatchingRuleWins() {
    Permissions allFirst = new Permissions(List.of(
      rule("chat.lobby", Access.ALL, Access.ALL),
      rule("chat.*", Access.NONE, Access.NONE)));
    assertTrue(allFirst.maySubscribe(Principal.ANONYMOUS, "chat.lobby"));
    assertTrue(allFirst.mayPublish(Principal.ANONYMOUS, "chat.lobby"));
    assertFalse(allFirst.maySubscribe(CLAIMS_EVERYTHING, "chat.other"));
    assertFalse(allFirst.mayPublish(CLAIMS_EVERYTHING, "chat.other"));

    Permissions noneFirst = new Permissions(List.of(
      rule("chat.*", Access.NONE, Access.NONE),
      rule("chat.lobby", Access.ALL, Access.ALL)));
    assertFalse(noneFirst.maySubscribe(Principal.ANONYMOUS, "chat.lobby"));
    assertFalse(noneFirst.maySubscribe(CLAIMS_EVERYTHING, "chat.lobby"));
    assertFalse(noneFirst.mayPublish(CLAIMS_EVERYTHING, "chat.lobby"));

    Permissions tokenFirst = new Permissions(List.of(
      rule("chat.*", Access.TOKEN, Access.TOKEN),
      rule("chat.lobby", Access.ALL, Access.ALL)));
    assertFalse(tokenFirst.maySubscribe(Principal.ANONYMOUS, "chat.lobby"));
    assertTrue(tokenFirst.maySubscribe(user(List.of("chat.lobby"), List.of()), "chat.lobby"));
  }

  @Test
  void ruleForReturnsTheFirstMatchingRule() {
    ChannelRule specific = rule("chat.lobby", Access.ALL, Access.ALL);
    ChannelRule general = rule("chat.*", Access.NONE, Access.NONE);
    Permissions p = new Permissions(List.of(specific, general));
    assertSame(specific, p.ruleFor("chat.lobby"));
    assertSame(general, p.ruleFor("chat.x"));
    assertNull(p.ruleFor("other"));
  }

  @Test
  void subscribeAndPublishAreIndependent() {
    Permissions p = new Permissions(List.of(rule("feed.*", Access.ALL, Access.NONE)));
    assertTrue(p.maySubscribe(NO_CLAIMS, "feed.x"));
    assertFalse(p.mayPublish(CLAIMS_EVERYTHING, "feed.x"));
    Permissions q = new Permissions(List.of(rule("in.*", Access.NONE, Access.ALL)));
    assertFalse(q.maySubscribe(CLAIMS_EVERYTHING, "in.x"));
    assertTrue(q.mayPublish(Principal.ANONYMOUS, "in.x"));
  }

  @Test
  void tokenAccessUsesTheMatchingClaimList() {
    Permissions p = new Permissions(List.of(rule("*", Access.TOKEN, Access.TOKEN)));
    Principal subOnly = user(List.of("a.*"), List.of());
    Principal pubOnly = user(List.of(), List.of("a.*"));
    assertTrue(p.maySubscribe(subOnly, "a.x"));
    assertFalse(p.mayPublish(subOnly, "a.x"));
    assertFalse(p.maySubscribe(pubOnly, "a.x"));
    assertTrue(p.mayPublish(pubOnly, "a.x"));
  }

  @Test
  void noRulesOnlyAClaimAllows() {
    Permissions p = new Permissions(List.of());
    assertTrue(p.maySubscribe(CHAT_ONLY, "chat.room1"));
    assertFalse(p.maySubscribe(CHAT_ONLY, "chat.room2"));
    assertTrue(p.mayPublish(CHAT_ONLY, "chat.room2"));
    assertFalse(p.mayPublish(CHAT_ONLY, "other"));
    assertFalse(p.maySubscribe(NO_CLAIMS, "chat.room1"));
    assertFalse(p.maySubscribe(Principal.ANONYMOUS, "x"));
    assertFalse(p.mayPublish(Principal.ANONYMOUS, "x"));
  }

  @Test
  void noneDeniesEvenWithAClaim() {
    Permissions p = new Permissions(List.of(rule("locked.*", Access.NONE, Access.NONE)));
    Principal claims = user(List.of("locked.*"), List.of("locked.door"));
    assertFalse(p.maySubscribe(claims, "locked.door"));
    assertFalse(p.mayPublish(claims, "locked.door"));
    assertFalse(p.maySubscribe(CLAIMS_EVERYTHING, "locked.door"));
  }

  @Test
  void internalAddressesAlwaysDenied() {
    Permissions all = new Permissions(List.of(rule("*", Access.ALL, Access.ALL)));
    Permissions internalAll = new Permissions(List.of(rule("__vertx.*", Access.ALL, Access.ALL)));
    Permissions none = new Permissions(List.of());
    for (Permissions p : List.of(all, internalAll, none)) {
      for (Principal who : List.of(CLAIMS_EVERYTHING, user(List.of("__vertx.*"), List.of("__vertx.*")),
        Principal.ANONYMOUS)) {
        assertFalse(p.maySubscribe(who, "__vertx.reply.1"));
        assertFalse(p.mayPublish(who, "__vertx.reply.1"));
        assertFalse(p.maySubscribe(who, "__vertx.x"));
      }
    }
    // sanity: the same rules allow an ordinary channel
    assertTrue(all.maySubscribe(Principal.ANONYMOUS, "x"));
    assertTrue(none.maySubscribe(CLAIMS_EVERYTHING, "x"));
  }

  @Test
  void anonymousAllowedOnlyByAll() {
    assertTrue(Principal.ANONYMOUS.anonymous());
    for (Access access : Access.values()) {
      Permissions p = new Permissions(List.of(rule("c.*", access, access)));
      assertEquals(access == Access.ALL, p.maySubscribe(Principal.ANONYMOUS, "c.x"), access.name());
      assertEquals(access == Access.ALL, p.mayPublish(Principal.ANONYMOUS, "c.x"), access.name());
    }
    assertFalse(new Permissions(List.of()).maySubscribe(Principal.ANONYMOUS, "c.x"));
  }

  @Test
  void rulesAreCopied() {
    List<ChannelRule> rules = new ArrayList<>();
    rules.add(rule("a", Access.ALL, Access.ALL));
    Permissions p = new Permissions(rules);
    rules.set(0, rule("a", Access.NONE, Access.NONE));
    assertTrue(p.maySubscribe(Principal.ANONYMOUS, "a"));
  }
}
