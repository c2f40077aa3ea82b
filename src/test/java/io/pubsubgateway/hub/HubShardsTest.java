package io.pubsubgateway.hub;

import io.pubsubgateway.hub.HubFixture.Delivery;
import io.pubsubgateway.hub.HubFixture.Loop;
import io.pubsubgateway.hub.HubFixture.Recorder;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.MemoryBroker.Registration;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.pubsubgateway.hub.HubFixture.on;
import static io.pubsubgateway.hub.HubFixture.rec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The channel table sharded by event loop: each channel is owned by one loop's shard (its broker
 * subscription registered there), its subscribers on that loop are delivered within the broker's
 * handler, those on other loops through one hand-over task per loop per turn of the owner loop, and
 * every loop sees each channel's messages (and a resync after them) in the order the owner produced
 * them — also with a loop that runs no server verticle, or two of them.
 */
class HubShardsTest {
  private static final Duration LONG = Duration.ofSeconds(60);
  private HubFixture f;

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void channelsSpreadOverTheShardsAndEachIsSubscribedOnItsOwnersLoop() {
    f = new HubFixture();
    int[] owned = new int[HubFixture.LOOPS];
    for (int n = 0; n < 64; n++) {
      owned[f.owner("spread." + n)]++;
    }
    for (int loop = 0; loop < HubFixture.LOOPS; loop++) {
      assertTrue(owned[loop] >= 8, "loop " + loop + " owns " + owned[loop] + " of 64 channels");
    }

    Recorder r = f.recorder("r", 1);
    List<String> channels = new ArrayList<>();
    for (int loop = 0; loop < HubFixture.LOOPS; loop++) {
      channels.addAll(f.ownedBy(loop, "spread.", 2));
    }
    Set<Object> registrationLoops = new HashSet<>();
    for (String channel : channels) {
      f.subscribed(channel, r);
      Context context = f.broker.last(channel).context();
      assertSame(f.hub.ownerContext(channel), context, channel + " is subscribed on its owner shard's context");
      assertSame(f.eventLoops.get(f.owner(channel)), ((ContextInternal) context).nettyEventLoop());
      registrationLoops.add(((ContextInternal) context).nettyEventLoop());
    }
    assertEquals(HubFixture.LOOPS, registrationLoops.size(), "the channels' subscriptions are on every loop");
    assertEquals(channels.size(), f.hub.channelCount(), "counted over the shards");
    assertEquals(channels.size(), f.broker.subscriptions());
    for (String channel : channels) {
      f.unsubscribe(channel, r);
    }
    assertEquals(Map.of(), f.settled());
    assertEquals(0, f.hub.channelCount());
    assertEquals(0, f.broker.subscriptions());
  }

  @Test
  void tenThousandMessagesOverEightChannelsReachEverySubscriberOnFourLoopsInPublishOrder() {
    f = new HubFixture();
    List<String> channels = new ArrayList<>();
    for (int loop = 0; loop < HubFixture.LOOPS; loop++) {
      channels.add(f.ownedBy(loop, "order.", 1).get(0));
      channels.add(f.ownedBy(loop, "hist.order.", 1).get(0));
    }
    Map<String, List<Recorder>> subscribers = new LinkedHashMap<>();
    for (String channel : channels) {
      List<Recorder> recorders = new ArrayList<>();
      for (Loop l : f.loops) {
        recorders.add(f.recorder(channel + "@" + l.index(), l.index()));
      }
      f.subscribed(channel, recorders.toArray(Recorder[]::new));
      subscribers.put(channel, recorders);
    }

    int total = 10_000;
    Map<String, List<Integer>> published = new LinkedHashMap<>();
    channels.forEach(c -> published.put(c, new ArrayList<>()));
    List<Future<?>> publishes = new ArrayList<>();
    for (int i = 0; i < total; i++) {
      String channel = channels.get(i % channels.size());
      published.get(channel).add(i);
      publishes.add(f.publisher.publish(channel, i, null)); // without waiting: as fast as the loop goes
    }
    Await.result(Future.all(publishes));
    subscribers.forEach((channel, recorders) -> recorders.forEach(r -> Await.until(
      r.name + " gets " + published.get(channel).size() + " messages", LONG,
      () -> r.count() >= published.get(channel).size())));

    subscribers.forEach((channel, recorders) -> {
      List<Integer> sent = published.get(channel);
      for (Recorder r : recorders) {
        List<Delivery> got = r.deliveries();
        assertEquals(sent.size(), got.size(), r.name + ": exactly once each");
        List<Integer> bodies = new ArrayList<>();
        for (int i = 0; i < got.size(); i++) {
          Delivery d = got.get(i);
          bodies.add(new JsonObject(d.text()).getInteger("body"));
          assertSame(r.loop.context(), d.context(), r.name + " is called on its own loop's context");
          if (channel.startsWith("hist.")) {
            assertEquals(i + 1, d.offset(), r.name + ": consecutive offsets");
          } else {
            assertEquals(rec(channel, Integer.toString(sent.get(i))), d.text());
          }
        }
        assertEquals(sent, bodies, r.name + ": the channel's exact publish order");
      }
    });
    assertEquals(channels.size(), f.broker.subscriptions(), "one subscription per channel");
  }

