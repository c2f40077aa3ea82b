package io.pubsubgateway.hub;

import io.pubsubgateway.cluster.Broker;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.history.HistoryStore.Position;
import io.pubsubgateway.hub.HubFixture.Delivery;
import io.pubsubgateway.hub.HubFixture.Loop;
import io.pubsubgateway.hub.HubFixture.Recorder;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.MemoryBroker.Registration;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.pubsubgateway.hub.HubFixture.on;
import static io.pubsubgateway.hub.HubFixture.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's channel table with a real Vert.x, four event loops and an in-memory broker: one broker
 * subscription per channel per node, shared by every local subscriber on every loop and released by
 * the last one; each message encoded once and delivered exactly once to each subscriber on its own
 * loop; registration failures and continuity losses reported to the subscribers.
 */
class ChannelHubTest {
  private final HubFixture f = new HubFixture();

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void theFirstSubscriberMakesOneBrokerSubscriptionOnItsOwnerShardsContextAndSubscribersOnEveryLoopShareIt() {
    Recorder a1 = f.recorder("a1", 1);
    f.subscribed("room.a", a1);
    assertEquals(1, f.broker.subscribeCalls("room.a"));
    assertEquals(1, f.broker.subscriptions("room.a"));
    assertSame(f.hub.ownerContext("room.a"), f.broker.last("room.a").context(),
      "the hub subscribes on the context of the shard owning the channel");
    assertEquals(1, f.hub.channelCount());

    f.subscribed("room.a", f.recorder("a1bis", 1), f.recorder("a2", 2), f.recorder("a3", 3), f.recorder("a0", 0));
    assertEquals(Map.of("room.a", 5), f.settled());
    assertEquals(1, f.broker.subscribeCalls("room.a"));
    assertEquals(1, f.broker.subscriptions());
    assertEquals(1, f.hub.channelCount());
  }

  @Test
  void eachChannelHasItsOwnSingleSubscription() {
    f.subscribed("room.a", f.recorder("a1", 1), f.recorder("a2", 2));
    f.subscribed("room.b", f.recorder("b1", 1), f.recorder("b3", 3));
    f.subscribed("room.c", f.recorder("c2", 2));
    assertEquals(Map.of("room.a", 2, "room.b", 2, "room.c", 1), f.settled());
    for (String channel : List.of("room.a", "room.b", "room.c")) {
      assertEquals(1, f.broker.subscribeCalls(channel), channel);
    }
    assertEquals(3, f.broker.subscriptions());
    assertEquals(3, f.hub.channelCount());
  }

  @Test
  void theLastSubscriberLeavingReleasesTheSubscriptionAndTheNextFirstOneMakesANewOne() {
    Recorder a1 = f.recorder("a1", 1);
    Recorder a1bis = f.recorder("a1bis", 1);
    Recorder a2 = f.recorder("a2", 2);
    f.subscribed("room.a", a1, a1bis, a2);
    Registration first = f.broker.last("room.a");

    f.unsubscribe("room.a", a1);
    assertEquals(Map.of("room.a", 2), f.settled());
    assertEquals(1, f.broker.subscriptions("room.a"));

    f.unsubscribe("room.a", a2); // loop 2 detaches; loop 1 still holds the channel
    assertEquals(Map.of("room.a", 1), f.settled());
    assertEquals(1, f.broker.subscriptions("room.a"));
    assertFalse(first.released());

    f.unsubscribe("room.a", a1bis);
    assertEquals(Map.of(), f.settled());
    assertTrue(first.released());
    assertEquals(0, f.broker.subscriptions("room.a"));
    assertEquals(0, f.hub.channelCount());

    f.subscribed("room.a", a2);
    assertEquals(2, f.broker.subscribeCalls("room.a"));
    assertEquals(1, f.broker.subscriptions("room.a"));
    assertEquals(1, f.broker.peakSubscriptions("room.a"));
  }

