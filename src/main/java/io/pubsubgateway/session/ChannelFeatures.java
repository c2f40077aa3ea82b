package io.pubsubgateway.session;

import io.pubsubgateway.channel.ChannelOptions;
import io.pubsubgateway.history.HistoryStore;
import io.pubsubgateway.history.HistoryStore.Position;
import io.pubsubgateway.hub.ChannelPublisher;
import io.pubsubgateway.presence.PresenceManager;
import io.pubsubgateway.presence.PresenceManager.Presence;
import io.pubsubgateway.protocol.ClientFrame;
import io.pubsubgateway.protocol.ErrorCode;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One session's use of what channel namespaces offer: presence entries and join/leave events
 * while subscribed, recovery of missed messages at subscribe, history and presence requests.
 *
 * <p>Recovery: from the moment a session asks to subscribe to a channel with history until its
 * position is known, live messages for it are held ({@link RecoveryGate}); the ack then says where
 * the stream stands ({@code offset}, {@code epoch}, the {@code mid} of the message there, and
 * {@code recovered} when the client asked with {@code since.offset}), the missed messages follow in
 * order, then the held ones past them — no gap and no duplicate at the seam, as the hub delivers
 * each channel in offset order. {@code recovered} is true only when the client's stream is the
 * cluster's: same epoch, the message at {@code since.offset} (when still kept) has the client's
 * {@code since.mid}, and every later message is still in the history.
 *
 * <p>Threading: the session's event loop only.
 */
