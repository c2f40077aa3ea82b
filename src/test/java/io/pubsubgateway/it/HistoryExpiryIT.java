package io.pubsubgateway.it;

import com.hazelcast.core.DistributedObject;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.ringbuffer.impl.RingbufferService;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.history.HazelcastHistoryStore;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.history.HistoryStore.Page;
import io.pubsubgateway.history.HistoryStore.Position;
import io.pubsubgateway.history.StreamExpiry;
import io.pubsubgateway.node.GatewayNode;
import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.GatewayCluster;
import io.pubsubgateway.testing.TestConfig;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expiry of unused history streams against two real clustered nodes (in-process, Hazelcast on loopback):
 * an idle stream's ringbuffer and epoch entry go, retained and active channels keep their epochs, and
 * 100,000 short-lived channels leave the cluster and the nodes as they found them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HistoryExpiryIT {
  private static final int TTL = 2;
  /** How long an unused stream may live: ttl + grace, plus Hazelcast's expiry scan (a second or two). */
  private static final Duration EXPIRY_WAIT = Duration.ofSeconds(StreamExpiry.idleSeconds(TTL) + 15);
  private static final List<HazelcastInstance> hzs = new ArrayList<>();
  private static final List<HazelcastHistoryStore> stores = new ArrayList<>();
  private static final AtomicInteger IDS = new AtomicInteger();
  private static ChannelOptions shortLived;
  private static ChannelOptions longLived;

  /**
   * Hazelcast keeps replica versions per ringbuffer namespace and partition until its anti-entropy task (every
   * {@value #SYNC_INTERVAL_PROPERTY}, 30 s by default) retains only live namespaces: about 0.4 KB per destroyed
   * ringbuffer for up to 30 s. At 5 s here the test can show the heap back at its baseline without waiting 30 s.
   */
  private static final String SYNC_INTERVAL_PROPERTY = "hazelcast.partition.backup.sync.interval";

  static {
    System.setProperty(SYNC_INTERVAL_PROPERTY, "5"); // read when the nodes start
  }

  @RegisterExtension
  static final GatewayCluster cluster = GatewayCluster.of(2, new JsonArray()
    .add(TestConfig.rule("exp.*", "token", "token")
      .put("history", new JsonObject().put("size", 10).put("ttl", TTL + "s")).put("recovery", true))
    .add(TestConfig.rule("long.*", "token", "token")
      .put("history", new JsonObject().put("size", 10).put("ttl", "5m")).put("recovery", true)));

  @BeforeAll
  static void stores() {
    for (GatewayNode node : cluster.nodes()) {
      hzs.add(((HazelcastClusterManager) node.clusterManager()).getHazelcastInstance());
      stores.add((HazelcastHistoryStore) node.hub().publisher().history());
    }
    shortLived = cluster.node(0).hub().publisher().options("exp.x");
    longLived = cluster.node(0).hub().publisher().options("long.x");
  }

  @AfterAll
  static void clearProperty() {
    System.clearProperty(SYNC_INTERVAL_PROPERTY);
  }

  private WsClient client(int node) {
    return cluster.client(node, "user" + IDS.incrementAndGet());
  }

  private static JsonObject register(WsClient c, String channel, JsonObject headers) {
    return c.register(channel, headers);
  }

  /** {@code action} run on a context of {@code node}'s Vert.x, its result awaited. */
  private static <T> T on(int node, java.util.function.Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    cluster.node(node).vertx().runOnContext(v -> action.get().onComplete(promise));
    return Await.result(promise.future());
  }

  private static Position append(int node, String channel, ChannelOptions options, JsonObject message) {
    return on(node, () -> stores.get(node).append(channel, options, message));
  }

  /** Names of the history ringbuffers node {@code node} knows of (Hazelcast keeps a proxy of each on every member). */
  private static Set<String> ringbuffers(int node) {
    return hzs.get(node).getDistributedObjects().stream()
      .filter(o -> RingbufferService.SERVICE_NAME.equals(o.getServiceName()) && o.getName().startsWith("__pubsub.h."))
      .map(DistributedObject::getName).collect(Collectors.toSet());
  }

  private static Set<String> ringbuffersOf(int node, String channel) {
    return ringbuffers(node).stream().filter(n -> n.endsWith("@" + channel)).collect(Collectors.toSet());
  }

  private static IMap<String, String> epochs() {
    return hzs.get(0).getMap("__pubsub.epochs");
  }

  private static String ringbuffer(ChannelOptions options, String epoch, String channel) {
    return "__pubsub.h." + options.namespace() + "." + epoch + "@" + channel;
  }

  @Test
  @Order(2)
  void anIdleChannelExpiresAndARecoveringClientIsToldItsStreamIsNew() {
    String channel = "exp.idle";
    WsClient sub = client(0);
    JsonObject ack = register(sub, channel, null);
    String epoch = ack.getString("epoch");
    assertEquals(0, ack.getLong("offset"), "a subscribe creates the stream: " + ack.encode());
    Position published = Await.result(cluster.node(1).hub().publisher().publish(channel, "one", null));
    assertEquals(new Position(1, epoch), published);
    JsonObject rec = sub.next();
    assertEquals("1", rec.getJsonObject("headers").getString("offset"));
    JsonObject stored = new JsonObject().put("body", 2).put("headers", new JsonObject().put("k", "v"))
      .put("mid", "m-2").put("extra", true);
    assertEquals(new Position(2, epoch), append(1, channel, shortLived, stored));
    Page page = on(0, () -> stores.get(0).read(channel, shortLived, 2, 10));
    assertEquals(List.of(new HistoryStore.Entry(2, stored)), page.entries(), "kept as given, mid and all");
    String name = ringbuffer(shortLived, epoch, channel);
    for (int n = 0; n < 2; n++) {
      assertEquals(Set.of(name), ringbuffersOf(n, channel));
    }
    assertEquals(shortLived.namespace() + "." + epoch, epochs().get(channel));

    sub.close(); // the last subscriber leaves: nothing retains the channel any more
    long released = System.nanoTime();
    Await.until("ringbuffer and epoch of " + channel + " gone", EXPIRY_WAIT,
      () -> ringbuffersOf(0, channel).isEmpty() && ringbuffersOf(1, channel).isEmpty() && !epochs().containsKey(channel));
    long tookMs = (System.nanoTime() - released) / 1_000_000;
    System.out.printf("idle stream (ttl %d s, ttl + grace %d s) gone %d ms after its last subscriber left%n", TTL,
      StreamExpiry.idleSeconds(TTL), tookMs);
    assertTrue(tookMs >= TTL * 1000L, "never before the ttl after the last append: " + tookMs + " ms");

    WsClient back = client(1);
    JsonObject resumed = register(back, channel, new JsonObject().put("since.offset", "2").put("since.epoch", epoch));
    assertEquals(Boolean.FALSE, resumed.getBoolean("recovered"), resumed.encode());
    String newEpoch = resumed.getString("epoch");
    assertNotEquals(epoch, newEpoch);
    assertEquals(0, resumed.getLong("offset"));
    back.assertNoFrame(100);
    Position first = Await.result(cluster.node(0).hub().publisher().publish(channel, "again", null));
    assertEquals(new Position(1, newEpoch), first, "offsets restart at 1 in the new epoch");
    assertEquals("again", back.next().getString("body"));
    assertEquals(Set.of(ringbuffer(shortLived, newEpoch, channel)), ringbuffersOf(0, channel));
  }

  @Test
  @Order(3)
  void retainedAndActiveChannelsKeepTheirEpochsOverSeveralTtls() {
    String kept = "exp.kept";
    String active = "exp.active";
    String control = "exp.control";
    WsClient sub = client(0);
    String keptEpoch = register(sub, kept, null).getString("epoch");
    String controlEpoch = append(1, control, shortLived, new JsonObject().put("body", 0)).epoch();
    List<Position> positions = new ArrayList<>();
    long end = System.nanoTime() + Duration.ofSeconds(3L * StreamExpiry.idleSeconds(TTL)).toNanos();
    int i = 0;
    while (System.nanoTime() < end) {
      positions.add(append(i % 2, active, shortLived, new JsonObject().put("body", i)));
      i++;
      sleep(TTL * 1000L / 4);
    }
    Await.until("an unretained idle channel expired meanwhile (" + controlEpoch + ")", EXPIRY_WAIT,
      () -> ringbuffersOf(0, control).isEmpty() && !epochs().containsKey(control));
    String activeEpoch = positions.get(0).epoch();
    for (int k = 0; k < positions.size(); k++) {
      assertEquals(new Position(k + 1, activeEpoch), positions.get(k), "one epoch, consecutive offsets");
    }
    for (int n = 0; n < 2; n++) {
      int node = n;
      assertEquals(keptEpoch, on(node, () -> stores.get(node).top(kept, shortLived)).epoch());
      assertEquals(new Position(positions.size(), activeEpoch), on(node, () -> stores.get(node).top(active, shortLived)));
    }
    Await.result(cluster.node(1).hub().publisher().publish(kept, "late", null));
    JsonObject rec = sub.next();
    assertEquals("late", rec.getString("body"));
    assertEquals(keptEpoch, rec.getJsonObject("headers").getString("epoch"), "the subscriber's stream is still the same");
    assertEquals("1", rec.getJsonObject("headers").getString("offset"));
    sub.assertNoFrame(100);
  }

  @Test
  @Order(4)
  void anAppendToAStreamLostBehindTheNodesBackGoesToANewStream() {
    String channel = "long.lost";
    Position first = append(0, channel, longLived, new JsonObject().put("body", 1));
    assertEquals(2, append(0, channel, longLived, new JsonObject().put("body", 2)).offset());
    String lost = ringbuffer(longLived, first.epoch(), channel);
    // what losing both copies of the partition does: ringbuffer and epoch entry gone, the node still caching both
    hzs.get(1).getRingbuffer(lost).destroy();
    epochs().delete(channel);
    JsonObject message = new JsonObject().put("body", 3);
    Position moved = append(0, channel, longLived, message);
    assertNotEquals(first.epoch(), moved.epoch());
    assertEquals(1, moved.offset());
    assertEquals(longLived.namespace() + "." + moved.epoch(), epochs().get(channel));
    Await.until("the recreated ringbuffer of the lost stream destroyed",
      () -> ringbuffersOf(1, channel).equals(Set.of(ringbuffer(longLived, moved.epoch(), channel))));
    Page page = on(1, () -> stores.get(1).read(channel, longLived, 1, 10));
    assertEquals(new Position(1, moved.epoch()), page.top());
    assertEquals(List.of(new HistoryStore.Entry(1, message)), page.entries());
  }

  @Test
  @Order(5)
  void topAndReadFollowTheClusterWhenTheCachedEpochIsStale() {
    String channel = "long.stale";
    Position first = append(0, channel, longLived, new JsonObject().put("body", 1));
    epochs().put(channel, longLived.namespace() + ".replaced");
    assertEquals(new Position(0, "replaced"), on(0, () -> stores.get(0).top(channel, longLived)));
    assertEquals(new Position(1, "replaced"), append(0, channel, longLived, new JsonObject().put("body", 2)),
      "the append follows the refreshed view: label and ringbuffer of the same stream");
    assertTrue(ringbuffersOf(0, channel).contains(ringbuffer(longLived, "replaced", channel)));
    assertEquals(new Position(1, "replaced"), on(1, () -> stores.get(1).read(channel, longLived, 1, 10)).top());
    hzs.get(0).getRingbuffer(ringbuffer(longLived, first.epoch(), channel)).destroy();
  }

  @Test
  @Order(1)
  void oneHundredThousandShortLivedChannelsLeaveTheClusterAsTheyFoundIt() {
    int channels = Integer.getInteger("expiry.channels", 100_000);
    Await.until("nothing left of other tests", EXPIRY_WAIT, () -> ringbuffers(0).isEmpty() && epochs().isEmpty());
    long heapBefore = heapAfterGc();
    int rbBefore = ringbuffers(0).size();
    int epochsBefore = epochs().size();
    List<Map<String, Integer>> sizesBefore = List.of(stores.get(0).localSizes(), stores.get(1).localSizes());
    long destroyedBefore = stores.get(0).destroyedStreams() + stores.get(1).destroyedStreams();

    AtomicLong peakRingbuffers = new AtomicLong();
    AtomicLong peakEpochs = new AtomicLong();
    AtomicLong peakHeap = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          peakRingbuffers.accumulateAndGet(ringbuffers(0).size(), Math::max);
          peakEpochs.accumulateAndGet(epochs().size(), Math::max);
          peakHeap.accumulateAndGet(heapUsed(), Math::max);
          Thread.sleep(2000); // listing 100,000 distributed objects costs CPU the test is measuring
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          return; // the cluster stopped
        }
      }
    }, "expiry-sampler");
    sampler.setDaemon(true);
    sampler.start();
    long start = System.nanoTime();
    Future<Void> even = appendMany(0, channels, 0);
    Future<Void> odd = appendMany(1, channels, 1);
    Await.result(Future.all(even, odd), Duration.ofSeconds(120));
    long appendedMs = (System.nanoTime() - start) / 1_000_000;
    long cleanupStart = System.nanoTime();
    try {
      // polled every 250 ms: listing 100,000 distributed objects is not free
      Await.until("cluster and nodes back to their baseline", Duration.ofSeconds(90), Duration.ofMillis(250),
        () -> epochs().size() == epochsBefore && stores.get(0).localSizes().equals(sizesBefore.get(0))
          && stores.get(1).localSizes().equals(sizesBefore.get(1))
          && ringbuffers(0).size() == rbBefore && ringbuffers(1).size() == rbBefore);
    } finally {
      sampler.interrupt();
    }
    long cleanupMs = (System.nanoTime() - cleanupStart) / 1_000_000;
    long[] heapAfter = {0};
    long heapWaitStart = System.nanoTime();
    // What stays is capacity, not channels: hash tables that grew to 100,000 entries (Hazelcast's proxy registries and
    // partition maps, the store's maps) and do not shrink; about 6 MB by class histogram, no per-channel objects.
    Await.until("heap after GC within 12 MB of the baseline", Duration.ofSeconds(30), Duration.ofMillis(500),
      () -> (heapAfter[0] = heapAfterGc()) - heapBefore < 12L << 20);
    long heapWaitMs = (System.nanoTime() - heapWaitStart) / 1_000_000;
    long destroyed = stores.get(0).destroyedStreams() + stores.get(1).destroyedStreams() - destroyedBefore;
    System.out.printf("%,d channels appended in %,d ms (%,.0f/s); back to baseline %,d ms after the last append "
        + "(%,d ms in all)%n", channels, appendedMs, channels * 1000.0 / appendedMs, cleanupMs,
      appendedMs + cleanupMs);
    System.out.printf("ringbuffers %d -> peak %d -> %d; epoch entries %d -> peak %d -> %d; destroyed %,d%n",
      rbBefore, peakRingbuffers.get(), ringbuffers(0).size(), epochsBefore, peakEpochs.get(), epochs().size(), destroyed);
    System.out.printf("node state %s / %s -> %s / %s%n", sizesBefore.get(0), sizesBefore.get(1),
      stores.get(0).localSizes(), stores.get(1).localSizes());
    System.out.printf("heap after GC %.1f MB -> peak (sampled, before GC) %.1f MB -> after GC %.1f MB (%+.1f MB, "
        + "%,d ms after the cluster was back)%n", mb(heapBefore), mb(peakHeap.get()), mb(heapAfter[0]),
      mb(heapAfter[0] - heapBefore), heapWaitMs);
    assertEquals(channels, destroyed, "each expired stream's ringbuffer destroyed once, by its owner");
  }

  /** Appends one message to each of channels {@code exp.n<first>}, {@code exp.n<first + 2>}, ... on node {@code node}. */
  private static Future<Void> appendMany(int node, int channels, int first) {
    int count = (channels - first + 1) / 2;
    int window = 256;
    Promise<Void> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger completed = new AtomicInteger();
    HazelcastHistoryStore store = stores.get(node);
    Runnable[] step = new Runnable[1];
    step[0] = () -> {
      int k = next.getAndIncrement();
      if (k >= count) {
        return;
      }
      String channel = "exp.n" + (first + 2 * k);
      store.append(channel, shortLived, new JsonObject().put("body", k).put("mid", "m" + k)).onComplete(ar -> {
        if (ar.failed()) {
          done.tryFail(ar.cause());
        } else if (completed.incrementAndGet() == count) {
          done.tryComplete();
        } else {
          step[0].run();
        }
      });
    };
    cluster.node(node).vertx().runOnContext(v -> {
      for (int w = 0; w < window; w++) {
        step[0].run();
      }
    });
    return done.future();
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      sleep(200);
    }
    return heapUsed();
  }

  private static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}
