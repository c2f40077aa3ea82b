package io.pubsubgateway.it;

import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * History, recovery, presence and join/leave against three real clustered nodes (in-process,
 * Hazelcast on loopback) with real WebSocket clients.
 */
class HistoryPresenceIT {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final String API_KEY = "presence-api-key-0123456789";
  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(3, new JsonArray()
    .add(TestConfig.rule("hist.*", "token", "token").put("history", new JsonObject().put("size", 1000).put("ttl", "5m"))
      .put("recovery", true))
    .add(TestConfig.rule("room.*", "token", "token").put("presence", true).put("joinLeave", true))
    .add(TestConfig.rule("small.*", "token", "token").put("history", new JsonObject().put("size", 3).put("ttl", "5m"))
      .put("recovery", true))
    .add(TestConfig.rule("plain.*", "token", "token")), "api.enabled=true",
    "api.keys=" + API_KEY);

  private WsClient client(int node, String user) {
    WsClient c = WsClient.connect(cluster.clients(), cluster.node(node).port(), cluster.tokens().any(user));
    cluster.track(c);
    return c;
  }

  private static JsonObject register(WsClient c, String channel, JsonObject headers) {
    return c.register(channel, headers);
  }

  private static JsonObject since(long offset, String epoch) {
    return new JsonObject().put("since.offset", Long.toString(offset)).put("since.epoch", epoch);
  }

  private static JsonObject request(WsClient c, String type, String channel, Integer limit) {
    String id = "q" + IDS.incrementAndGet();
    JsonObject frame = new JsonObject().put("type", type).put("address", channel).put("id", id);
    if (limit != null) {
      frame.put("limit", limit);
    }
    c.send(frame);
    JsonObject answer = c.next();
    while (answer.getString("type").equals("join") || answer.getString("type").equals("leave")) {
      answer = c.next(); // events of room.* channels may come first
    }
    assertEquals(id, answer.getString("id"), answer.encode());
    return answer;
  }

  private static long offset(JsonObject rec) {
    return Long.parseLong(rec.getJsonObject("headers").getString("offset"));
  }

  @Test
  void publishersOnDifferentNodesAreSeenInTheSameOffsetOrderOnEveryNode() {
    String channel = "hist.order";
    List<WsClient> subs = new ArrayList<>();
    long start = -1;
    for (int n = 0; n < 3; n++) {
      WsClient s = client(n, "sub" + n);
      JsonObject ack = register(s, channel, null);
      start = ack.getLong("offset");
      subs.add(s);
    }
    WsClient p0 = client(0, "pub0");
    WsClient p2 = client(2, "pub2");
    int perPublisher = 150;
    for (int i = 0; i < perPublisher; i++) {
      p0.publish(channel, "a" + i);
      p2.publish(channel, "b" + i);
    }
    List<String> reference = null;
    for (WsClient s : subs) {
      List<String> bodies = new ArrayList<>();
      String epoch = null;
      for (int i = 0; i < 2 * perPublisher; i++) {
        JsonObject rec = s.next();
        assertEquals(start + i + 1, offset(rec), "offsets in order without gap: " + rec.encode());
        epoch = epoch == null ? rec.getJsonObject("headers").getString("epoch") : epoch;
        assertEquals(epoch, rec.getJsonObject("headers").getString("epoch"));
        bodies.add(rec.getString("body"));
      }
      s.assertNoFrame(100);
      if (reference == null) {
        reference = bodies;
      } else {
        assertEquals(reference, bodies, "same order on every node");
      }
    }
    // each publisher's own messages keep their order
    List<String> fromA = reference.stream().filter(b -> b.startsWith("a")).toList();
    for (int i = 0; i < perPublisher; i++) {
      assertEquals("a" + i, fromA.get(i));
    }
  }