  @Test
  void theOwnerLoopsSubscriberIsDeliveredWithinTheBrokerHandlerAndOtherLoopsAfterIt() {
    f = new HubFixture();
    for (String channel : List.of(f.ownedBy(2, "direct.", 1).get(0), f.ownedBy(3, "hist.direct.", 1).get(0))) {
      int owner = f.owner(channel);
      List<Recorder> recorders = new ArrayList<>();
      for (Loop l : f.loops) {
        recorders.add(f.recorder(channel + "@" + l.index(), l.index()));
      }
      f.subscribed(channel, recorders.toArray(Recorder[]::new));
      for (int i = 1; i <= 3; i++) {
        Await.result(f.publisher.publish(channel, "m" + i, null));
      }
      for (Recorder r : recorders) {
        Await.until(r.name + " gets 3 messages", () -> r.count() == 3);
        for (Delivery d : r.deliveries()) {
          assertEquals(r.loop.eventLoop() == owner, d.inBrokerHandler(),
            r.name + (r.loop.eventLoop() == owner ? ": the owner loop's subscriber is delivered without a task"
              : ": another loop's subscriber is delivered by a task of its own loop"));
          assertSame(r.loop.context(), d.context(), r.name + " is called on its own loop's context");
        }
      }
    }
  }

  @Test
  void messagesOfOneTurnOfTheOwnerLoopReachEachOtherLoopInOneTask() {
    f = new HubFixture();
    String channel = f.ownedBy(0, "batch.", 1).get(0);
    Recorder owner = f.recorder("owner", 0);
    Recorder r1 = f.recorder("r1", 1);
    Recorder r2 = f.recorder("r2", 2);
    f.subscribed(channel, owner, r1, r2); // loop 3 has no subscriber: nothing is handed to it
    Map<Recorder, List<Integer>> markersSeen = new LinkedHashMap<>();
    for (Recorder r : List.of(r1, r2)) {
      AtomicInteger markersRun = new AtomicInteger();
      List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
      markersSeen.put(r, seen);
      r.onDeliver = () -> {
        if (seen.isEmpty()) { // a task queued now runs after the task delivering this message
          r.loop.context().runOnContext(v -> markersRun.incrementAndGet());
        }
        seen.add(markersRun.get());
      };
    }
    long before = f.hub.handOvers();

    int n = 100;
    on(f.hub.ownerContext(channel), () -> { // one task on the owner loop queues the n broker deliveries
      for (int i = 0; i < n; i++) {
        f.broker.publish(channel, i, null);
      }
      return null;
    });
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      expected.add(rec(channel, Integer.toString(i)));
    }
    for (Recorder r : List.of(owner, r1, r2)) {
      Await.until(r.name + " gets " + n + " messages", () -> r.count() == n);
      assertEquals(expected, r.frames(), r.name);
    }
    assertEquals(2, f.hub.handOvers() - before, "one hand-over task for loop 1 and one for loop 2");
    markersSeen.forEach((r, seen) -> assertEquals(Collections.nCopies(n, 0), seen,
      r.name + ": all " + n + " messages delivered in the task that delivered the first"));
    assertTrue(owner.deliveries().stream().allMatch(Delivery::inBrokerHandler), "the owner loop's without a task");
  }

  @Test
  void attachAndDetachRacingFromFourLoopsOnChannelsOfEveryShardKeepOneSubscriptionPerChannel() {
    f = new HubFixture();
    List<String> channels = new ArrayList<>();
    for (int loop = 0; loop < HubFixture.LOOPS; loop++) {
      channels.addAll(f.ownedBy(loop, "race.", 3));
    }
    List<Future<Void>> readies = f.race(channels, 300);

    assertEquals(Map.of(), f.settled(), "no local subscriber left on any loop");
    assertEquals(0, f.hub.channelCount());
    assertEquals(0, f.broker.subscriptions());
    for (String channel : channels) {
      assertEquals(1, f.broker.peakSubscriptions(channel), channel + ": never two subscriptions at once");
      assertTrue(f.broker.subscribeCalls(channel) >= 1, channel);
      for (Registration r : f.broker.registrations(channel)) {
        assertTrue(r.released(), channel + " released");
        assertSame(f.hub.ownerContext(channel), r.context(), channel + " subscribed on its owner's context");
      }
    }
    for (Future<Void> ready : readies) {
      assertTrue(ready.succeeded(), "every subscribe completed successfully: " + ready.cause());
    }

    // every shard still works: one subscriber per loop on each channel shares one new subscription
    Map<String, List<Recorder>> after = new LinkedHashMap<>();
    for (String channel : channels) {
      List<Recorder> recorders = new ArrayList<>();
      for (Loop l : f.loops) {
        recorders.add(f.recorder(channel + ".after" + l.index(), l.index()));
      }
      f.subscribed(channel, recorders.toArray(Recorder[]::new));
      after.put(channel, recorders);
    }
    f.fence("x", after);
    after.forEach((channel, recorders) -> {
      assertEquals(1, f.broker.subscriptions(channel), channel);
      recorders.forEach(r -> assertEquals(List.of(rec(channel, "\"x\"")), r.frames(), r.name));
    });
  }

  @Test
  void aLoopWithoutServerVerticleOwnsItsChannelsAndHandsAllTheirMessagesOver() {
    f = new HubFixture(1, 2, 3); // event loop 0 runs no LocalHub
    assertEquals(1, f.hub.loopsWithoutLocalHub());
    for (String channel : List.of(f.ownedBy(0, "idle.", 1).get(0), f.ownedBy(0, "hist.idle.", 1).get(0))) {
      List<Recorder> recorders = new ArrayList<>();
      for (Loop l : f.loops) {
        recorders.add(f.recorder(channel + "@" + l.eventLoop(), l.index()));
      }
      f.subscribed(channel, recorders.toArray(Recorder[]::new));
      assertSame(f.eventLoops.get(0), ((ContextInternal) f.broker.last(channel).context()).nettyEventLoop(),
        "subscribed on loop 0, its owner");
      long before = f.hub.handOvers();

      int n = 500;
      List<Future<?>> publishes = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        publishes.add(f.publisher.publish(channel, i, null));
      }
      Await.result(Future.all(publishes));
      for (Recorder r : recorders) {
        Await.until(r.name + " gets " + n + " messages", () -> r.count() == n);
        List<Integer> bodies = new ArrayList<>();
        for (Delivery d : r.deliveries()) {
          bodies.add(new JsonObject(d.text()).getInteger("body"));
          assertFalse(d.inBrokerHandler(), r.name + ": handed over");
          assertSame(r.loop.context(), d.context());
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          expected.add(i);
        }
        assertEquals(expected, bodies, r.name + ": in publish order");
      }
      assertTrue(f.hub.handOvers() - before >= recorders.size(), "each loop got at least one hand-over");
      for (Recorder r : recorders) {
        f.unsubscribe(channel, r);
      }
      assertEquals(Map.of(), f.settled());
      assertTrue(f.broker.last(channel).released());
    }
    assertEquals(0, f.hub.channelCount());
    assertEquals(1, f.history.releases(f.ownedBy(0, "hist.idle.", 1).get(0)));
  }

  @Test
  void asManyServerVerticlesAsEventLoopsDeployedTogetherLeaveNoLoopWithoutALocalHub() {
    f = new HubFixture(new int[0]); // as GatewayNode does: the pool sized to the instances, deployed at once
    assertEquals(HubFixture.LOOPS, f.hub.loopsWithoutLocalHub());
    Set<Object> loops = Collections.synchronizedSet(new HashSet<>());
    Await.result(f.vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        new LocalHub(context, f.hub, f.metrics);
        loops.add(((ContextInternal) context).nettyEventLoop());
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(HubFixture.LOOPS)));
    assertEquals(HubFixture.LOOPS, loops.size(), "each instance on its own event loop");
    assertEquals(0, f.hub.loopsWithoutLocalHub());
  }

  @Test
  void twoServerVerticlesOnTheOwnerLoopAreBothDeliveredWithinTheBrokerHandler() {
    f = new HubFixture(0, 0, 1); // fixture loops 0 and 1 share event loop 0
    assertEquals(2, f.hub.loopsWithoutLocalHub());
    String channel = f.ownedBy(0, "shared.", 1).get(0);
    Recorder a = f.recorder("a", 0);
    Recorder b = f.recorder("b", 1);
    Recorder c = f.recorder("c", 2);
    f.subscribed(channel, a, b, c);
    assertEquals(Map.of(channel, 3), f.settled());
    assertEquals(1, f.broker.subscriptions(channel));

    f.fence("m1", Map.of(channel, List.of(a, b, c)));
    for (Recorder r : List.of(a, b, c)) {
      assertEquals(List.of(rec(channel, "\"m1\"")), r.frames(), r.name);
      Delivery d = r.deliveries().get(0);
      assertSame(r.loop.context(), d.context(), r.name + " is called on its own LocalHub's context");
      assertEquals(r != c, d.inBrokerHandler(), r.name);
    }
    assertSame(a.deliveries().get(0).frame(), c.deliveries().get(0).frame(), "encoded once for the node");
  }

  @Test
  void aResyncReachesEveryLoopAfterTheMessagesDeliveredBeforeIt() {
    f = new HubFixture();
    String channel = f.ownedBy(1, "hist.cut.", 1).get(0);
    List<Recorder> recorders = new ArrayList<>();
    for (Loop l : f.loops) {
      recorders.add(f.recorder("h" + l.index(), l.index()));
    }
    f.subscribed(channel, recorders.toArray(Recorder[]::new));
    String epoch = Await.result(f.history.top(channel, HubFixture.HISTORY)).epoch();
    int maxPending = ChannelHub.MIN_MAX_PENDING;

    on(f.hub.ownerContext(channel), () -> { // 1..3 in order, then more than maxPending behind the gap at 4
      for (long offset = 1; offset <= maxPending + 5; offset++) {
        if (offset != 4) {
          f.broker.publish(channel, "m" + offset, new JsonObject().put(ChannelPublisher.OFFSET, Long.toString(offset))
            .put(ChannelPublisher.EPOCH, epoch));
        }
      }
      return null;
    });
    String reason = channel + ": more than " + maxPending + " messages wait behind offset 4";
    for (Recorder r : recorders) {
      r.awaitResyncs(1);
      assertEquals(List.of(reason), r.resyncs(), r.name);
      assertEquals(List.of(1L, 2L, 3L), r.deliveries().stream().map(Delivery::offset).toList(), r.name);
      assertEquals(List.of(3), r.deliveriesAtResync(), r.name + ": told to resync after the 3 messages before it");
    }
    assertEquals(Map.of(), f.settled());
    assertEquals(0, f.broker.subscriptions(channel));
  }

  @Test
  void aSubscriberThrowingOnTheOwnerLoopStopsNeitherTheOtherLoopsNorTheNextMessages() {
    f = new HubFixture();
    String channel = f.ownedBy(2, "boom.", 1).get(0);
    Recorder thrower = f.recorder("thrower", 2);
    thrower.onDeliver = () -> {
      throw new IllegalStateException("a subscriber failing on the owner loop");
    };
    Recorder r1 = f.recorder("r1", 1);
    Recorder r3 = f.recorder("r3", 3);
    f.subscribed(channel, thrower, r1, r3);
    Await.result(f.publisher.publish(channel, "m1", null));
    f.fence("m2", Map.of(channel, List.of(thrower, r1, r3)));
    List<String> both = List.of(rec(channel, "\"m1\""), rec(channel, "\"m2\""));
    assertEquals(both, thrower.frames());
    assertEquals(both, r1.frames());
    assertEquals(both, r3.frames());
  }
}
