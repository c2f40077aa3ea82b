package io.pubsubgateway.it;

import io.pubsubgateway.testing.Await;
import io.pubsubgateway.testing.Feeder;
import io.pubsubgateway.testing.Http;
import io.pubsubgateway.testing.Ledger;
import io.pubsubgateway.testing.NetnsCluster;
import io.pubsubgateway.testing.Reader;
import io.pubsubgateway.testing.TestTokens;
import io.pubsubgateway.testing.WsClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults on a cluster of real hosts: three network namespaces with a node each (the shipped
 * {@code conf/gateway.yaml}, quorum 2 of 3), HAProxy in front, started once for the class by
 * {@code scripts/netns-cluster.sh}. Load comes from Java SDK clients ({@link Feeder}, {@link Reader})
 * and raw-protocol clients; every message has an id, so loss, duplicates and order are counted per
 * subscriber ({@link Ledger}). Channels: {@code room.*} (history 100, recovery) and {@code chat.*}
 * (plain). Each test prints its figures ({@code src/docs/reliability.md} quotes them).
 *
 * <p>Needs root and {@code ip netns}; elsewhere the class is skipped with the reason printed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
  private static final String KEY = "chaos-api-key-0123456789";
  private static final Duration PARTITION = Duration.ofSeconds(25);
  private static final Duration QUIET = Duration.ofSeconds(45);
  private static NetnsCluster cluster;
  private static Vertx vertx;
  private static TestTokens tokens;
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void upCluster() {
    String unavailable = NetnsCluster.unavailableReason();
    if (unavailable != null) {
      System.out.println("ChaosIT skipped: " + unavailable);
    }
    Assumptions.assumeTrue(unavailable == null, unavailable);
    cluster = NetnsCluster.up(3, List.of("--set", "api.enabled=true", "--set", "api.keys=" + KEY));
    vertx = Vertx.vertx();
    tokens = TestTokens.withSecret(vertx, NetnsCluster.devSecret());
  }

  @AfterAll
  static void downCluster() {
    if (vertx != null) {
      Await.result(vertx.close(), Duration.ofSeconds(30));
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @BeforeEach
  void wholeCluster() {
    cluster.heal();
    for (String h : cluster.hosts()) {
      awaitReady(h, Duration.ofSeconds(90));
    }
    awaitMembers(3, Duration.ofSeconds(90));
  }

  @AfterEach
  void closeClients() throws Exception {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Throwable e) {
        System.out.println("ChaosIT: closing a client failed: " + e);
      }
    }
    open.clear();
  }

  // ------------------------------------------------------------------ helpers

  private static String ws(String host) {
    return cluster.wsUrl(host);
  }

  private static int readyStatus(String host) {
    return Http.status(cluster.httpUrl(host), "/health/ready");
  }

  private static void awaitReady(String host, Duration timeout) {
    Await.until(host + " ready", timeout, () -> readyStatus(host) == 200);
  }

  /** Waits until every host counts {@code n} gateway nodes in its cluster. */
  private static void awaitMembers(int n, Duration timeout) {
    for (String h : cluster.hosts()) {
      Await.until(h + " sees " + n + " nodes", timeout, () -> members(h) == n);
    }
  }

  private static int members(String host) {
    try {
      Http.Response r = Http.sendTo(cluster.httpUrl(host), "GET", "/api/info", null, "X-API-Key", KEY);
      return r.status() == 200 ? r.json().getJsonArray("nodes").size() : -1;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private <T extends AutoCloseable> T track(T c) {
    open.add(c);
    return c;
  }

  private Feeder feeder(String name, List<String> urls, List<String> channels, List<Ledger> ledgers, Duration period) {
    return track(new Feeder(vertx, name, tokens.any(name), urls, channels, ledgers)).start(period);
  }

  private Reader reader(String name, List<String> urls, String channel) {
    return track(new Reader(vertx, name, tokens.any(name), urls, channel));
  }

  /** A raw-protocol client on {@code host}, retried while the host refuses handshakes. */
  private WsClient raw(String host, String user, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return track(WsClient.connectUrl(vertx, ws(host), tokens.any(user)));
      } catch (Throwable e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        sleep(200);
      }
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static long msSince(long nanos) {
    return (System.nanoTime() - nanos) / 1_000_000;
  }

  /** Waits until each reader got every acknowledged message of {@code ledger} (or {@link #QUIET} passed). */
  private static void awaitQuiet(Ledger ledger, List<Reader> readers) {
    long deadline = System.nanoTime() + QUIET.toNanos();
    Set<String> acked = ledger.acked(s -> true);
    for (Reader r : readers) {
      while (System.nanoTime() < deadline && !new HashSet<>(r.ids()).containsAll(acked)) {
        sleep(200);
      }
    }
    sleep(1000); // duplicates, if any, have a second to show
  }

  /**
   * Publishes probes on {@code from} until a raw subscriber on {@code to} gets one; the time from
   * {@code since} until then.
   */
  private long timeToDelivery(String from, String to, String channel, long since, Duration timeout) {
    WsClient sub = raw(to, "probe-sub-" + to, timeout);
    sub.subscribe(channel);
    WsClient pub = raw(from, "probe-pub-" + from, timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    int k = 0;
    while (System.nanoTime() < deadline) {
      pub.publish(channel, "probe-" + (k++));
      try {
        JsonObject rec = sub.next(Duration.ofMillis(250));
        if ("rec".equals(rec.getString("type"))) {
          return msSince(since);
        }
      } catch (AssertionError none) {
        // no probe yet
      }
    }
    throw new AssertionError("no delivery from " + from + " to " + to + " within " + timeout);
  }

  // ------------------------------------------------------------------ scenarios

  /**
   * One host of three is cut off for 25 s under a steady publish load, then the network heals. The
   * cut-off node must close its clients with 4005 within 5 s of Hazelcast removing the others
   * (about max.no.heartbeat.seconds after the cut), the clients must land on the majority through
   * HAProxy and recover, and after the heal the node must serve again and deliver across the healed
   * link within 30 s.
   */
  @Test
  @Order(1)
  void aPartitionedHostClosesItsClientsWith4005TheyRecoverOnTheMajorityAndItRejoinsAfterTheHeal() {
    String room = "room.chaos-partition";
    String chat = "chat.chaos-partition";
    Ledger roomLedger = new Ledger();
    Ledger chatLedger = new Ledger();
    String lb = cluster.lbUrl();
    List<Reader> roomReaders = new ArrayList<>();
    List<Reader> chatReaders = new ArrayList<>();
    for (String h : cluster.hosts()) {
      roomReaders.add(reader("room-" + h, List.of(ws(h), lb), room));
      chatReaders.add(reader("chat-" + h, List.of(ws(h), lb), chat));
    }
    WsClient rawOnH1 = raw("h1", "raw-h1", Duration.ofSeconds(10));
    rawOnH1.subscribe(chat);
    List<Feeder> feeders = new ArrayList<>();
    for (String h : cluster.hosts()) {
      feeders.add(feeder("pub-" + h, List.of(ws(h), lb), List.of(room, chat), List.of(roomLedger, chatLedger),
        Duration.ofMillis(400)));
    }
    sleep(3000);

    long cut = System.nanoTime();
    cluster.partition("h1");
    short code = rawOnH1.awaitClose(Duration.ofSeconds(40));
    long closedMs = msSince(cut);
    assertEquals(4005, code, "the cut-off node closes its clients with 4005");
    assertEquals(503, readyStatus("h1"), "the cut-off node is not ready");
    Await.until("the majority counts 2 nodes", Duration.ofSeconds(30), () -> members("h2") == 2);
    long remaining = PARTITION.toMillis() - msSince(cut);
    sleep(Math.max(0, remaining));

    long healed = System.nanoTime();
    cluster.heal();
    awaitReady("h1", Duration.ofSeconds(60));
    long readyMs = msSince(healed);
    awaitMembers(3, Duration.ofSeconds(60));
    long mergedMs = msSince(healed);
    long h2ToH1 = timeToDelivery("h2", "h1", "chat.probe-a", healed, Duration.ofSeconds(60));
    long h1ToH3 = timeToDelivery("h1", "h3", "chat.probe-b", healed, Duration.ofSeconds(60));
    sleep(3000);
    feeders.forEach(Feeder::stop);
    awaitQuiet(roomLedger, roomReaders);

    StringBuilder report = new StringBuilder();
    report.append(String.format("ChaosIT partition: 4005 after %d ms; after the heal: ready %d ms, one cluster %d ms, "
      + "delivery h2->h1 %d ms, h1->h3 %d ms%n", closedMs, readyMs, mergedMs, h2ToH1, h1ToH3));
    report.append(String.format("  room: %d published, %d acked, %d failed%n", roomLedger.all().size(),
      roomLedger.count(Ledger.Outcome.ACKED), roomLedger.count(Ledger.Outcome.FAILED)));
    Set<String> roomAcked = roomLedger.acked(s -> true);
    List<Ledger.Verdict> roomVerdicts = new ArrayList<>();
    for (Reader r : roomReaders) {
      Ledger.Verdict v = roomLedger.check(r.got(), roomAcked, true);
      roomVerdicts.add(v);
      report.append(String.format("  %s: %s; recoveries %s; closes %s%n", r.name(), v, r.recoveries(), r.closeCodes()));
    }
    Set<String> chatAcked = chatLedger.acked(s -> true);
    Set<String> majorityAcked = chatLedger.acked(s -> !s.origin().equals(ws("h1")));
    List<Ledger.Verdict> chatVerdicts = new ArrayList<>();
    for (Reader r : chatReaders) {
      Ledger.Verdict v = chatLedger.check(r.got(), chatAcked, false);
      chatVerdicts.add(v);
      report.append(String.format("  %s: %s (of %d acked: %.1f %% lost)%n", r.name(), v, chatAcked.size(),
        100.0 * v.missing().size() / Math.max(1, chatAcked.size())));
    }
    for (Ledger.Sent missing : roomLedger.all()) {
      if (roomVerdicts.get(1).missing().contains(missing.id())) {
        report.append("  missing at room-h2: " + missing + "\n");
      }
    }
    System.out.print(report);
    for (int i = 0; i < roomReaders.size(); i++) {
      Reader r = roomReaders.get(i);
      Ledger.Verdict v = roomVerdicts.get(i);
      assertTrue(v.duplicates().isEmpty() && v.unknown().isEmpty() && v.disorder().isEmpty(), r.name() + ": " + v);
      assertTrue(v.missing().isEmpty() || r.told(), r.name() + " lost messages without being told: " + v);
    }
    for (int i = 0; i < chatReaders.size(); i++) {
      Ledger.Verdict v = chatVerdicts.get(i);
      assertTrue(v.duplicates().isEmpty() && v.unknown().isEmpty(), chatReaders.get(i).name() + ": " + v);
    }
    for (Reader r : chatReaders.subList(1, 3)) {
      Ledger.Verdict v = chatLedger.check(r.got(), majorityAcked, false);
      assertEquals(List.of(), v.missing(), r.name() + " on the majority lost messages published on the majority");
    }
    assertTrue(closedMs < 25_000, "4005 after " + closedMs + " ms");
    assertTrue(h2ToH1 < 30_000 && h1ToH3 < 30_000, "delivery resumed " + h2ToH1 + " / " + h1ToH3 + " ms after the heal");
  }

  /**
   * Ten cycles of kill -9 and restart of a random node under load. Subscribers of a history channel
   * (SDK, failing over between the hosts) end with every acknowledged message exactly once, in order;
   * plain-channel subscribers pinned to a host lose nothing that was published between two hosts that
   * were both up.
   */
  @Test
  @Order(2)
  void tenKillsAndRestartsUnderLoadLoseNothingOnRecoveryChannelsAndNothingBetweenSurvivors() {
    String room = "room.chaos-kill";
    String chat = "chat.chaos-kill";
    Ledger roomLedger = new Ledger();
    Ledger chatLedger = new Ledger();
    List<String> hosts = cluster.hosts();
    List<Reader> roomReaders = new ArrayList<>();
    List<Reader> chatReaders = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      List<String> rotation = new ArrayList<>();
      for (int j = 0; j < hosts.size(); j++) {
        rotation.add(ws(hosts.get((i + j) % hosts.size())));
      }
      roomReaders.add(reader("room-" + hosts.get(i), rotation, room));
      chatReaders.add(reader("chat-" + hosts.get(i), List.of(ws(hosts.get(i))), chat));
    }
    List<Feeder> feeders = new ArrayList<>();
    for (String h : hosts) {
      feeders.add(feeder("pub-" + h, List.of(ws(h)), List.of(room, chat), List.of(roomLedger, chatLedger),
        Duration.ofMillis(250)));
    }
    sleep(2000);
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<long[]> outages = new ArrayList<>(); // host index, from, to (nanos)
    long started = System.nanoTime();
    for (int cycle = 0; cycle < 10; cycle++) {
      int victim = random.nextInt(hosts.size());
      String host = hosts.get(victim);
      long killed = System.nanoTime();
      cluster.kill(host);
      sleep(500);
      cluster.restart(host);
      awaitReady(host, Duration.ofSeconds(90));
      awaitMembers(3, Duration.ofSeconds(90));
      outages.add(new long[] {victim, killed, System.nanoTime()});
      System.out.printf("ChaosIT kill loop: cycle %d killed %s, back after %d ms%n", cycle + 1, host, msSince(killed));
      sleep(1000);
    }
    long loopMs = msSince(started);
    sleep(2000);
    feeders.forEach(Feeder::stop);
    awaitQuiet(roomLedger, roomReaders);

    StringBuilder report = new StringBuilder(String.format("ChaosIT kill loop (seed %d): 10 cycles in %d s; room: %d "
        + "published, %d acked, %d failed%n", seed, loopMs / 1000, roomLedger.all().size(),
      roomLedger.count(Ledger.Outcome.ACKED), roomLedger.count(Ledger.Outcome.FAILED)));
    Set<String> roomAcked = roomLedger.acked(s -> true);
    for (Reader r : roomReaders) {
      Ledger.Verdict v = roomLedger.check(r.got(), roomAcked, true);
      report.append(String.format("  %s: %s; recoveries %s%n", r.name(), v, r.recoveries()));
    }
    long margin = Duration.ofSeconds(2).toNanos();
    int between = 0;
    for (int i = 0; i < hosts.size(); i++) {
      int reader = i;
      Set<String> survivors = chatLedger.acked(s -> {
        int origin = hosts.indexOf(hostOf(s.origin()));
        return origin >= 0 && outages.stream().noneMatch(o -> (o[0] == reader || o[0] == origin)
          && s.atNanos() > o[1] - margin && s.atNanos() < o[2] + margin);
      });
      between += survivors.size();
      Ledger.Verdict v = chatLedger.check(chatReaders.get(i).got(), survivors, false);
      Ledger.Verdict all = chatLedger.check(chatReaders.get(i).got(), chatLedger.acked(s -> true), false);
      report.append(String.format("  %s: between survivors %s; of everything acked: %d missing%n",
        chatReaders.get(i).name(), v, all.missing().size()));
      assertTrue(v.exactlyOnce(), chatReaders.get(i).name() + ": " + v);
    }
    System.out.print(report);
    assertTrue(between > 0, "some messages were published between survivors");
    for (Reader r : roomReaders) {
      Ledger.Verdict v = roomLedger.check(r.got(), roomAcked, true);
      assertTrue(v.exactlyOnce() && v.disorder().isEmpty(), r.name() + ": " + v);
      assertTrue(r.recoveries().stream().allMatch(Boolean::booleanValue), r.name() + ": " + r.recoveries());
    }
  }

  private static String hostOf(String url) {
    for (String h : cluster.hosts()) {
      if (ws(h).equals(url)) {
        return h;
      }
    }
    return null;
  }

  /**
   * The minority has publishers of its own while it is cut off. The documented rule: a node without
   * quorum refuses publishes (the publisher sees the failure), so the history channel's stream after
   * the heal is the majority's: every acknowledged message exactly once, in order, under one epoch;
   * nothing a subscriber received is missing from it unless that subscriber was told.
   */
  @Test
  @Order(3)
  void aMinorityWithPublishersOfItsOwnNeverForksTheStream() {
    String room = "room.chaos-minority";
    Ledger ledger = new Ledger();
    Reader stream = reader("stream-h2", List.of(ws("h2")), room);
    Reader onH1 = reader("room-h1", List.of(ws("h1"), cluster.lbUrl()), room);
    List<Feeder> feeders = new ArrayList<>();
    for (String h : cluster.hosts()) {
      feeders.add(feeder("pub-" + h, List.of(ws(h)), List.of(room), List.of(ledger), Duration.ofMillis(300)));
    }
    // and a raw-protocol publisher on h1 that does not reconnect
    WsClient rawPub = raw("h1", "raw-pub-h1", Duration.ofSeconds(10));
    List<JsonObject> rawAnswers = new ArrayList<>();
    long rawTimer = vertx.setPeriodic(300, id -> {
      if (!rawPub.closed()) {
        String mid = "raw-h1-" + id + "-" + System.nanoTime();
        ledger.sent(mid, ws("h1"));
        rawPub.socket().writeTextMessage(new JsonObject().put("type", "publish").put("address", room)
          .put("body", new JsonObject().put("id", mid)).put("id", mid).encode());
      }
    });
    sleep(3000);
    cluster.partition("h1");
    sleep(PARTITION.toMillis());
    cluster.heal();
    awaitReady("h1", Duration.ofSeconds(60));
    awaitMembers(3, Duration.ofSeconds(60));
    sleep(5000);
    vertx.cancelTimer(rawTimer);
    feeders.forEach(Feeder::stop);
    sleep(1000);
    while (rawPub.pending() > 0) {
      JsonObject f = rawPub.next();
      rawAnswers.add(f);
      if ("ack".equals(f.getString("type"))) {
        ledger.acked(f.getString("id"));
      } else if ("err".equals(f.getString("type")) && f.getValue("id") != null) {
        ledger.failed(f.getString("id"));
      }
    }
    awaitQuiet(ledger, List.of(stream));

    Set<String> acked = ledger.acked(s -> true);
    Ledger.Verdict v = ledger.check(stream.got(), acked, true);
    long refusedOnH1 = ledger.all().stream().filter(s -> s.origin().equals(ws("h1"))
      && s.outcome() != Ledger.Outcome.ACKED).count();
    long rawErrs = rawAnswers.stream().filter(f -> "err".equals(f.getString("type"))).count();
    Set<String> inStream = new HashSet<>(stream.ids());
    List<String> phantoms = onH1.ids().stream().filter(id -> !inStream.contains(id)).toList();
    long failedButKept = ledger.all().stream().filter(s -> s.outcome() != Ledger.Outcome.ACKED
      && inStream.contains(s.id())).count();
    System.out.printf("ChaosIT minority: %d published, %d acked; publishes on h1 not acknowledged: %d (raw client: "
        + "%d err frames, closed with %s); stream seen on h2: %s; failed publishes that are in the stream anyway: %d; "
        + "h1's subscriber: %d received, %d not in the stream, recoveries %s%n", ledger.all().size(), acked.size(),
      refusedOnH1, rawErrs, rawPub.closed() ? rawPub.awaitClose(Duration.ofSeconds(1)) : "-", v, failedButKept,
      onH1.ids().size(), phantoms.size(), onH1.recoveries());
    assertTrue(v.exactlyOnce() && v.disorder().isEmpty(), "the majority's stream: " + v);
    assertTrue(refusedOnH1 > 0, "the cut-off node refused publishes");
    assertTrue(phantoms.isEmpty() || onH1.told(), "h1's subscriber kept messages the stream does not have: " + phantoms);
    assertEquals(1, stream.got().stream().map(Ledger.Got::epoch).distinct().count(), "one epoch");
  }
}
