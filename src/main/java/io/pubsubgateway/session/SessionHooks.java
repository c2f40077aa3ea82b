package io.pubsubgateway.session;

import io.pubsubgateway.channel.Hook;
import io.pubsubgateway.hook.HookClient;
import io.pubsubgateway.hook.HookDecision;
import io.pubsubgateway.hook.HookType;
import io.pubsubgateway.protocol.ClientFrame;
import io.pubsubgateway.protocol.ErrorCode;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One session's use of the backend hooks of channel rules ({@code subscribeHook},
 * {@code publishHook}): a register, publish or send on a channel whose rule has a hook goes
 * through only when the hook accepts it; a refusal reaches the client as an {@code err} with the
 * hook's code and message (or {@code hook_failed}). Channels without hooks never come here.
 *
 * <p>Order: the publishes and sends of the connection to one channel ask the hook one at a time, in
 * the order they came: the next one's request goes out once the previous one is published (or
 * refused). At most {@value #MAX_WAITING_PUBLISHES} of the connection's publishes wait at a time;
 * one more is refused with {@code rate_limited}. Publishes still waiting when the connection closes
 * are dropped; one whose hook request is out is published if accepted.
 *
 * <p>Subscribes: an unregister while the register's hook request is out cancels it (the register
 * is then acknowledged without subscribing, or refused as the hook said).
 *
 * <p>Threading: the session's event loop only; no locks (a hook's reply completes on that loop).
 */
final class SessionHooks {
  /** Publishes (and sends) of one connection that may wait for their hook at a time. */
  static final int MAX_WAITING_PUBLISHES = 1000;

  private final Session session;
  private final HookClient client;
  /** Channel to the token of its newest register waiting for the subscribe hook. */
  private Map<String, Object> subscribing;
  /** Channel to the publishes waiting behind the one whose hook request is out. */
  private Map<String, ArrayDeque<Runnable>> publishing;
  private int waiting;

  /** @param client the node's hook client; null when the node has no channel hooks */
  SessionHooks(Session session, HookClient client) {
    this.session = session;
    this.client = client;
  }

  /** The channel's subscribe hook, or null: subscribe as without hooks. */
  Hook subscribeHook(String channel) {
    return client == null ? null : client.subscribeHook(channel);
  }

  /** The channel's publish hook (asked for publish and send), or null: publish as without hooks. */
  Hook publishHook(String channel) {
    return client == null ? null : client.publishHook(channel);
  }

  /** Asks the subscribe hook about {@code frame} (a register that passed the checks); subscribes if it accepts. */
  void subscribe(ClientFrame frame, Hook hook) {
    String channel = frame.address();
    Object token = new Object();
    if (subscribing == null) {
      subscribing = new HashMap<>();
    }
    subscribing.put(channel, token);
    JsonObject request = HookClient.channelRequest(HookType.SUBSCRIBE, session.principal(), session.clientId(),
      channel);
    client.ask(hook, HookType.SUBSCRIBE, request).onSuccess(decision -> {
      boolean current = subscribing.remove(channel, token);
      if (!session.open()) {
        return;
      }
      if (!decision.accepted()) {
        refuse(frame, decision);
      } else if (current) {
        session.subscribe(frame);
      } else {
        session.ack(frame); // unregistered (or registered again) while the hook was asked
      }
    });
  }

  /** An unregister: a register of {@code channel} waiting for its hook no longer subscribes. */
  void cancelSubscribe(String channel) {
    if (subscribing != null) {
      subscribing.remove(channel);
    }
  }

  /** Queues {@code frame} (a publish or send that passed the checks) behind the connection's earlier ones to its channel. */
  void publish(ClientFrame frame, Hook hook, HookType type) {
    String channel = frame.address();
    if (waiting >= MAX_WAITING_PUBLISHES) {
      session.sendError(ErrorCode.RATE_LIMITED, channel, "at most " + MAX_WAITING_PUBLISHES
        + " publishes may wait for their hook", frame.id());
      return;
    }
    waiting++;
    if (publishing == null) {
      publishing = new HashMap<>();
    }
    ArrayDeque<Runnable> queue = publishing.get(channel);
    if (queue == null) {
      publishing.put(channel, new ArrayDeque<>());
      ask(frame, hook, type);
    } else {
      queue.add(() -> ask(frame, hook, type));
    }
  }

  private void ask(ClientFrame frame, Hook hook, HookType type) {
    String channel = frame.address();
    if (!session.open()) {
      waiting -= 1 + publishing.remove(channel).size(); // closed: what still waits is dropped
      return;
    }
    JsonObject request = HookClient.channelRequest(type, session.principal(), session.clientId(), channel)
      .put("body", frame.body()).put("headers", frame.headers());
    client.ask(hook, type, request).<Object>compose(decision -> {
      if (!decision.accepted()) {
        refuse(frame, decision);
        return Future.succeededFuture();
      }
      Object body = decision.replacesBody() ? decision.body() : frame.body();
      return (type == HookType.SEND ? session.publishing().sendNow(frame, body) : session.publishing().publishNow(frame, body)).map(done -> done);
    }).onComplete(ar -> next(channel));
  }

  /** The publish at the channel's hook is done: the next one waiting asks. */
  private void next(String channel) {
    ArrayDeque<Runnable> queue = publishing.get(channel);
    if (queue == null) {
      return; // dropped at close
    }
    waiting--;
    Runnable following = queue.poll();
    if (following == null) {
      publishing.remove(channel);
    } else {
      following.run();
    }
  }

  private void refuse(ClientFrame frame, HookDecision decision) {
    if (session.open()) {
      session.reply(FrameCodec.encodeErr(decision.code(), frame.address(), decision.message(), frame.id()));
    }
  }
}
