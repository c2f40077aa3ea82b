package io.pubsubgateway.bench;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A load-generator process holding subscriber connections. The coordinator drives it with JSON
 * lines on stdin ({@code reset}, {@code status}, {@code report}, {@code quit}) and reads JSON lines
 * on stdout. Everything runs on one event loop: no locks. It records, per connection and publisher,
 * which sequence numbers arrived (loss and duplicates) and the publish-to-receive latency.
 */
public final class SubscriberWorker {
  /** Latency histogram bound: 60 s in microseconds, 3 significant digits. */
  public static final long MAX_LATENCY_MICROS = 60_000_000L;

  private final Dialect dialect;
  private final String channel;
  private final List<Sub> subs = new ArrayList<>();
  private static final int KEEPALIVE_MS = 5000;
  private static final int KEEPALIVE_TICK_MS = 50;
  private final List<BenchConnection> connections = new ArrayList<>();
  private final PrintStream out;
  private Histogram histogram = new Histogram(MAX_LATENCY_MICROS, 3);
  private long received;
  private long unique;
  private long duplicates;
  private long outOfRange;
  private int perPublisher;
  private int publishers;
  private final int channelCount;
  private WebSocketClient client;
  private long reconnects;
  private int round;
  private Histogram churnLatency = new Histogram(MAX_LATENCY_MICROS, 3);

  private final class Sub {
    boolean warm;
    BitSet seen = new BitSet();
    BenchConnection connection;
    String channel;
    long churnStartNanos;

