package io.pubsubgateway.session;

import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.channel.Hook;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.hub.ChannelPublisher;
import io.pubsubgateway.hub.LocalHub;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.hub.Subscriber;
import io.pubsubgateway.protocol.ChannelNames;
import io.pubsubgateway.protocol.ClientFrame;
import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.protocol.ErrorCode;
import io.pubsubgateway.protocol.FrameCodec;
import io.pubsubgateway.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One client connection: decodes its frames, checks permissions and limits, keeps its
 * subscriptions in the event loop's {@link LocalHub}, writes frames to its {@link ClientSocket}.
 * The server (the transport package) creates a session per accepted connection, starts it, closes
 * it on shutdown or isolation, and calls {@link #checkTimers} about once a second; everything else
 * happens between the session and its socket.
 *
 * <p>Threading: created and used only on the connection's event loop; no locks.
 */
public final class Session implements Subscriber, ClientSocket.Events {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class);
  private static final Logger DISCONNECT_LOG = LoggerFactory.getLogger("io.pubsubgateway.disconnect");

  private final ClientSocket socket;
  /** Who the connection is: the handshake's token (with the connect hook's info), replaced by each accepted refresh. */
  private Principal principal;
  private final String clientId;
  private final LocalHub hub;
  private final ChannelPublisher publisher;
  private final Permissions permissions;
  private final LimitsConfig limits;
  private final ChannelFeatures features;
  private final SessionHooks hooks;
  private final SessionEvents events;
  private final Runnable onClosed;
  private final TokenBucket publishBucket;
  private final TokenRefresh refresh;
  private final SessionPublishing publishing;
  /** Channel to the token of its current subscription (a re-register after an unregister gets a new one). */
  private final Map<String, Object> subscriptions = new HashMap<>();
  private final Promise<Void> closed = Promise.promise();
  private final long openedAtMs = System.currentTimeMillis();
  private long lastActivityMs = openedAtMs;
  private boolean closing;
  private boolean flushPending;
  private final FlushBatcher flusher;
  private final GatewayMetrics metrics;
  /** The code this side closed with; null while open or when the client closed first. */
  private CloseCode closedWith;

  /**
   * @param socket    the connection, not yet started
   * @param principal who the connection's token says it is (checked before the connection was accepted)
   * @param services  what the sessions of this event loop share
   * @param onClosed  runs once, on the event loop, when the connection closed and its subscriptions were released
   */
  public Session(ClientSocket socket, Principal principal, SessionServices services, Runnable onClosed) {
    this(socket, principal, UUID.randomUUID().toString(), services, onClosed);
  }

  /** The same with the connection's id, given when the connect hook already saw it. */
  public Session(ClientSocket socket, Principal principal, String clientId, SessionServices services,
                 Runnable onClosed) {
    this.socket = socket;
    this.clientId = clientId;
    this.flusher = services.flusher();
    this.metrics = services.metrics();
    this.principal = principal;
    this.hub = services.hub();
    this.publisher = services.publisher();
    this.permissions = services.permissions();
    this.limits = services.limits();
    this.features = new ChannelFeatures(this, services);
    this.hooks = new SessionHooks(this, services.hooks());
    this.events = new SessionEvents(services.events(), principal.user(), clientId);
    this.onClosed = onClosed;
    this.publishBucket = new TokenBucket(limits.publishPerSecond(), System.nanoTime());
    this.refresh = new TokenRefresh(this, services);
    this.publishing = new SessionPublishing(this, services, hooks);
  }

  /** Starts reading the socket. */
  public void start() {
    events.connected();
    socket.start(this);
  }

  public Principal principal() {
    return principal;
  }

  /** This connection's id (in presence entries and join/leave events). */
  String clientId() {
    return clientId;
  }

  boolean open() {
    return !closing;
  }

  SessionPublishing publishing() {
    return publishing;
  }

  boolean subscribed(String channel) {
    return !closing && subscriptions.containsKey(channel);
  }

  /** The channels this connection is subscribed to (a copy). */
  List<String> channels() {
    return new ArrayList<>(subscriptions.keySet());
  }

  /** An accepted {@code refresh}: from now on expiry and permissions are the new token's. */
  void replacePrincipal(Principal next) {
    // a refresh changes expiry and permissions; the info of the connection (the token's, or the connect hook's,
    // which is not asked again) stays what it was at the handshake
    principal = next.withInfo(principal.info());
  }

  /** Takes a token of the connection's publish bucket (publishes, sends and refreshes share it). */
  boolean takeRateToken() {
    return publishBucket.tryTake(System.nanoTime());
  }

  int ratePerSecond() {
    return limits.publishPerSecond();
  }

  /** Completes once the connection is closed and its subscriptions released. */
  public Future<Void> closedFuture() {
    return closed.future();
  }

  @Override
  public void handleTooLarge() {
    lastActivityMs = System.currentTimeMillis();
    if (!closing) {
      sendError(ErrorCode.FRAME_TOO_LARGE, null, "frame exceeds " + limits.maxFrameBytes() + " bytes", null);
    }
  }

  @Override
  public void handleUnsupported() {
    close(CloseCode.UNSUPPORTED_DATA);
  }

  @Override
  public void handleMessage(Buffer data) {
    lastActivityMs = System.currentTimeMillis();
    if (closing) {
      return;
    }
    metrics.received(data.length());
    if (FrameCodec.isPlainPing(data)) {
      reply(FrameCodec.PONG);
      return;
    }
    ClientFrame frame;
    try {
      frame = FrameCodec.decode(data);
    } catch (ProtocolException e) {
      sendError(e.code(), e.address(), e.getMessage(), e.id());
      return;
    }
    try {
      handleFrame(frame);
    } catch (RuntimeException e) {
      // a bug must cost this frame only, never the event loop or other connections
      LOG.error("failed to handle a {} frame of user={}", frame.type().wire(), principal.user(), e);
      sendError(ErrorCode.INTERNAL_ERROR, frame.address(), "internal error", frame.id());
    }
  }

  private void handleFrame(ClientFrame frame) {
    switch (frame.type()) {
      case PING -> reply(FrameCodec.PONG);
      case REGISTER -> handleRegister(frame);
      case UNREGISTER -> handleUnregister(frame);
      case PUBLISH -> publishing.handlePublish(frame);
      case SEND -> publishing.handleSend(frame);
      case HISTORY -> {
        if (checkName(frame) && checkMaySubscribe(frame)) {
          features.history(frame);
        }
      }
      case PRESENCE -> {
        if (checkName(frame) && checkMaySubscribe(frame)) {
          features.presence(frame);
        }
      }
      case REFRESH -> refresh.handle(frame);
      default -> throw new IllegalStateException(frame.type().name());
    }
  }

  boolean checkName(ClientFrame frame) {
    ErrorCode nameError = ChannelNames.check(frame.address(), limits.maxChannelLength());
    if (nameError == null && ChannelNames.isInternal(publisher.address(frame.address()))) {
      nameError = ErrorCode.ACCESS_DENIED;
    }
    if (nameError != null) {
      sendError(nameError, frame.address(), nameMessage(nameError), frame.id());
      return false;
    }
    return true;
  }

  private String nameMessage(ErrorCode code) {
    return switch (code) {
      case MAX_ADDRESS_LENGTH_REACHED -> "channel names are at most " + limits.maxChannelLength() + " characters";
      case INVALID_ADDRESS -> "channel names use A-Z a-z 0-9 . _ - : / @ = + , ~";
      default -> "not allowed";
    };
  }

  private boolean checkMaySubscribe(ClientFrame frame) {
    if (!permissions.maySubscribe(principal, frame.address())) {
      metrics.subscribeDenied();
      sendError(ErrorCode.ACCESS_DENIED, frame.address(), "subscribe not allowed", frame.id());
      return false;
    }
    return true;
  }

  private void handleRegister(ClientFrame frame) {
    String channel = frame.address();
    if (!checkName(frame) || !checkMaySubscribe(frame)) {
      return;
    }
    if (subscriptions.containsKey(channel)) {
      ack(frame);
      return;
    }
    Hook hook = hooks.subscribeHook(channel);
    if (hook != null) {
      hooks.subscribe(frame, hook); // subscribes (below) once the hook accepts
      return;
    }
    subscribe(frame);
  }

  /** Subscribes for a register that passed every check (and its channel's hook, if any). */
  void subscribe(ClientFrame frame) {
    String channel = frame.address();
    if (subscriptions.containsKey(channel)) {
      ack(frame);
      return;
    }
    if (subscriptions.size() >= limits.maxSubscriptionsPerConnection()) {
      sendError(ErrorCode.MAX_HANDLERS_REACHED, channel,
        "at most " + limits.maxSubscriptionsPerConnection() + " subscriptions per connection", frame.id());
      return;
    }
    Object token = new Object();
    subscriptions.put(channel, token);
    metrics.subscriptionsChanged(1);
    features.subscribing(channel);
    hub.subscribe(channel, this).onComplete(ar -> {
      if (closing || subscriptions.get(channel) != token) {
        return; // closed, or unregistered (and maybe registered again) meanwhile
      }
      if (ar.succeeded()) {
        events.subscribed(channel);
        features.subscribed(frame);
      } else {
        subscriptions.remove(channel);
        metrics.subscriptionsChanged(-1);
        hub.unsubscribe(channel, this);
        features.dropHeld(channel);
        LOG.warn("cluster subscription for {} failed: {}", channel, ar.cause().toString());
        sendError(ErrorCode.INTERNAL_ERROR, channel, "subscription failed, retry", frame.id());
      }
    });
  }

  private void handleUnregister(ClientFrame frame) {
    hooks.cancelSubscribe(frame.address());
    unsubscribe(frame.address());
    ack(frame);
  }

  /** Ends a subscription: on unregister, or when its set-up failed after it was registered. */
  void unsubscribe(String channel) {
    if (subscriptions.remove(channel) != null) {
      metrics.subscriptionsChanged(-1);
      hub.unsubscribe(channel, this);
      features.unsubscribed(channel);
      events.unsubscribed(channel);
    }
  }

  void ack(ClientFrame frame) {
    if (frame.id() != null) {
      reply(FrameCodec.encodeAck(frame.id(), frame.address()));
    }
  }

  void sendError(ErrorCode code, String address, String message, Object id) {
    reply(FrameCodec.encodeErr(code, address, message, id));
  }

  /** Sends a frame of this connection's own (pong, ack, err), counted in the metrics. */
  void reply(byte[] frame) {
    if (send(frame)) {
      metrics.sent(1, frame.length);
    } else {
      metrics.dropped(1);
    }
  }

  @Override
  public boolean deliver(String channel, byte[] frame, long offset, String epoch) {
    if (closing) {
      return false;
    }
    return features.hold(channel, frame, offset, epoch) || send(frame);
  }

  @Override
  public void resync(String channel, String reason) {
    if (closing || !subscriptions.containsKey(channel)) {
      return;
    }
    sendError(ErrorCode.INSUFFICIENT_STATE, channel, "stream continuity lost on this node (" + reason
      + "); subscribe again with since.offset, since.epoch and since.mid to recover", null);
    unsubscribe(channel);
  }

  /**
   * Writes a text frame without flushing; the loop's {@link FlushBatcher} flushes once per turn.
   * The frame wraps the shared array: nothing is re-encoded per connection (Netty still copies a
   * small frame, see {@link WebSocketClientSocket}). Fan-out frames are counted by the hub.
   */
  boolean send(byte[] frame) {
    if (closing) {
      return false;
    }
    socket.write(frame);
    if (!flushPending) {
      flushPending = true;
      flusher.add(this);
    }
    return true;
  }

  /**
   * Flushes what {@link #send} wrote. Bytes the socket would not take stay queued; when they exceed
   * {@code limits.outboundQueueBytes} the client is not keeping up: it is closed with 4003 and,
   * as it cannot read the close frame behind its backlog, dropped after
   * {@code limits.slowConsumerGraceMs}.
   */
  void flush() {
    flushPending = false;
    if (!socket.flush() && !closing) {
      LOG.info("slow consumer user={} remote={}: over {} bytes unsent, closing", principal.user(),
        socket.remoteAddress(), limits.outboundQueueBytes());
      close(CloseCode.SLOW_CONSUMER);
      socket.dropAfter(limits.slowConsumerGraceMs());
    }
  }

  /** Called about once a second by the loop: closes on token expiry or idleness. */
  public void checkTimers(long nowMs) {
    if (closing) {
      return;
    }
    if (principal.expiresAtMs() > 0 && nowMs >= principal.expiresAtMs()) {
      close(CloseCode.TOKEN_EXPIRED);
    } else if (limits.idleTimeoutSeconds() > 0 && nowMs - lastActivityMs > limits.idleTimeoutSeconds() * 1000L) {
      close(CloseCode.IDLE_TIMEOUT);
    }
  }

  /** Stops deliveries at once and closes the WebSocket with {@code code}. Idempotent. */
  public void close(CloseCode code) {
    if (closing) {
      return;
    }
    closing = true;
    closedWith = code;
    releaseSubscriptions();
    LOG.debug("closing user={} code={} reason={}", principal.user(), code.code(), code.reason());
    socket.close(code);
  }

  private void releaseSubscriptions() {
    for (String channel : new ArrayList<>(subscriptions.keySet())) {
      hub.unsubscribe(channel, this);
      features.unsubscribed(channel);
    }
    metrics.subscriptionsChanged(-subscriptions.size());
    subscriptions.clear();
  }

  @Override
  public void handleClosed() {
    closing = true;
    releaseSubscriptions();
    onClosed.run();
    metrics.connectionClosed(closedWith);
    Short code = socket.closeCode();
    // no close code (the connection dropped): 1006, as the WebSocket API reports it
    events.disconnected(code != null ? code : closedWith != null ? closedWith.code() : 1006, socket.closeReason());
    DISCONNECT_LOG.atInfo().setMessage("disconnect")
      .addKeyValue("user", principal.user())
      .addKeyValue("remote", socket.remoteAddress())
      .addKeyValue("code", code)
      .addKeyValue("reason", socket.closeReason())
      .addKeyValue("by", closedWith == null ? "client" : "server")
      .addKeyValue("durationMs", System.currentTimeMillis() - openedAtMs)
      .log();
    closed.tryComplete();
  }
}
