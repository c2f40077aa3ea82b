package io.pubsubgateway.session;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.presence.MemoryPresenceManager;
import io.pubsubgateway.presence.PresenceManager;
import io.pubsubgateway.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The join of a channel with presence goes out once the joiner's presence entry is recorded (a
 * cluster's presence map answers later than the event bus delivers): whoever asks for the presence
 * on a join sees the joiner; a subscription that ends before its entry is recorded sends neither
 * join nor leave. Real sessions on a real event loop, a presence manager whose adds the test
 * completes.
 */
class PresenceJoinTest {
  private static final LimitsConfig LIMITS = new LimitsConfig(65536, 100, 0, 100, 0, 1 << 20, 200);
  private static final ChannelOptions ROOM = new ChannelOptions(0, true, true, 0, 0, false);

  private final Vertx vertx = Vertx.vertx();
  private final Context context = ((VertxInternal) vertx).createEventLoopContext();
  private final HeldPresence presence = new HeldPresence();
  private final SessionServices services = MemorySessionServices.of(vertx, context, GatewayMetrics.prometheus(),
    LIMITS, null, ch -> ROOM, presence);

  @AfterEach
  void close() {
    Await.result(vertx.close());
  }

  /** Presence in memory whose adds complete when the test releases them. */
  private final class HeldPresence implements PresenceManager {
    final MemoryPresenceManager memory = new MemoryPresenceManager();
    final Map<String, Promise<Void>> held = new ConcurrentHashMap<>();

    @Override
    public Future<Void> add(Presence p) {
      Promise<Void> promise = Promise.promise();
      held.put(p.user(), promise);
      return promise.future().compose(v -> memory.add(p));
    }

    void release(String user) {
      Await.until("an add of " + user, () -> held.containsKey(user));
      Await.on(context, () -> held.remove(user).tryComplete());
    }

    @Override
    public Future<Void> remove(String channel, String client) {
      return memory.remove(channel, client);
    }

    @Override
    public Future<List<Presence>> list(String channel) {
      return memory.list(channel);
    }

    @Override
    public Future<List<Presence>> removeNode(String node) {
      return memory.removeNode(node);
    }
  }

  private FrameSocket connect(String user) {
    FrameSocket socket = new FrameSocket();
    connect(user, socket, new Session[1]);
    return socket;
  }

  /** A session of {@code user} on {@code socket} (put in {@code session[0]}), registered to room.a. */
  private void connect(String user, FrameSocket socket, Session[] session) {
    List<ChannelPattern> room = List.of(ChannelPattern.of("room.*"));
    Principal principal = new Principal(user, room, room, System.currentTimeMillis() + 3_600_000);
    Await.on(context, () -> {
      Session s = new Session(socket, principal, services, () -> { });
      s.start();
      s.handleMessage(Buffer.buffer(new JsonObject().put("type", "register").put("address", "room.a")
        .put("id", "r").encode()));
      session[0] = s;
      return s;
    });
  }

  private static List<String> events(FrameSocket socket) {
    return socket.written.stream().filter(f -> f.getString("type").matches("join|leave"))
      .map(f -> f.getString("type") + " " + f.getJsonObject("body").getString("user")).toList();
  }

  @Test
  void theJoinWaitsForThePresenceEntryAndThenListsTheJoiner() throws InterruptedException {
    FrameSocket watcher = connect("watcher");
    presence.release("watcher");
    Await.until("own join", () -> events(watcher).equals(List.of("join watcher")));

    connect("joiner");
    Thread.sleep(300);
    assertEquals(List.of("join watcher"), events(watcher), "no join before the entry is recorded");
    presence.release("joiner");
    Await.until("the join", () -> events(watcher).equals(List.of("join watcher", "join joiner")));
    List<String> listed = Await.result(Await.on(context, () -> presence.list("room.a"))).stream()
      .map(PresenceManager.Presence::user).toList();
    assertTrue(listed.contains("joiner"), listed.toString());
  }

  @Test
  void aSubscriptionEndedBeforeItsEntryIsRecordedSendsNeitherJoinNorLeave() throws InterruptedException {
    FrameSocket watcher = connect("watcher");
    presence.release("watcher");
    Await.until("own join", () -> events(watcher).equals(List.of("join watcher")));

    FrameSocket flapper = new FrameSocket();
    Session[] session = new Session[1];
    connect("flapper", flapper, session);
    Await.on(context, () -> {
      session[0].handleMessage(Buffer.buffer(new JsonObject().put("type", "unregister").put("address", "room.a")
        .encode()));
      return null;
    });
    presence.release("flapper");
    Thread.sleep(300);
    assertEquals(List.of("join watcher"), events(watcher), "no join, and no leave without a join");
  }
}