  @Test
  void attachAndDetachRacingFromFourEventLoopsLeaveNoSubscriptionBehind() {
    int rounds = 300;
    List<String> channels = List.of("race.0", "race.1", "race.2");
    List<Future<Void>> readies = f.race(channels, rounds);

    assertEquals(Map.of(), f.settled(), "no local subscriber left on any loop");
    assertEquals(0, f.hub.channelCount());
    assertEquals(0, f.broker.subscriptions());
    for (String channel : channels) {
      assertEquals(1, f.broker.peakSubscriptions(channel), channel + ": never two subscriptions at once");
      assertTrue(f.broker.subscribeCalls(channel) >= 1, channel);
      f.broker.registrations(channel).forEach(r -> assertTrue(r.released(), channel + " released"));
    }
    Await.result(Future.join(new ArrayList<>(readies)).otherwiseEmpty());
    for (Future<Void> ready : readies) {
      assertTrue(ready.succeeded(), "every subscribe completed successfully: " + ready.cause());
    }

    // the table still works: one subscriber per loop on one channel shares one new subscription
    List<Recorder> after = new ArrayList<>();
    for (Loop l : f.loops) {
      after.add(f.recorder("after" + l.index(), l.index()));
    }
    f.subscribed("race.0", after.toArray(Recorder[]::new));
    assertEquals(1, f.broker.subscriptions("race.0"));
    Await.result(f.publisher.publish("race.0", "x", null));
    for (Recorder r : after) {
      r.awaitLast(rec("race.0", "\"x\""));
      assertEquals(List.of(rec("race.0", "\"x\"")), r.frames());
    }
  }

  @Test
  void aMessageReachesEverySubscriberOnItsOwnLoopExactlyOnceAsOneSharedFrame() {
    List<Recorder> roomA = List.of(f.recorder("a1", 1), f.recorder("a1bis", 1), f.recorder("a2", 2),
      f.recorder("a3", 3), f.recorder("a0", 0));
    List<Recorder> roomB = List.of(f.recorder("b1", 1), f.recorder("b2", 2));
    f.subscribed("room.a", roomA.toArray(Recorder[]::new));
    f.subscribed("room.b", roomB.toArray(Recorder[]::new));

    for (int i = 1; i <= 5; i++) {
      Await.result(f.publisher.publish("room.a", "m" + i, null));
    }
    f.fence("end", Map.of("room.a", roomA, "room.b", roomB));

    List<String> expected = List.of(rec("room.a", "\"m1\""), rec("room.a", "\"m2\""), rec("room.a", "\"m3\""),
      rec("room.a", "\"m4\""), rec("room.a", "\"m5\""), rec("room.a", "\"end\""));
    List<Delivery> reference = roomA.get(0).deliveries();
    for (Recorder r : roomA) {
      assertEquals(expected, r.frames(), r.name);
      List<Delivery> got = r.deliveries();
      for (int i = 0; i < got.size(); i++) {
        Delivery d = got.get(i);
        assertSame(reference.get(i).frame(), d.frame(), r.name + ": frame " + i + " encoded once for the node");
        assertEquals("room.a", d.channel());
        assertEquals(0, d.offset());
        assertNull(d.epoch());
        assertSame(r.loop.context(), d.context(), r.name + " is called on its own loop");
      }
    }
    for (Recorder r : roomB) {
      assertEquals(List.of(rec("room.b", "\"end\"")), r.frames(), r.name + " gets nothing of room.a");
    }
    assertEquals(6, f.broker.last("room.a").delivered(), "the node receives each message once");
    assertEquals(6 * roomA.size() + roomB.size(),
      f.metrics.prometheusRegistry().get("pubsub.gateway.messages.out").counter().count());
  }