final class ChannelFeatures {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelFeatures.class);
  /** Register header: the offset of the last message the client received. */
  static final String SINCE_OFFSET = "since.offset";
  /** Register header: the epoch of that message's stream. */
  static final String SINCE_EPOCH = "since.epoch";
  /** Register header: that message's {@code mid}. */
  static final String SINCE_MID = "since.mid";

  private final Session session;
  private final SessionServices services;
  private final ChannelPublisher publisher;
  private final HistoryStore history;
  private final PresenceManager presence;
  private final RecoveryGate gate = new RecoveryGate();
  /** Channels whose presence entry / join event went out: only they get a removal / leave. */
  private Set<String> announced;
  /**
   * Joins waiting for the subscription's presence entry to be recorded, by channel: the token of
   * the registration they belong to (a register/unregister/register run makes a new one).
   */
  private Map<String, Object> pendingJoins;

  ChannelFeatures(Session session, SessionServices services) {
    this.session = session;
    this.services = services;
    this.publisher = services.publisher();
    this.history = publisher.history();
    this.presence = services.presence();
  }

  /** A register was accepted: on a channel with history, live messages are held until the position is known. */
  void subscribing(String channel) {
    if (publisher.options(channel).history()) {
      gate.close(channel);
    }
  }

  /**
   * A live frame: true when it was held (its subscription is being positioned) or dropped as a
   * duplicate of what the recovery sent; false when it goes to the client.
   */
  boolean hold(String channel, byte[] frame, long offset, String epoch) {
    return gate.take(channel, frame, offset, epoch);
  }

  void dropHeld(String channel) {
    gate.forget(channel);
  }

  /**
   * The node's subscription is registered: the presence entry, then the ack (and recovery); the
   * join goes out once the entry is recorded (a presence query on a join lists the joiner).
   */
  void subscribed(ClientFrame frame) {
    String channel = frame.address();
    ChannelOptions options = publisher.options(channel);
    if (options.presence() || options.joinLeave()) {
      if (announced == null) {
        announced = new HashSet<>();
      }
      announced.add(channel);
    }
    Future<Void> recorded = Future.succeededFuture();
    if (options.presence()) {
      recorded = presence.add(new Presence(channel, session.clientId(), session.principal().user(),
        services.nodeId(), session.principal().info())).onFailure(err -> LOG.warn(
          "presence of {} in {} not recorded: {}", session.clientId(), channel, err.toString()));
    }
    if (options.joinLeave()) {
      // the join once the entry is recorded: whoever asks for the presence on a join sees the joiner
      Object registration = new Object();
      if (pendingJoins == null) {
        pendingJoins = new HashMap<>();
      }
      pendingJoins.put(channel, registration);
      recorded.onComplete(ar -> {
        if (pendingJoins.remove(channel, registration)) {
          publisher.event(channel, "join", who());
        }
      });
    }
    if (!options.history()) {
      session.ack(frame);
      return;
    }
    Long since = sinceOffset(frame);
    String sinceEpoch = frame.headers().getString(SINCE_EPOCH);
    String sinceMid = frame.headers().getString(SINCE_MID);
    // from the client's own last message (to check it is the stream's), else just the top entry (its mid)
    Future<HistoryStore.Page> page = since != null && options.recovery()
      ? history.read(channel, options, Math.max(1, since), options.historySize() + 1)
      : history.top(channel, options).compose(top -> top.offset() == 0
        ? Future.succeededFuture(new HistoryStore.Page(top, List.of()))
        : history.read(channel, options, top.offset(), 1).map(p -> new HistoryStore.Page(top, p.entries())));
    page.onComplete(ar -> {
      if (!session.subscribed(channel)) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("position of {} unknown: {}", channel, ar.cause().toString());
        session.unsubscribe(channel); // not half subscribed: the client retries the register
        session.sendError(ErrorCode.INTERNAL_ERROR, channel, "history unavailable, retry", frame.id());
        return;
      }
      Boolean recovered = since == null ? null
        : options.recovery() && recovered(since, sinceEpoch, sinceMid, ar.result());
      deliverRecovered(frame, options.recovery() ? since : null, ar.result(), recovered);
    });
  }

  /**
   * Complete when the stream is the client's and nothing between its offset and the top was lost:
   * same epoch; the message at {@code since}, when the history still keeps it and the client named
   * its mid, is the client's (a merge after a network split may have replaced it); and the messages
   * read after {@code since} run without a hole up to the top. {@code page} was read from
   * {@code since} (or from 1 when {@code since} is 0).
   */
  static boolean recovered(long since, String sinceEpoch, String sinceMid, HistoryStore.Page page) {
    Position top = page.top();
    if (sinceEpoch == null || !sinceEpoch.equals(top.epoch()) || since > top.offset()) {
      return false;
    }
    List<HistoryStore.Entry> entries = page.entries();
    int i = 0;
    if (since > 0 && !entries.isEmpty() && entries.get(0).offset() == since) {
      String kept = entries.get(0).message().getString(ChannelPublisher.MID_FIELD);
      if (sinceMid != null && kept != null && !kept.equals(sinceMid)) {
        return false;
      }
      i = 1;
    }
    if (since == top.offset()) {
      return true;
    }
    return i < entries.size() && entries.get(i).offset() == since + 1
      && entries.get(entries.size() - 1).offset() == top.offset();
  }

  /** The ack, then (with {@code since}: recovery) the messages after {@code since}, then the held live ones. */
  private void deliverRecovered(ClientFrame frame, Long since, HistoryStore.Page page, Boolean recovered) {
    String channel = frame.address();
    Position top = page.top();
    JsonObject extra = position(top);
    String topMid = midAt(page, top.offset());
    if (topMid != null) {
      extra.put("mid", topMid);
    }
    if (recovered != null) {
      extra.put("recovered", recovered);
    }
    if (frame.id() != null) {
      session.reply(FrameCodec.encodeAck(frame.id(), channel, extra));
    }
    Position sent = top;
    boolean replay = since != null && top.epoch().equals(frame.headers().getString(SINCE_EPOCH));
    if (replay) {
      for (HistoryStore.Entry e : page.entries()) {
        if (e.offset() > since) {
          session.reply(ChannelPublisher.encodeStored(channel, e, top.epoch()));
          sent = new Position(Math.max(sent.offset(), e.offset()), top.epoch());
        }
      }
    }
    for (byte[] live : gate.open(channel, sent)) {
      session.send(live);
    }
  }

  private static String midAt(HistoryStore.Page page, long offset) {
    for (HistoryStore.Entry e : page.entries()) {
      if (e.offset() == offset) {
        return e.message().getString(ChannelPublisher.MID_FIELD);
      }
    }
    return null;
  }

  /** The subscription ended (unregister or close): presence entry and leave event. */
  void unsubscribed(String channel) {
    dropHeld(channel);
    if (announced == null || !announced.remove(channel)) {
      return;
    }
    ChannelOptions options = publisher.options(channel);
    if (options.presence()) {
      presence.remove(channel, session.clientId());
    }
    if (options.joinLeave() && (pendingJoins == null || pendingJoins.remove(channel) == null)) {
      publisher.event(channel, "leave", who()); // (no leave for a join that never went out)
    }
  }

  /** {@code {"type":"history"}}: the last {@code limit} (default: all kept) messages of the channel. */
  void history(ClientFrame frame) {
    String channel = frame.address();
    ChannelOptions options = publisher.options(channel);
    if (!options.history()) {
      session.sendError(ErrorCode.NOT_AVAILABLE, channel, "this channel keeps no history", frame.id());
      return;
    }
    int limit = frame.body() instanceof Integer n ? Math.min(n, options.historySize()) : options.historySize();
    history.top(channel, options)
      .compose(top -> history.read(channel, options, Math.max(1, top.offset() - limit + 1), limit))
      .onComplete(ar -> {
        if (ar.failed()) {
          session.sendError(ErrorCode.INTERNAL_ERROR, channel, "history unavailable, retry", frame.id());
          return;
        }
        JsonArray messages = new JsonArray();
        for (HistoryStore.Entry e : ar.result().entries()) {
          JsonObject m = new JsonObject().put("offset", e.offset()).put("body", e.message().getValue("body"));
          String mid = e.message().getString(ChannelPublisher.MID_FIELD);
          if (mid != null) {
            m.put("mid", mid);
          }
          if (e.message().getJsonObject("headers") != null) {
            m.put("headers", e.message().getJsonObject("headers"));
          }
          messages.add(m);
        }
        session.reply(FrameCodec.encodeReply("history", frame.id(), channel,
          position(ar.result().top()).put("messages", messages)));
      });
  }

  /** {@code {"type":"presence"}}: who is subscribed to the channel, on every node. */
  void presence(ClientFrame frame) {
    String channel = frame.address();
    if (!publisher.options(channel).presence()) {
      session.sendError(ErrorCode.NOT_AVAILABLE, channel, "this channel has no presence", frame.id());
      return;
    }
    presence.list(channel).onComplete(ar -> {
      if (ar.failed()) {
        session.sendError(ErrorCode.INTERNAL_ERROR, channel, "presence unavailable, retry", frame.id());
        return;
      }
      JsonArray clients = new JsonArray();
      ar.result().forEach(p -> clients.add(p.toJson()));
      session.reply(FrameCodec.encodeReply("presence", frame.id(), channel, new JsonObject().put("clients", clients)));
    });
  }

  /** The body of this session's join/leave events. */
  private JsonObject who() {
    JsonObject body = new JsonObject().put("client", session.clientId()).put("user", session.principal().user());
    if (session.principal().info() != null) {
      body.put("info", session.principal().info());
    }
    return body;
  }

  /** {@code {"offset": N, "epoch": E}} of a stream position. */
  static JsonObject position(Position position) {
    return new JsonObject().put("offset", position.offset()).put("epoch", position.epoch());
  }

  private static Long sinceOffset(ClientFrame frame) {
    String value = frame.headers().getString(SINCE_OFFSET);
    if (value == null) {
      return null;
    }
    try {
      long offset = Long.parseLong(value.trim());
      return offset < 0 ? null : offset;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
