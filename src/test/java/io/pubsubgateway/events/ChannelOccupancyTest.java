package io.pubsubgateway.events;

import io.pubsubgateway.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The occupancy state machine over stores whose answers the test releases one by one: several
 * "nodes" share one set map, as the Hazelcast map is shared; the entry processors' rules are
 * checked on their own.
 */
class ChannelOccupancyTest {
  private Vertx vertx;
  /** The cluster's sets, shared by the nodes' stores. */
  private final Map<String, TreeSet<String>> sets = new ConcurrentHashMap<>();
  private final List<String> announced = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  /** One node's store over the shared sets; each call waits in {@link #calls} until the test runs it. */
  private final class HeldStore implements OccupancyStore {
    final String node;
    final LinkedBlockingQueue<Runnable> calls = new LinkedBlockingQueue<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    volatile boolean failNext;

    HeldStore(String node) {
      this.node = node;
    }

    private Future<Boolean> held(String what, java.util.function.Supplier<Boolean> op) {
      Promise<Boolean> p = Promise.promise();
      calls.add(() -> {
        log.add(what);
        if (failNext) {
          failNext = false;
          p.fail("cluster unreachable");
        } else {
          p.complete(op.get());
        }
      });
      return p.future();
    }

    @Override
    public Future<Boolean> claim(String channel) {
      return held("claim " + channel, () -> new HazelcastOccupancyStore.Claim(node).process(entry(channel)));
    }

    @Override
    public Future<Boolean> release(String channel) {
      return held("release " + channel, () -> new HazelcastOccupancyStore.Release(node).process(entry(channel)));
    }

    @Override
    public Future<Boolean> reclaim(String channel) {
      return held("reclaim " + channel, () -> new HazelcastOccupancyStore.Reclaim(node).process(entry(channel)));
    }

    @Override
    public Future<List<String>> removeNode(String departed) {
      List<String> emptied = new ArrayList<>();
      for (String channel : List.copyOf(sets.keySet())) {
        if (new HazelcastOccupancyStore.Release(departed).process(entry(channel))) {
          emptied.add(channel);
        }
      }
      return Future.succeededFuture(emptied);
    }

    /** Runs the next held call. */
    void runNext() throws InterruptedException {
      Runnable call = calls.poll(10, TimeUnit.SECONDS);
      assertTrue(call != null, "no store call came");
      call.run();
    }

    void assertNoCall(long ms) throws InterruptedException {
      assertNull(calls.poll(ms, TimeUnit.MILLISECONDS), "unexpected store call: " + log);
    }
  }

  /** An entry of the shared map; setting null removes it, as in Hazelcast. */
  private Map.Entry<String, TreeSet<String>> entry(String channel) {
    TreeSet<String> current = sets.get(channel);
    return new AbstractMap.SimpleEntry<>(channel, current == null ? null : new TreeSet<>(current)) {
      @Override
      public TreeSet<String> setValue(TreeSet<String> value) {
        if (value == null) {
          sets.remove(channel);
        } else {
          sets.put(channel, new TreeSet<>(value));
        }
        return super.setValue(value);
      }
    };
  }

  private ChannelOccupancy occupancy(OccupancyStore store, String node) {
    return new ChannelOccupancy(vertx, store, new ChannelOccupancy.Announcer() {
      @Override
      public void occupied(String channel) {
        announced.add("occupied " + channel + " by " + node);
      }

      @Override
      public void vacated(String channel) {
        announced.add("vacated " + channel + " by " + node);
      }
    });
  }

  private void awaitAnnounced(int n) {
    Await.until(n + " announcements", Duration.ofSeconds(10), () -> announced.size() >= n);
  }

  @Test
  void theFirstHolderAnnouncesOccupiedAndTheLastVacated() throws Exception {
    HeldStore sa = new HeldStore("a");
    HeldStore sb = new HeldStore("b");
    ChannelOccupancy a = occupancy(sa, "a");
    ChannelOccupancy b = occupancy(sb, "b");
    a.nodeSubscribed("c");
    b.nodeSubscribed("c");
    sb.runNext(); // b's claim reaches the cluster first: b announces
    sa.runNext();
    awaitAnnounced(1);
    a.nodeUnsubscribed("c");
    sa.runNext();
    b.nodeUnsubscribed("c");
    sb.runNext();
    awaitAnnounced(2);
    assertEquals(List.of("occupied c by b", "vacated c by b"), announced);
    assertTrue(sets.isEmpty());
    Await.until("idle", Duration.ofSeconds(5), () -> a.idle() && b.idle());
  }

  @Test
  void changesWhileACallIsInFlightCollapseIntoTheLastWish() throws Exception {
    HeldStore s = new HeldStore("a");
    ChannelOccupancy a = occupancy(s, "a");
    a.nodeSubscribed("c");
    a.nodeUnsubscribed("c");
    a.nodeSubscribed("c");
    s.runNext(); // the one claim
    awaitAnnounced(1);
    s.assertNoCall(300);
    assertEquals(List.of("claim c"), s.log);
    Await.until("idle", Duration.ofSeconds(5), a::idle);
  }