  @Test
  void aClientThatReconnectsToAnotherNodeRecoversWhatItMissedWithoutGapOrDuplicate() {
    String channel = "hist.recover";
    WsClient pub = client(1, "pub");
    WsClient first = client(0, "reader");
    JsonObject ack = register(first, channel, null);
    String epoch = ack.getString("epoch");
    for (int i = 0; i < 5; i++) {
      pub.publish(channel, i);
    }
    long last = 0;
    for (int i = 0; i < 5; i++) {
      JsonObject rec = first.next();
      assertEquals(i, rec.getInteger("body"));
      last = offset(rec);
    }
    first.close();
    for (int i = 5; i < 15; i++) {
      pub.publish(channel, i);
    }
    Await.until("published", () -> request(pub, "history", channel, 1).getJsonObject("body").getLong("offset")
      >= ack.getLong("offset") + 15);
    WsClient again = client(2, "reader");
    JsonObject resumed = register(again, channel, since(last, epoch));
    assertEquals(Boolean.TRUE, resumed.getBoolean("recovered"), resumed.encode());
    assertEquals(epoch, resumed.getString("epoch"));
    assertEquals(last + 10, resumed.getLong("offset"));
    pub.publish(channel, 15);
    for (int i = 5; i <= 15; i++) {
      JsonObject rec = again.next();
      assertEquals(i, rec.getInteger("body"), rec.encode());
      assertEquals(last + (i - 4), offset(rec));
    }
    again.assertNoFrame(200);
  }

  @Test
  void recoveryBeyondTheHistoryOrFromAnotherEpochIsNotComplete() {
    String channel = "small.recover";
    WsClient pub = client(0, "pub");
    WsClient reader = client(1, "reader");
    JsonObject ack = register(reader, channel, null);
    long start = ack.getLong("offset");
    String epoch = ack.getString("epoch");
    reader.close();
    for (int i = 0; i < 6; i++) {
      pub.publish(channel, i);
    }
    Await.until("published", () -> request(pub, "history", channel, null).getJsonObject("body").getLong("offset") == start + 6);
    WsClient late = client(2, "reader");
    JsonObject resumed = register(late, channel, since(start, epoch));
    assertEquals(Boolean.FALSE, resumed.getBoolean("recovered"), resumed.encode());
    for (int i = 3; i < 6; i++) {
      assertEquals(i, late.next().getInteger("body"), "what history still has");
    }
    late.assertNoFrame(100);

    WsClient otherEpoch = client(0, "reader2");
    JsonObject wrong = register(otherEpoch, channel, since(start + 5, "not-the-epoch"));
    assertEquals(Boolean.FALSE, wrong.getBoolean("recovered"));
    otherEpoch.assertNoFrame(100);

    WsClient upToDate = client(1, "reader3");
    JsonObject current = register(upToDate, channel, since(start + 6, epoch));
    assertEquals(Boolean.TRUE, current.getBoolean("recovered"));
    upToDate.assertNoFrame(100);
  }

  @Test
  void historyReturnsTheLastMessagesToSubscribersOnly() {
    String channel = "hist.history";
    WsClient pub = client(0, "pub");
    for (int i = 0; i < 4; i++) {
      pub.send(new JsonObject().put("type", "publish").put("address", channel).put("body", i)
        .put("headers", new JsonObject().put("k", "v" + i)).put("id", "p" + i));
      JsonObject ack = pub.next();
      assertNotNull(ack.getLong("offset"), ack.encode());
    }
    JsonObject answer = request(client(2, "reader"), "history", channel, 2);
    assertEquals("history", answer.getString("type"));
    JsonArray messages = answer.getJsonObject("body").getJsonArray("messages");
    assertEquals(2, messages.size());
    long top = answer.getJsonObject("body").getLong("offset");
    JsonObject first = messages.getJsonObject(0).copy();
    assertTrue(((String) first.remove("mid")).matches("[0-9a-f]{12}"), messages.encode());
    assertEquals(new JsonObject().put("offset", top - 1).put("body", 2).put("headers", new JsonObject().put("k", "v2")),
      first);
    assertEquals(3, messages.getJsonObject(1).getInteger("body"));

    WsClient stranger = WsClient.connect(cluster.clients(), cluster.node(1).port(), cluster.tokens().token("stranger", List.of("other.*"),
      List.of()));
    cluster.track(stranger);
    assertEquals("access_denied", request(stranger, "history", channel, null).getString("body"));
    assertEquals("not_available", request(pub, "history", "plain.x", null).getString("body"));
    assertEquals("not_available", request(pub, "presence", "plain.x", null).getString("body"));
  }