  @Test
  void publisherHeadersReachTheFrameButReservedOnesAndThePublishStampDoNot() {
    Recorder a1 = f.recorder("a1", 1);
    f.subscribed("room.h", a1);
    List<String> stamps = new ArrayList<>();
    MessageConsumer<Object> raw = on(f.loop(2).context(), () -> f.vertx.eventBus().consumer("room.h", msg -> {
      synchronized (stamps) {
        stamps.add(msg.headers().get(Broker.PUBLISHED_AT_HEADER));
      }
    }));
    Await.result(raw.completion());

    JsonObject headers = new JsonObject().put("k", "v").put(ChannelPublisher.OFFSET, "9")
      .put(ChannelPublisher.EVENT, "join").put(Broker.PUBLISHED_AT_HEADER, "1");
    Await.result(f.publisher.publish("room.h", new JsonObject().put("n", 1), headers));
    String expected = "{\"type\":\"rec\",\"address\":\"room.h\",\"body\":{\"n\":1},\"headers\":{\"k\":\"v\"}}";
    a1.awaitLast(expected);
    assertEquals(List.of(expected), a1.frames());
    Await.until("the raw consumer got the message", () -> {
      synchronized (stamps) {
        return stamps.size() == 1;
      }
    });
    synchronized (stamps) {
      assertNotNull(stamps.get(0), "the broker stamped the publish: the hub removed the stamp");
      assertTrue(Long.parseLong(stamps.get(0)) > 1, "the broker's stamp, not the publisher's");
    }
  }

  @Test
  void joinAndLeaveEventsGoOutAsTheirOwnFramesWithoutTheEventHeader() {
    Recorder a1 = f.recorder("a1", 1);
    Recorder a2 = f.recorder("a2", 2);
    f.subscribed("room.e", a1, a2);
    f.publisher.event("room.e", "join", new JsonObject().put("client", "c1").put("user", "u1"));
    f.publisher.event("room.e", "leave", new JsonObject().put("client", "c1").put("user", "u1"));
    f.fence("end", Map.of("room.e", List.of(a1, a2)));
    List<String> expected = List.of(
      "{\"type\":\"join\",\"address\":\"room.e\",\"body\":{\"client\":\"c1\",\"user\":\"u1\"}}",
      "{\"type\":\"leave\",\"address\":\"room.e\",\"body\":{\"client\":\"c1\",\"user\":\"u1\"}}",
      rec("room.e", "\"end\""));
    assertEquals(expected, a1.frames());
    assertEquals(expected, a2.frames());
  }

  @Test
  void aSubscriberThatLeftGetsNothingFurther() {
    Recorder a1 = f.recorder("a1", 1);
    Recorder a1gone = f.recorder("a1gone", 1);
    Recorder a2 = f.recorder("a2", 2);
    Recorder a2gone = f.recorder("a2gone", 2);
    Recorder a3gone = f.recorder("a3gone", 3);
    f.subscribed("room.a", a1, a1gone, a2, a2gone, a3gone);
    Await.result(f.publisher.publish("room.a", "m1", null));
    f.fence("end1", Map.of("room.a", List.of(a1, a1gone, a2, a2gone, a3gone)));

    f.unsubscribe("room.a", a1gone);
    f.unsubscribe("room.a", a2gone);
    f.unsubscribe("room.a", a3gone); // loop 3's last: it detaches
    assertEquals(Map.of("room.a", 2), f.settled());
    Await.result(f.publisher.publish("room.a", "m2", null));
    f.fence("end2", Map.of("room.a", List.of(a1, a2))); // a1 and a2 share the loops of the ones that left

    List<String> before = List.of(rec("room.a", "\"m1\""), rec("room.a", "\"end1\""));
    List<String> all = List.of(rec("room.a", "\"m1\""), rec("room.a", "\"end1\""), rec("room.a", "\"m2\""),
      rec("room.a", "\"end2\""));
    assertEquals(all, a1.frames());
    assertEquals(all, a2.frames());
    assertEquals(before, a1gone.frames());
    assertEquals(before, a2gone.frames());
    // a fence through loop 3 shows that nothing of m2 is still on its way to a3gone
    Recorder a3 = f.recorder("a3", 3);
    f.subscribed("room.a", a3);
    f.fence("end3", Map.of("room.a", List.of(a1, a3)));
    assertEquals(before, a3gone.frames());
    assertEquals(List.of(rec("room.a", "\"end3\"")), a3.frames());
    assertEquals(1, f.broker.subscribeCalls("room.a"));
  }