    void handle(String text) {
      long s = Payload.field(text, "\"s\":", 0);
      long p = Payload.field(text, "\"p\":", 0);
      if (s == Payload.WARMUP) {
        // warm-up probes carry the churn round in p: only a probe of the current round proves the new subscription
        if (!warm && p == round) {
          warm = true;
          if (churnStartNanos > 0) {
            churnLatency.recordValue(Math.min(MAX_LATENCY_MICROS, (System.nanoTime() - churnStartNanos) / 1000));
            churnStartNanos = 0;
          }
        }
        return;
      }
      long t = Payload.field(text, "\"t\":", 0);
      received++;
      histogram.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, (System.nanoTime() - t) / 1000)));
      long k = s * publishers + p; // the message's global index
      if (p < 0 || p >= publishers || s < 0 || k >= (long) publishers * perPublisher) {
        outOfRange++;
        return;
      }
      if (seen.get((int) k)) {
        duplicates++;
      } else {
        seen.set((int) k);
        unique++;
      }
    }
  }

  private SubscriberWorker(Dialect dialect, String channel, int channelCount, PrintStream out) {
    this.dialect = dialect;
    this.channel = channel;
    this.channelCount = channelCount;
    this.out = out;
  }

  /** Runs a worker until {@code quit}; see BenchMain's {@code worker} command for the arguments. */
  public static void run(Dialect dialect, String channel, int channelCount, int connections, List<String> urls, int urlOffset,
                         String localAddress) throws Exception {
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    WebSocketClientOptions options = new WebSocketClientOptions().setMaxConnections(100_000)
      .setConnectTimeout(30_000);
    if (localAddress != null) {
      options.setLocalAddress(localAddress);
    }
    WebSocketClient client = vertx.createWebSocketClient(options);
    Context context = vertx.getOrCreateContext();
    SubscriberWorker worker = new SubscriberWorker(dialect, channel, channelCount, out);
    worker.client = client; // held: Vert.x closes a WebSocketClient once it is unreachable
    CountDownLatch opened = new CountDownLatch(1);
    long start = System.nanoTime();
    context.runOnContext(v -> worker.open(client, urls, urlOffset, connections, 0, opened));
    opened.await();
    // every connection pings once per 5 s, the pings spread evenly over those 5 s: a burst of thousands of pings
    // at once (what a single 5 s timer did) stalled the server's loops and broke p99 with 10,000 subscribers, and no
    // real fleet of clients pings in step
    int[] next = {0};
    vertx.setPeriodic(KEEPALIVE_TICK_MS, t -> {
      List<BenchConnection> all = worker.connections;
      int slice = (int) Math.ceil(all.size() * KEEPALIVE_TICK_MS / (double) KEEPALIVE_MS);
      for (int i = 0; i < slice && !all.isEmpty(); i++) {
        next[0] = next[0] >= all.size() ? 0 : next[0];
        all.get(next[0]++).keepAlive();
      }
    });
    out.println(new JsonObject().put("event", "ready").put("connections", worker.subs.size())
      .put("openMs", (System.nanoTime() - start) / 1_000_000).encode());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      JsonObject cmd = new JsonObject(line);
      if ("quit".equals(cmd.getString("cmd"))) {
        break;
      }
      CountDownLatch done = new CountDownLatch(1);
      context.runOnContext(v -> {
        worker.handle(cmd);
        done.countDown();
      });
      done.await();
    }
    vertx.close();
    System.exit(0);
  }

  /** Opens connections with at most 64 handshakes in flight. */
  private void open(WebSocketClient client, List<String> urls, int offset, int total, int started, CountDownLatch done) {
    int[] inFlight = {0};
    int[] next = {started};
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (inFlight[0] < 64 && next[0] < total) {
        String url = urls.get((offset + next[0]) % urls.size());
        String subChannel = Channels.name(channel, channelCount, offset + next[0]);
        next[0]++;
        inFlight[0]++;
        BenchConnection.open(client, url, dialect).onComplete(ar -> {
          inFlight[0]--;
          if (ar.succeeded()) {
            Sub sub = new Sub();
            sub.channel = subChannel;
            subs.add(sub);
            attach(client, url, sub, ar.result());
          } else {
            System.err.println("worker: connect " + url + " failed: " + ar.cause());
          }
          if (next[0] >= total && inFlight[0] == 0) {
            done.countDown();
          } else {
            pump[0].run();
          }
        });
      }
    };
    pump[0].run();
  }

  /**
   * Wires a connection to its subscriber state. A connection the server closes (a slow consumer cut
   * off under overload, for instance) is reopened and subscribed again, and counted: the next
   * trial's warm-up waits until it receives again.
   */
  private void attach(WebSocketClient client, String url, Sub sub, BenchConnection c) {
    connections.add(c);
    sub.connection = c;
    c.bodyHandler(sub::handle);
    c.subscribe(sub.channel);
    c.socket().closeHandler(v -> {
      connections.remove(c);
      sub.warm = false;
      reconnects++;
      reopen(client, url, sub);
    });
  }

  private void reopen(WebSocketClient client, String url, Sub sub) {
    BenchConnection.open(client, url, dialect).onComplete(ar -> {
      if (ar.succeeded()) {
        attach(client, url, sub, ar.result());
      } else {
        Vertx.currentContext().owner().setTimer(200, t -> reopen(client, url, sub));
      }
    });
  }

  static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int len = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len));
  }

  static Histogram decode(String base64) throws java.util.zip.DataFormatException {
    return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
  }

  private void handle(JsonObject cmd) {
    switch (cmd.getString("cmd")) {
      case "reset" -> {
        publishers = cmd.getInteger("publishers");
        perPublisher = cmd.getInteger("messages");
        for (Sub s : subs) {
          s.seen = new BitSet(publishers * perPublisher);
        }
        histogram = new Histogram(MAX_LATENCY_MICROS, 3);
        received = 0;
        unique = 0;
        duplicates = 0;
        outOfRange = 0;
        out.println(new JsonObject().put("event", "reset").encode());
      }
      case "churn" -> {
        // unsubscribe and subscribe again, every connection at once; latency = until a probe of this round arrives
        round = cmd.getInteger("round");
        churnLatency = new Histogram(MAX_LATENCY_MICROS, 3);
        long now = System.nanoTime();
        for (Sub sub : subs) {
          sub.warm = false;
          sub.churnStartNanos = now;
          sub.connection.unsubscribe(sub.channel);
          sub.connection.subscribe(sub.channel);
        }
        out.println(new JsonObject().put("event", "churning").encode());
      }
      case "rewarm" -> {
        round = 0;
        subs.forEach(sub -> sub.warm = false);
        out.println(new JsonObject().put("event", "rewarm").encode());
      }
      case "status" -> {
        long warm = subs.stream().filter(s -> s.warm).count();
        out.println(new JsonObject().put("event", "status").put("warm", warm).put("received", received)
          .put("reconnects", reconnects)
          .put("unique", unique).encode());
      }
      case "report" -> {
        out.println(new JsonObject().put("event", "report").put("received", received).put("unique", unique)
          .put("duplicates", duplicates).put("outOfRange", outOfRange)
          .put("histogram", encode(histogram))
          .put("churnHistogram", encode(churnLatency)).encode());
      }
      default -> out.println(new JsonObject().put("event", "error").put("message", "unknown command").encode());
    }
  }
}
