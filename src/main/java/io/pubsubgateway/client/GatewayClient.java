package io.pubsubgateway.client;

import io.pubsubgateway.protocol.CloseCode;
import io.pubsubgateway.protocol.FrameType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Java client of pubsub-gateway: subscribe and publish without WebSocket code, with reconnect
 * (exponential backoff with jitter, round-robin over the node URLs so a dead node is skipped),
 * automatic re-subscription, and token refresh through the supplier at every (re)connect and, on an
 * open connection, ahead of the token's expiry without reconnecting ({@link TokenRefresher}). On
 * channels with history it tracks the stream position of each subscribed channel, so that a
 * re-subscription after a reconnect (to any node) recovers the messages missed meanwhile, in order
 * and without duplicates ({@link Subscription#recovered()} says whether it got all of them); a
 * discontinuity within a connection (the gateway's {@code insufficient_state}, or a gap in the
 * offsets the client receives) is answered the same way, by a re-subscription with recovery. It
 * also reads a channel's history and presence.
 *
 * <p>Use from plain Java ({@link #create(GatewayClientOptions)} owns a Vert.x instance) or inside a
 * Vert.x application ({@link #create(Vertx, GatewayClientOptions)}). Methods are thread-safe;
 * handlers run on the client's event loop. Other close codes (1001 node shutting down, 4004, 4005
 * cluster quorum lost...) and failed handshakes (HTTP 503: node isolated, stopping or full) lead to
 * a reconnect to the next URL after the policy's delay, and so does HTTP 429 (the user is at
 * {@code limits.maxConnectionsPerUser} on that node). A refused token (HTTP 401/403), a refused
 * server certificate ({@code wss://}: untrusted, or not for the URL's host) or a terminal close
 * code (4500-4999) stops reconnecting and reports {@link ClientState#CLOSED} with the reason.
 */
public final class GatewayClient {
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Context context;
  private final GatewayClientOptions options;
  private final List<URI> urls;
  private final WebSocketClient wsClient;
  private final Random random = new Random();
  private final ChannelRegistry channels;
  private final TokenRefresher refresher;
  /** The token of the connection attempt under way. */
  private String attemptToken;
  private volatile Handler<StateChange> stateHandler = s -> { };
  private volatile Handler<Throwable> exceptionHandler = e -> { };
  private volatile ClientState state;
  private Connection connection;
  private Promise<Void> connectPromise;
  private int urlIndex;
  private int failedAttempts;
  private long retryTimer = -1;
  private long pingTimer = -1;
  private boolean closed;

  private GatewayClient(Vertx vertx, boolean ownsVertx, GatewayClientOptions options) {
    options.validate();
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.options = options;
    this.urls = options.getUrls();
    this.context = vertx.getOrCreateContext();
    this.wsClient = vertx.createWebSocketClient(options.toWebSocketClientOptions());
    this.channels = new ChannelRegistry(vertx, options.getReconnectPolicy(), () -> connection,
      err -> exceptionHandler.handle(err), this::unsubscribe);
    this.refresher = new TokenRefresher(vertx, this::token, System::currentTimeMillis, random,
      err -> exceptionHandler.handle(err));
  }

  /** A client with its own Vert.x instance, closed by {@link #close()}. */
  public static GatewayClient create(GatewayClientOptions options) {
    return new GatewayClient(Vertx.vertx(), true, options);
  }

  /** A client on an application's Vert.x instance. */
  public static GatewayClient create(Vertx vertx, GatewayClientOptions options) {
    return new GatewayClient(vertx, false, options);
  }

  /** Called on every state change. */
  public GatewayClient stateHandler(Handler<StateChange> handler) {
    this.stateHandler = handler == null ? s -> { } : handler;
    return this;
  }

  /** Called for errors no future receives (a failed re-subscription, a throwing handler, an err without id). */
  public GatewayClient exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler == null ? e -> { } : handler;
    return this;
  }

  /** Connects; completes on the first connection, fails when closed for good before that. */
  public Future<Void> connect() {
    return onLoop(() -> {
      if (closed) {
        return Future.failedFuture(new GatewayException(GatewayException.CLOSED, "client closed"));
      }
      if (connectPromise == null) {
        connectPromise = Promise.promise();
        attempt();
      }
      return connectPromise.future();
    });
  }

  /**
   * Subscribes {@code handler} to {@code channel}. Completes once the gateway acknowledged it (so
   * a publish from any node reaches it), fails with the gateway's code (e.g. {@code access_denied})
   * or {@code timeout}. Subscriptions survive reconnects: they are registered again on the new
   * connection, on a channel with history with recovery of the messages missed meanwhile (see
   * {@link Subscription#recovered()}); a message the client already received is not delivered
   * twice. A re-subscription that fails for good is reported to the {@link #exceptionHandler}.
   */
  public Future<Subscription> subscribe(String channel, Handler<GatewayMessage> handler) {
    return onLoop(() -> closed
      ? Future.failedFuture(new GatewayException(GatewayException.CLOSED, "client closed"))
      : channels.subscribe(channel, handler));
  }

  /** Publishes a JSON body; see {@link #publish(String, Object, Map)}. */
  public Future<Void> publish(String channel, Object body) {
    return publish(channel, body, Map.of());
  }

  /**
   * Publishes to every subscriber of {@code channel} in the cluster. Completes on the gateway's
   * ack; fails fast with {@code disconnected} or {@code write_queue_full} instead of buffering.
   */
  public Future<Void> publish(String channel, Object body, Map<String, String> headers) {
    JsonObject fields = new JsonObject().put("body", body);
    if (headers != null && !headers.isEmpty()) {
      fields.put("headers", new JsonObject(new LinkedHashMap<>(headers)));
    }
    return request(FrameType.PUBLISH, channel, fields).mapEmpty();
  }

  /**
   * The last {@code limit} messages of a channel whose namespace keeps history (fewer when it holds
   * fewer), oldest first, each with its {@code offset} header. Needs the right to subscribe to the
   * channel. Fails with {@code not_available} on a channel without history, {@code access_denied},
   * or fast with {@code disconnected} when not connected.
   *
   * @throws IllegalArgumentException when {@code limit < 1}
   */
  public Future<HistoryPage> history(String channel, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1");
    }
    return request(FrameType.HISTORY, channel, new JsonObject().put("limit", limit))
      .map(answer -> HistoryPage.fromJson(channel, answer.getJsonObject("body", new JsonObject())));
  }

  /**
   * Who is subscribed to a channel whose namespace has {@code presence: true}, on every node,
   * ordered by user then client. Needs the right to subscribe to the channel. Fails with
   * {@code not_available} on a channel without presence, {@code access_denied}, or fast with
   * {@code disconnected} when not connected. A connection of a node that crashed is listed until
   * the cluster removed the node (its heartbeat timeout, 10 s with the shipped cluster.xml).
   */
  public Future<List<PresenceEntry>> presence(String channel) {
    return request(FrameType.PRESENCE, channel, null).map(answer -> {
      JsonArray clients = answer.getJsonObject("body", new JsonObject()).getJsonArray("clients", new JsonArray());
      List<PresenceEntry> entries = new ArrayList<>();
      for (int i = 0; i < clients.size(); i++) {
        entries.add(PresenceEntry.fromJson(clients.getJsonObject(i)));
      }
      return List.copyOf(entries);
    });
  }

  /** Sends a request on the current connection; fails fast instead of buffering when it cannot. */
  private Future<JsonObject> request(FrameType type, String channel, JsonObject fields) {
    return onLoop(() -> {
      Connection c = connection;
      if (c == null) {
        return Future.failedFuture(new GatewayException(GatewayException.DISCONNECTED, "not connected"));
      }
      if (c.socket().writeQueueFull()) {
        return Future.failedFuture(new GatewayException(GatewayException.WRITE_QUEUE_FULL,
          "more than " + options.getWriteQueueMaxBytes() + " bytes waiting to be sent"));
      }
      return c.request(type, channel, fields);
    });
  }

  /** Closes the connection (1000) and, when the client owns it, its Vert.x instance. */
  public Future<Void> close() {
    Future<Void> closing = onLoop(() -> {
      Connection c = connection;
      terminate(GatewayException.CLOSED, "closed by the application", c == null ? null : c.url(), 1000);
      return c == null ? Future.succeededFuture() : c.socket().close((short) 1000, "client closed")
        .recover(err -> Future.succeededFuture());
    });
    if (!ownsVertx) {
      return closing;
    }
    Promise<Void> done = Promise.promise();
    // closed from a plain thread: listeners of vertx.close() must not run on the loops it stops
    closing.onComplete(ar -> new Thread(() -> vertx.close().toCompletionStage()
      .whenComplete((v, e) -> done.tryComplete()), "gateway-client-close").start());
    return done.future();
  }

  /**
   * Refreshes the token of the open connection now, with a token from the supplier, without
   * reconnecting (the client also does this by itself at 80–90 % of each token's lifetime). Completes
   * on the gateway's ack; fails with {@code invalid_token} (the old token stays in force),
   * {@code rate_limited}, {@code timeout} or {@code disconnected}.
   */
  public Future<Void> refreshToken() {
    return onLoop(refresher::refresh);
  }

  /** The current state (null before {@link #connect()}). */
  public ClientState state() {
    return state;
  }

  /** The URL of the node this client is connected to, or null. */
  public String connectedUrl() {
    Connection c = connection;
    return c == null ? null : c.url();
  }

  private Future<Void> unsubscribe(SubscriptionImpl sub) {
    return onLoop(() -> channels.remove(sub));
  }

  private <T> Future<T> onLoop(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  private void attempt() {
    retryTimer = -1;
    if (closed) {
      return;
    }
    URI uri = urls.get(urlIndex % urls.size());
    setState(ClientState.CONNECTING, uri.toString(), -1, null);
    token().compose(token -> {
      attemptToken = token;
      return wsClient.connect(connectOptions(uri, token));
    }).onComplete(ar -> {
      if (closed) {
        if (ar.succeeded()) {
          ar.result().close();
        }
      } else if (ar.succeeded()) {
        handleConnected(uri.toString(), ar.result());
      } else if (ar.cause() instanceof UpgradeRejectedException rejected
        && (rejected.getStatus() == 401 || rejected.getStatus() == 403)) {
        terminate(GatewayException.AUTH_REJECTED, "token rejected by " + uri + " (HTTP " + rejected.getStatus() + ")",
          uri.toString(), rejected.getStatus());
      } else if (certificateProblem(ar.cause()) != null) {
        terminate(GatewayException.CERTIFICATE_REJECTED, "TLS certificate of " + uri + " not accepted: "
          + certificateProblem(ar.cause()), uri.toString(), -1);
      } else {
        scheduleReconnect(uri.toString(), ar.cause() instanceof UpgradeRejectedException r ? r.getStatus() : -1,
          String.valueOf(ar.cause().getMessage()));
      }
    });
  }

  /** Why the server's certificate was refused (untrusted, wrong host name), or null for other failures. */
  private static String certificateProblem(Throwable failure) {
    boolean certificate = false;
    Throwable root = failure;
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      certificate |= t instanceof CertificateException;
      root = t;
    }
    return certificate ? String.valueOf(root.getMessage()) : null;
  }

  private Future<String> token() {
    try {
      if (options.tokenSupplier() != null) {
        Supplier<String> supplier = options.tokenSupplier();
        return vertx.executeBlocking(supplier::get, false);
      }
      return options.asyncTokenSupplier().get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private WebSocketConnectOptions connectOptions(URI uri, String token) {
    boolean ssl = "wss".equals(uri.getScheme());
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
      + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return new WebSocketConnectOptions().setHost(uri.getHost()).setPort(port).setSsl(ssl).setURI(path)
      .setAllowOriginHeader(false).addHeader("Authorization", "Bearer " + token);
  }

  private void handleConnected(String url, WebSocket ws) {
    failedAttempts = 0;
    ws.setWriteQueueMaxSize(options.getWriteQueueMaxBytes());
    Connection c = new Connection(vertx, ws, url, options.getRequestTimeout(), new Connection.Listener() {
      @Override
      public void handleMessage(GatewayMessage message) {
        channels.deliver(message);
      }

      @Override
      public void handleEvent(ChannelEvent event) {
        channels.deliver(event);
      }

      @Override
      public void handleUnsolicitedError(GatewayException error) {
        exceptionHandler.handle(error);
      }

      @Override
      public void handleInsufficientState(String channel) {
        channels.handleInsufficientState(channel);
      }

      @Override
      public void handleSubscriptionEnded(String channel, GatewayException error) {
        channels.handleEnded(channel, error);
      }
    });
    connection = c;
    ws.closeHandler(v -> handleClosed(c, ws.closeStatusCode() == null ? 1006 : ws.closeStatusCode(), ws.closeReason()));
    ws.exceptionHandler(err -> { });
    long interval = options.getPingInterval().toMillis();
    pingTimer = vertx.setPeriodic(interval, t -> {
      if (System.currentTimeMillis() - c.lastFrameAtMs() > 2 * interval) {
        ws.close((short) 1000, "no answer to pings"); // lost: the close handler reconnects
      } else {
        c.ping();
      }
    });
    setState(ClientState.CONNECTED, url, -1, null);
    channels.connected(c);
    refresher.connected(c, attemptToken);
    if (connectPromise != null) {
      connectPromise.tryComplete();
    }
  }

  private void handleClosed(Connection c, int code, String reason) {
    if (connection != c) {
      return;
    }
    connection = null;
    vertx.cancelTimer(pingTimer);
    refresher.disconnected();
    c.failPending(new GatewayException(GatewayException.DISCONNECTED, "connection to " + c.url() + " lost"));
    channels.disconnected();
    if (closed) {
      return;
    }
    setState(ClientState.DISCONNECTED, c.url(), code, reason);
    if (CloseCode.isTerminal(code)) {
      terminate(GatewayException.CLOSED, "closed by the gateway: " + code + " " + reason, c.url(), code);
    } else {
      scheduleReconnect(c.url(), code, reason);
    }
  }

  private void scheduleReconnect(String url, int code, String reason) {
    failedAttempts++;
    ReconnectPolicy policy = options.getReconnectPolicy();
    if (!policy.allows(failedAttempts)) {
      terminate(GatewayException.UNREACHABLE, "no node reachable (last: " + url + ": " + reason + ")", url, code);
      return;
    }
    urlIndex++; // round-robin: the next attempt goes to the next node
    Duration delay = policy.delay(failedAttempts, random);
    setState(ClientState.RECONNECTING, urls.get(urlIndex % urls.size()).toString(), code, reason);
    retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), t -> attempt());
  }

  private void terminate(String errorCode, String reason, String url, int code) {
    if (closed) {
      return;
    }
    closed = true;
    if (retryTimer >= 0) {
      vertx.cancelTimer(retryTimer);
    }
    vertx.cancelTimer(pingTimer);
    refresher.disconnected();
    GatewayException error = new GatewayException(errorCode, reason);
    setState(ClientState.CLOSED, url, code, reason); // before the futures fail: their listeners may read it
    if (connectPromise != null) {
      connectPromise.tryFail(error);
    }
    channels.failWaiting(error);
  }

  private void setState(ClientState newState, String url, int code, String reason) {
    state = newState;
    try {
      stateHandler.handle(new StateChange(newState, url, code, reason));
    } catch (RuntimeException e) {
      exceptionHandler.handle(e);
    }
  }
}
