package io.pubsubgateway.transport;

import io.pubsubgateway.config.ChannelOptions;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One session's use of what channel namespaces offer: presence entries and join/leave events
 * while subscribed, recovery of missed messages at subscribe, history and presence requests.
 *
 * <p>Recovery: from the moment a session asks to subscribe to a channel with history until its
 * position is known, live messages for it are held; the ack then says where the stream stands
 * ({@code offset}, {@code epoch}, and {@code recovered} when the client asked with
 * {@code since.offset}), the missed messages follow in order, then the held ones past them — no
 * gap and no duplicate at the seam, as the hub delivers each channel in offset order.
 *
 * <p>Threading: the session's event loop only.
 */
final class ChannelFeatures {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelFeatures.class);
  /** Register header: the offset of the last message the client received. */
  static final String SINCE_OFFSET = "since.offset";
  /** Register header: the epoch of that message's stream. */
  static final String SINCE_EPOCH = "since.epoch";

  private final Session session;
  private final SessionServices services;
  private final ChannelPublisher publisher;
  private final HistoryStore history;
  private final PresenceManager presence;
  private Map<String, List<Held>> held;
  /** Channels whose presence entry / join event went out: only they get a removal / leave. */
  private Set<String> announced;
  /** Per channel just positioned: the last offset sent; live frames at or below it are duplicates. */
  private Map<String, Long> floors;

  private record Held(long offset, byte[] frame) {
  }

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
      if (held == null) {
        held = new HashMap<>();
      }
      held.put(channel, new ArrayList<>());
    }
  }

  /** Holds a live frame of a channel whose subscription is being positioned; false when not holding. */
  boolean hold(String channel, byte[] frame, long offset) {
    if (floors != null && offset > 0) {
      Long floor = floors.get(channel);
      if (floor != null) {
        if (offset <= floor) {
          return true; // already sent by the recovery (a hub behind it): dropped
        }
        floors.remove(channel);
      }
    }
    List<Held> list = held == null ? null : held.get(channel);
    if (list == null) {
      return false;
    }
    list.add(new Held(offset, frame));
    return true;
  }

  void dropHeld(String channel) {
    if (held != null) {
      held.remove(channel);
    }
    if (floors != null) {
      floors.remove(channel);
    }
  }

  /** The node's subscription is registered: presence, join, then the ack (and recovery). */
  void subscribed(ClientFrame frame) {
    String channel = frame.address();
    ChannelOptions options = publisher.options(channel);
    if (options.presence() || options.joinLeave()) {
      if (announced == null) {
        announced = new HashSet<>();
      }
      announced.add(channel);
    }
    if (options.presence()) {
      presence.add(new Presence(channel, session.clientId(), session.principal().user(), services.nodeId(),
        session.principal().info())).onFailure(err -> LOG.warn("presence of {} in {} not recorded: {}",
        session.clientId(), channel, err.toString()));
    }
    if (options.joinLeave()) {
      publisher.event(channel, "join", who());
    }
    if (!options.history()) {
      session.ack(frame);
      return;
    }
    Long since = sinceOffset(frame);
    String sinceEpoch = frame.headers().getString(SINCE_EPOCH);
    Future<HistoryStore.Page> page = since != null && options.recovery()
      ? history.read(channel, options, since + 1, options.historySize())
      : history.top(channel, options).map(top -> new HistoryStore.Page(top, List.of()));
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
      Boolean recovered = since == null ? null : options.recovery() && recovered(since, sinceEpoch, ar.result());
      deliverRecovered(frame, ar.result(), recovered);
    });
  }

  /**
   * Complete when the stream is the client's (same epoch) and nothing between its offset and the top
   * was lost: either it is at the top, or the first message read follows its offset directly.
   */
  static boolean recovered(long since, String sinceEpoch, HistoryStore.Page page) {
    Position top = page.top();
    if (sinceEpoch == null || !sinceEpoch.equals(top.epoch()) || since > top.offset()) {
      return false;
    }
    if (since == top.offset()) {
      return true;
    }
    List<HistoryStore.Entry> entries = page.entries();
    return !entries.isEmpty() && entries.get(0).offset() == since + 1
      && entries.get(entries.size() - 1).offset() == top.offset();
  }

  private void deliverRecovered(ClientFrame frame, HistoryStore.Page page, Boolean recovered) {
    String channel = frame.address();
    Position top = page.top();
    JsonObject extra = position(top);
    if (recovered != null) {
      extra.put("recovered", recovered);
    }
    if (frame.id() != null) {
      session.reply(FrameCodec.encodeAck(frame.id(), channel, extra));
    }
    long last = top.offset();
    boolean sameStream = recovered == null || top.epoch().equals(frame.headers().getString(SINCE_EPOCH));
    if (sameStream) {
      for (HistoryStore.Entry e : page.entries()) {
        session.reply(ChannelPublisher.encodeStored(channel, e, top.epoch()));
        last = Math.max(last, e.offset());
      }
    }
    List<Held> live = held.remove(channel);
    for (Held h : live == null ? List.<Held>of() : live) {
      if (h.offset() == 0 || h.offset() > last) {
        session.send(h.frame());
        last = Math.max(last, h.offset());
      }
    }
    if (floors == null) {
      floors = new HashMap<>();
    }
    floors.put(channel, last);
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
    if (options.joinLeave()) {
      publisher.event(channel, "leave", who());
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
