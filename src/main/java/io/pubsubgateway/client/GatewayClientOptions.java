package io.pubsubgateway.client;

import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/** Options of a {@link GatewayClient}. Setters validate and return this. Not thread-safe. */
public final class GatewayClientOptions {
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(20);
  public static final int DEFAULT_WRITE_QUEUE_MAX_BYTES = 1024 * 1024;
  public static final boolean DEFAULT_TRUST_ALL = false;

  private final List<URI> urls = new ArrayList<>();
  private Supplier<Future<String>> asyncTokenSupplier;
  private Supplier<String> tokenSupplier;
  private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private Duration pingInterval = DEFAULT_PING_INTERVAL;
  private ReconnectPolicy reconnectPolicy = ReconnectPolicy.DEFAULT;
  private int writeQueueMaxBytes = DEFAULT_WRITE_QUEUE_MAX_BYTES;
  private String trustPemFile;
  private boolean trustAll = DEFAULT_TRUST_ALL;

  /** Adds a node URL ({@code ws://host:port/ws} or {@code wss://...}); tried round-robin. */
  public GatewayClientOptions addUrl(String url) {
    URI uri = URI.create(url);
    if (!"ws".equals(uri.getScheme()) && !"wss".equals(uri.getScheme())) {
      throw new IllegalArgumentException("node URLs are ws:// or wss://, got " + url);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("node URL without a host: " + url);
    }
    urls.add(uri);
    return this;
  }

  public GatewayClientOptions setUrls(List<String> list) {
    urls.clear();
    list.forEach(this::addUrl);
    return this;
  }

  /** A fixed token (it cannot be refreshed: prefer a supplier for expiring tokens). */
  public GatewayClientOptions setToken(String token) {
    Objects.requireNonNull(token, "token");
    return setAsyncTokenSupplier(() -> Future.succeededFuture(token));
  }

  /**
   * A token supplier called before every (re)connect, on a worker thread: it may block (e.g. ask an
   * auth service).
   */
  public GatewayClientOptions setTokenSupplier(Supplier<String> supplier) {
    this.tokenSupplier = Objects.requireNonNull(supplier, "supplier");
    this.asyncTokenSupplier = null;
    return this;
  }

  /** A non-blocking token supplier called on the client's event loop before every (re)connect. */
  public GatewayClientOptions setAsyncTokenSupplier(Supplier<Future<String>> supplier) {
    this.asyncTokenSupplier = Objects.requireNonNull(supplier, "supplier");
    this.tokenSupplier = null;
    return this;
  }

  public GatewayClientOptions setConnectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "connectTimeout");
    return this;
  }

  /** How long subscribe/unsubscribe/publish wait for the gateway's answer. */
  public GatewayClientOptions setRequestTimeout(Duration timeout) {
    this.requestTimeout = positive(timeout, "requestTimeout");
    return this;
  }

  /** Ping period; a connection silent for two periods is considered lost. */
  public GatewayClientOptions setPingInterval(Duration interval) {
    this.pingInterval = positive(interval, "pingInterval");
    return this;
  }

  public GatewayClientOptions setReconnectPolicy(ReconnectPolicy policy) {
    this.reconnectPolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /** Unsent bytes allowed before publish fails fast with {@code write_queue_full}. */
  public GatewayClientOptions setWriteQueueMaxBytes(int bytes) {
    if (bytes < 1024) {
      throw new IllegalArgumentException("writeQueueMaxBytes must be at least 1024");
    }
    this.writeQueueMaxBytes = bytes;
    return this;
  }

  /**
   * For {@code wss://} URLs: trust the certificates (a CA or the server's own self-signed
   * certificate) in this PEM file instead of the JDK's default CAs. The host name of the URL must
   * still match the server certificate. Fails when the file cannot be read.
   */
  public GatewayClientOptions setTrustPemFile(String file) {
    if (file == null || file.isBlank()) {
      throw new IllegalArgumentException("trustPemFile must name a file");
    }
    if (!Files.isRegularFile(Path.of(file)) || !Files.isReadable(Path.of(file))) {
      throw new IllegalArgumentException("trustPemFile: cannot read " + file);
    }
    this.trustPemFile = file;
    return this;
  }

  /**
   * For development only: accept any server certificate for {@code wss://} URLs, without checking
   * who signed it or the host name, so the connection is encrypted but not authenticated. Default
   * {@value #DEFAULT_TRUST_ALL}; exclusive with {@link #setTrustPemFile(String)}.
   */
  public GatewayClientOptions setTrustAll(boolean trustAll) {
    this.trustAll = trustAll;
    return this;
  }

  private static Duration positive(Duration d, String name) {
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive");
    }
    return d;
  }

  public List<URI> getUrls() {
    return List.copyOf(urls);
  }

  Supplier<Future<String>> asyncTokenSupplier() {
    return asyncTokenSupplier;
  }

  Supplier<String> tokenSupplier() {
    return tokenSupplier;
  }

  public Duration getConnectTimeout() {
    return connectTimeout;
  }

  public Duration getRequestTimeout() {
    return requestTimeout;
  }

  public Duration getPingInterval() {
    return pingInterval;
  }

  public ReconnectPolicy getReconnectPolicy() {
    return reconnectPolicy;
  }

  public int getWriteQueueMaxBytes() {
    return writeQueueMaxBytes;
  }

  /** The PEM file of trusted certificates, or null for the JDK's default CAs. */
  public String getTrustPemFile() {
    return trustPemFile;
  }

  public boolean isTrustAll() {
    return trustAll;
  }

  /** The Vert.x options of the client's WebSocket connections. */
  WebSocketClientOptions toWebSocketClientOptions() {
    WebSocketClientOptions ws = new WebSocketClientOptions()
      .setMaxFrameSize(64 * 1024 * 1024).setMaxMessageSize(64 * 1024 * 1024)
      .setConnectTimeout((int) connectTimeout.toMillis());
    if (trustPemFile != null) {
      ws.setTrustOptions(new PemTrustOptions().addCertPath(trustPemFile));
    }
    if (trustAll) {
      ws.setTrustAll(true).setVerifyHost(false);
    }
    return ws;
  }

  /** Fails when the options cannot make a client. */
  void validate() {
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("at least one node URL is needed");
    }
    if (asyncTokenSupplier == null && tokenSupplier == null) {
      throw new IllegalArgumentException("a token or token supplier is needed");
    }
    if (trustAll && trustPemFile != null) {
      throw new IllegalArgumentException("trustAll and trustPemFile exclude each other");
    }
  }
}