  @Test
  void subscribersArrivingWhileTheRegistrationIsInFlightShareItAndWaitForIt() {
    f.broker.holdRegistrations(true);
    Future<Void> a1 = f.subscribe("room.a", f.recorder("a1", 1));
    Future<Void> a2 = f.subscribe("room.a", f.recorder("a2", 2));
    Future<Void> a1bis = f.subscribe("room.a", f.recorder("a1bis", 1));
    assertEquals(Map.of("room.a", 3), f.settled());
    assertEquals(1, f.broker.subscribeCalls("room.a"));
    assertFalse(a1.isComplete() || a2.isComplete() || a1bis.isComplete(), "nobody is ready before the registration");

    f.broker.last("room.a").complete();
    Await.result(a1);
    Await.result(a2);
    Await.result(a1bis);
    assertEquals(1, f.broker.subscriptions("room.a"));
    Future<Void> late = on(f.loop(1).context(), () -> f.loop(1).hub().subscribe("room.a", f.recorder("late", 1)));
    assertTrue(late.succeeded(), "a later subscriber on a loop already attached is ready at once");
    assertEquals(1, f.broker.subscribeCalls("room.a"));
  }

  @Test
  void aFailedRegistrationFailsEverySubscriberWaitingForItAndIsReleased() {
    f.broker.holdRegistrations(true);
    Recorder a1 = f.recorder("a1", 1);
    Recorder a2 = f.recorder("a2", 2);
    Future<Void> ready1 = f.subscribe("room.a", a1);
    Future<Void> ready2 = f.subscribe("room.a", a2);
    assertEquals(Map.of("room.a", 2), f.settled());
    Registration failing = f.broker.last("room.a");

    IllegalStateException cause = new IllegalStateException("registration lost");
    failing.fail(cause);
    assertSame(cause, Await.failure(ready1), "the broker's cause reaches the subscriber");
    assertSame(cause, Await.failure(ready2));
    f.settled();
    assertTrue(failing.released(), "the hub unregisters the consumer whose registration failed");
    assertEquals(0, f.broker.subscriptions("room.a"));
    assertEquals(0, f.hub.channelCount());

    // as Session does on a failed subscribe; then a new subscriber gets a new registration
    f.unsubscribe("room.a", a1);
    f.unsubscribe("room.a", a2);
    assertEquals(Map.of(), f.settled());
    f.broker.holdRegistrations(false);
    Recorder a3 = f.recorder("a3", 1);
    f.subscribed("room.a", a3);
    assertEquals(2, f.broker.subscribeCalls("room.a"));
    assertEquals(1, f.broker.subscriptions("room.a"));
    f.fence("end", Map.of("room.a", List.of(a3)));
    assertEquals(List.of(), a1.frames());
    assertEquals(List.of(), a2.frames());
  }

  @Test
  void aSubscriberLeavingWhileTheRegistrationIsInFlightReleasesIt() {
    f.broker.holdRegistrations(true);
    Recorder a1 = f.recorder("a1", 1);
    f.subscribe("room.a", a1);
    f.unsubscribe("room.a", a1);
    assertEquals(Map.of(), f.settled());
    Registration abandoned = f.broker.last("room.a");
    assertTrue(abandoned.released());
    assertEquals(0, f.broker.subscriptions("room.a"));
    assertEquals(0, f.hub.channelCount());

    Future<Void> again = f.subscribe("room.a", a1);
    f.settled();
    assertEquals(2, f.broker.subscribeCalls("room.a"));
    abandoned.complete(); // late: changes nothing
    f.broker.last("room.a").complete();
    Await.result(again);
    assertEquals(1, f.broker.subscriptions("room.a"));
    assertEquals(1, f.broker.peakSubscriptions("room.a"));
  }