  @Test
  void aReleaseWaitsForTheClaimInFlightAndKeepsTheOrder() throws Exception {
    HeldStore s = new HeldStore("a");
    ChannelOccupancy a = occupancy(s, "a");
    a.nodeSubscribed("c");
    a.nodeUnsubscribed("c");
    assertEquals(1, s.calls.size(), "the release waits for the claim");
    s.runNext();
    s.runNext();
    awaitAnnounced(2);
    assertEquals(List.of("claim c", "release c"), s.log);
    assertEquals(List.of("occupied c by a", "vacated c by a"), announced);
  }

  @Test
  void aFailedCallIsTriedAgain() throws Exception {
    HeldStore s = new HeldStore("a");
    ChannelOccupancy a = occupancy(s, "a");
    s.failNext = true;
    a.nodeSubscribed("c");
    s.runNext();
    assertTrue(announced.isEmpty());
    s.runNext(); // after ChannelOccupancy.RETRY_MS
    awaitAnnounced(1);
    assertEquals(List.of("claim c", "claim c"), s.log);
    assertEquals(List.of("occupied c by a"), announced);
  }

  @Test
  void aDepartedNodesChannelsAreVacatedByExactlyOneSurvivor() throws Exception {
    HeldStore sa = new HeldStore("a");
    HeldStore sb = new HeldStore("b");
    HeldStore sc = new HeldStore("c");
    ChannelOccupancy a = occupancy(sa, "a");
    ChannelOccupancy b = occupancy(sb, "b");
    ChannelOccupancy c = occupancy(sc, "c");
    c.nodeSubscribed("only-c");
    sc.runNext();
    c.nodeSubscribed("shared");
    sc.runNext();
    a.nodeSubscribed("shared");
    sa.runNext();
    awaitAnnounced(2);
    // c dies: a and b both clean up
    a.memberLeft("c");
    b.memberLeft("c");
    awaitAnnounced(3);
    Thread.sleep(200);
    assertEquals(3, announced.size(), announced.toString());
    assertTrue(announced.get(2).startsWith("vacated only-c by "), announced.toString());
    assertEquals(new TreeSet<>(List.of("a")), sets.get("shared"));
  }

  @Test
  void aNodeComingBackMakesTheFirstHolderAnnounceAgain() throws Exception {
    HeldStore sa = new HeldStore("a");
    HeldStore sb = new HeldStore("b");
    ChannelOccupancy a = occupancy(sa, "a");
    ChannelOccupancy b = occupancy(sb, "b");
    b.nodeSubscribed("x");
    sb.runNext();
    a.nodeSubscribed("x");
    sa.runNext();
    awaitAnnounced(1);
    // a partition: a's side removes b and back again; then b returns
    a.memberLeft("b");
    a.memberJoined("b");
    sa.runNext(); // a's reclaim, after ChannelOccupancy.REANNOUNCE_DELAY_MS: a is the first holder
    awaitAnnounced(2);
    assertEquals(List.of("occupied x by b", "occupied x by a"), announced);
    // a member joining for the first time changes nothing
    a.memberJoined("new-node");
    sa.assertNoCall(ChannelOccupancy.REANNOUNCE_DELAY_MS + 500);
  }

  @Test
  void entryProcessorsAnswerForTheirTransitionOnly() {
    assertTrue(new HazelcastOccupancyStore.Claim("b").process(entry("k")));
    assertFalse(new HazelcastOccupancyStore.Claim("a").process(entry("k")));
    assertFalse(new HazelcastOccupancyStore.Claim("a").process(entry("k")));
    assertTrue(new HazelcastOccupancyStore.Reclaim("a").process(entry("k")));
    assertFalse(new HazelcastOccupancyStore.Reclaim("b").process(entry("k")));
    assertFalse(new HazelcastOccupancyStore.Release("z").process(entry("k")));
    assertFalse(new HazelcastOccupancyStore.Release("a").process(entry("k")));
    assertTrue(new HazelcastOccupancyStore.Release("b").process(entry("k")));
    assertNull(sets.get("k"));
    assertFalse(new HazelcastOccupancyStore.Release("b").process(entry("k")));
  }

  @Test
  void theMemoryStoreHasTheSameRules() {
    MemoryOccupancyStore m = new MemoryOccupancyStore("a");
    assertTrue(Await.result(m.claim("k")));
    assertFalse(Await.result(m.claim("k")));
    assertTrue(Await.result(m.reclaim("k")));
    assertTrue(Await.result(m.release("k")));
    assertFalse(Await.result(m.release("k")));
    Await.result(m.claim("k"));
    assertEquals(List.of("k"), Await.result(m.removeNode("a")));
    assertEquals(List.of(), Await.result(m.removeNode("a")));
  }
}
