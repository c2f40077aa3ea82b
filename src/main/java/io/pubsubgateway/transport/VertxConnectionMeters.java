package io.pubsubgateway.transport;

import io.netty.channel.ChannelHandler;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.VertxHandler;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.NetworkMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * What Vert.x's metrics SPI (with {@code metrics.vertx}: {@code vertx_http_server_active_connections},
 * {@code vertx_http_server_active_ws_connections}) is told when a WebSocket closes, for a WebSocket
 * whose Vert.x handler {@link WebSocketClientSocket} replaced: Vert.x would report it from the
 * handler that is no longer there. Captured at the take-over: the server's metrics, the
 * connection's metric and the WebSocket's (the last is package-private in Vert.x, read once by a
 * method handle; if a Vert.x version hides it, the WebSocket gauge is left as it is and a warning
 * is logged once, the connection gauge still goes down).
 *
 * <p>Threading: the connection's event loop.
 */
final class VertxConnectionMeters {
  private static final Logger LOG = LoggerFactory.getLogger(VertxConnectionMeters.class);
  private static final VertxConnectionMeters NONE = new VertxConnectionMeters(null, null, null, null);
  private static final MethodHandle WEB_SOCKET_METRIC = webSocketMetricGetter();

  private final HttpServerMetrics<?, ?, ?> metrics;
  private final Object connectionMetric;
  private final Object webSocketMetric;
  private final SocketAddress remote;

  private VertxConnectionMeters(HttpServerMetrics<?, ?, ?> metrics, Object connectionMetric, Object webSocketMetric,
                                SocketAddress remote) {
    this.metrics = metrics;
    this.connectionMetric = connectionMetric;
    this.webSocketMetric = webSocketMetric;
    this.remote = remote;
  }

  /** The meters of {@code ws}, still handled by Vert.x's handler. */
  static VertxConnectionMeters of(ServerWebSocket ws) {
    ChannelHandler handler = ((WebSocketInternal) ws).channelHandlerContext().handler();
    if (!(handler instanceof VertxHandler<?> vertxHandler)) {
      return NONE;
    }
    ConnectionBase connection = vertxHandler.getConnection();
    NetworkMetrics<?> metrics = connection.metrics();
    if (!(metrics instanceof HttpServerMetrics<?, ?, ?> serverMetrics)) {
      return NONE; // metrics disabled
    }
    return new VertxConnectionMeters(serverMetrics, connection.metric(), webSocketMetric(ws),
      connection.remoteAddress());
  }

  /** Reports the connection closed, as Vert.x's WebSocket connection would have. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void disconnected() {
    if (metrics == null) {
      return;
    }
    HttpServerMetrics raw = metrics;
    if (webSocketMetric != null) {
      raw.disconnected(webSocketMetric);
    }
    raw.disconnected(connectionMetric, remote);
  }

  private static Object webSocketMetric(ServerWebSocket ws) {
    if (WEB_SOCKET_METRIC == null) {
      return null;
    }
    try {
      return WEB_SOCKET_METRIC.invoke(ws);
    } catch (Throwable e) {
      return null;
    }
  }

  private static MethodHandle webSocketMetricGetter() {
    try {
      Class<?> base = Class.forName("io.vertx.core.http.impl.WebSocketImplBase");
      return MethodHandles.privateLookupIn(base, MethodHandles.lookup())
        .findVirtual(base, "getMetric", MethodType.methodType(Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("vertx_http_server_active_ws_connections will not go down when WebSockets close: {}", e.toString());
      return null;
    }
  }
}