  @Test
  void aHistoryChannelDeliversInOffsetOrderWithItsPositionAndIsRetainedWhileSubscribed() {
    Recorder h1 = f.recorder("h1", 1);
    Recorder h2 = f.recorder("h2", 2);
    f.subscribed("hist.a", h1, h2);
    assertEquals(1, f.history.retains("hist.a"));

    List<Position> positions = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      positions.add(Await.result(f.publisher.publish("hist.a", "m" + i, null)));
    }
    String epoch = positions.get(0).epoch();
    assertEquals(List.of(new Position(1, epoch), new Position(2, epoch), new Position(3, epoch)), positions);
    List<HistoryStore.Entry> stored = Await.result(f.history.read("hist.a", HubFixture.HISTORY, 1, 10)).entries();
    List<JsonObject> expected = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      expected.add(new JsonObject().put("type", "rec").put("address", "hist.a").put("body", "m" + i)
        .put("headers", new JsonObject().put("offset", Integer.toString(i)).put("epoch", epoch)
          .put("mid", stored.get(i - 1).message().getString(ChannelPublisher.MID_FIELD))));
    }
    for (Recorder r : List.of(h1, h2)) {
      Await.until(r.name + " gets 3 messages", () -> r.count() == 3);
    }
    for (int i = 0; i < 3; i++) {
      Delivery d1 = h1.deliveries().get(i);
      Delivery d2 = h2.deliveries().get(i);
      assertEquals(expected.get(i), new JsonObject(d1.text()));
      assertSame(d1.frame(), d2.frame(), "encoded once");
      assertEquals(i + 1, d1.offset());
      assertEquals(epoch, d1.epoch());
      assertEquals(i + 1, d2.offset());
      assertEquals(epoch, d2.epoch());
    }

    f.unsubscribe("hist.a", h1);
    assertEquals(Map.of("hist.a", 1), f.settled());
    assertEquals(0, f.history.releases("hist.a"));
    f.unsubscribe("hist.a", h2);
    assertEquals(Map.of(), f.settled());
    assertEquals(1, f.history.releases("hist.a"), "the stream may expire once the node has no subscriber");
    assertEquals(0, f.broker.subscriptions("hist.a"));
  }

  @Test
  void aHistoryChannelThatLosesContinuityTellsEachSubscriberOnceToResyncAndReleasesEverything() {
    Recorder h1 = f.recorder("h1", 1);
    Recorder h1bis = f.recorder("h1bis", 1);
    Recorder h2 = f.recorder("h2", 2);
    f.subscribed("hist.b", h1, h1bis, h2);
    String epoch = Await.result(f.history.top("hist.b", HubFixture.HISTORY)).epoch();
    int maxPending = ChannelHub.MIN_MAX_PENDING;

    // offsets 2..66 while 1 never comes: more than maxPending wait behind the gap
    for (long offset = 2; offset <= maxPending + 2; offset++) {
      f.broker.publish("hist.b", "m" + offset, new JsonObject().put(ChannelPublisher.OFFSET, Long.toString(offset))
        .put(ChannelPublisher.EPOCH, epoch));
    }
    String reason = "hist.b: more than " + maxPending + " messages wait behind offset 1";
    for (Recorder r : List.of(h1, h1bis, h2)) {
      r.awaitResyncs(1);
    }
    assertEquals(Map.of(), f.settled(), "each loop dropped the channel");
    for (Recorder r : List.of(h1, h1bis, h2)) {
      assertEquals(List.of(reason), r.resyncs(), r.name);
      assertEquals(List.of(), r.frames(), r.name + " got nothing past the gap");
    }
    assertEquals(0, f.broker.subscriptions("hist.b"));
    assertEquals(0, f.hub.channelCount());
    assertEquals(1, f.history.releases("hist.b"));
    assertEquals(1.0, f.metrics.prometheusRegistry().get("pubsub.gateway.history.resyncs").counter().count());

    // subscribing again (with recovery, in a real session) starts over on a fresh subscription
    f.subscribed("hist.b", h1);
    assertEquals(2, f.broker.subscribeCalls("hist.b"));
    assertEquals(2, f.history.retains("hist.b"));
    Position p = Await.result(f.publisher.publish("hist.b", "fresh", null));
    assertEquals(new Position(1, epoch), p);
    Await.until("h1 gets the fresh message", () -> h1.count() == 1);
    assertEquals(1, h1.deliveries().get(0).offset());
    assertEquals(List.of(reason), h1.resyncs());
  }
}