  @Test
  void presenceListsSubscribersOfEveryNodeAndForgetsThemOnUnsubscribeAndDisconnect() {
    String channel = "room.presence";
    WsClient a = client(0, "alice");
    WsClient b = client(1, "bob");
    WsClient c = client(2, "carol");
    register(a, channel, null);
    register(b, channel, null);
    register(c, channel, null);
    Await.until("3 present", () -> users(request(a, "presence", channel, null)).equals(List.of("alice", "bob", "carol")));
    Http.Response api = Http.get(cluster.node(1).port(), "/api/presence?channel=" + channel, "X-API-Key", API_KEY);
    assertEquals(200, api.status(), api.body());
    assertEquals(List.of("alice", "bob", "carol"), api.json().getJsonArray("clients").stream()
      .map(o -> ((JsonObject) o).getString("user")).toList());
    assertEquals(channel, api.json().getString("channel"));
    Http.Response none = Http.get(cluster.node(1).port(), "/api/presence?channel=plain.x", "X-API-Key", API_KEY);
    assertEquals(400, none.status());
    assertEquals("not_available", none.json().getString("error"));
    JsonObject entry = request(c, "presence", channel, null).getJsonObject("body").getJsonArray("clients").getJsonObject(0);
    assertEquals("alice", entry.getString("user"));
    assertEquals(cluster.node(0).nodeId(), entry.getString("node"));
    assertFalse(entry.getString("client").isEmpty());

    b.close();
    Await.until("bob gone", () -> users(request(c, "presence", channel, null)).equals(List.of("alice", "carol")));
    c.close();
    Await.until("carol gone", () -> users(request(a, "presence", channel, null)).equals(List.of("alice")));
  }

  @Test
  void joinAndLeaveReachSubscribersOnEveryNode() {
    String channel = "room.events";
    WsClient watcher = client(0, "watcher");
    register(watcher, channel, null);
    JsonObject ownJoin = watcher.next();
    assertEquals("join", ownJoin.getString("type"));
    assertEquals("watcher", ownJoin.getJsonObject("body").getString("user"));

    WsClient visitor = client(2, "visitor");
    register(visitor, channel, null);
    JsonObject join = watcher.next();
    assertEquals("join", join.getString("type"));
    assertEquals(channel, join.getString("address"));
    assertEquals("visitor", join.getJsonObject("body").getString("user"));
    String client = join.getJsonObject("body").getString("client");

    visitor.close();
    JsonObject leave = watcher.next();
    assertEquals(new JsonObject().put("type", "leave").put("address", channel)
      .put("body", new JsonObject().put("client", client).put("user", "visitor")), leave);
    watcher.assertNoFrame(100);
  }

  @Test
  void aPresenceQueryOnAJoinListsTheJoiner() {
    String channel = "room.lookup";
    WsClient watcher = client(0, "watcher");
    register(watcher, channel, null);
    assertEquals("watcher", watcher.next().getJsonObject("body").getString("user")); // own join
    for (int i = 0; i < 10; i++) {
      String user = "joiner" + i;
      register(client(1 + i % 2, user), channel, null);
      JsonObject join = watcher.next();
      assertEquals(user, join.getJsonObject("body").getString("user"), join.encode());
      assertTrue(users(request(watcher, "presence", channel, null)).contains(user), "presence right after " + user
        + "'s join");
    }
  }

  @Test
  void aQuickRegisterUnregisterRegisterJoinsOnceAndLeavesNothingBehind() {
    String channel = "room.flap";
    WsClient watcher = client(1, "watcher");
    register(watcher, channel, null);
    assertEquals("watcher", watcher.next().getJsonObject("body").getString("user")); // own join
    WsClient flapper = client(0, "flapper");
    for (String type : List.of("register", "unregister", "register")) {
      flapper.send(new JsonObject().put("type", type).put("address", channel));
    }
    JsonObject join = watcher.next();
    assertEquals("join", join.getString("type"), join.encode());
    assertEquals("flapper", join.getJsonObject("body").getString("user"));
    watcher.assertNoFrame(500); // no second join, no leave without a join
    Await.until("one presence entry each", () -> users(request(watcher, "presence", channel, null))
      .equals(List.of("flapper", "watcher")));
  }

  private static List<String> users(JsonObject presence) {
    assertEquals("presence", presence.getString("type"), presence.encode());
    return presence.getJsonObject("body").getJsonArray("clients").stream()
      .map(o -> ((JsonObject) o).getString("user")).toList();
  }
}
