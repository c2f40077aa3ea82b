package io.pubsubgateway.api;

import io.pubsubgateway.cluster.ClusterAdmin;
import io.pubsubgateway.config.GatewayConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;

import java.util.function.BooleanSupplier;

/**
 * The plain HTTP side of a node, next to its WebSocket endpoint: health checks
 * ({@code /health/live}, {@code /health/ready}), Prometheus metrics ({@code metrics.path}),
 * the server API ({@code /api}, when {@code api.enabled}) and the JavaScript SDK ({@code /sdk/}).
 * Anything else is 404.
 */
public final class HttpRoutes {
  private final GatewayConfig config;
  private final NodeStatus state;
  private final GatewayMetrics metrics;
  private final ServerApi api;
  private final BooleanSupplier clusterJoined;
  private final ClusterAdmin admin;
  private final SdkFiles sdk = SdkFiles.load();

  /**
   * @param api           null when the API is disabled
   * @param clusterJoined whether this node is a member of its cluster (always true when not clustered)
   */
  public HttpRoutes(GatewayConfig config, NodeStatus state, GatewayMetrics metrics, ServerApi api,
                    ClusterAdmin admin, BooleanSupplier clusterJoined) {
    this.admin = admin;
    this.config = config;
    this.state = state;
    this.metrics = metrics;
    this.api = api;
    this.clusterJoined = clusterJoined;
  }

  private String notReadyReason() {
    if (state.shuttingDown()) {
      return "shutting down";
    }
    String isolated = state.isolated();
    return isolated != null ? isolated : "starting";
  }

  /** The router of one server instance (a router per event loop). */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    HealthChecks live = HealthChecks.create(vertx)
      .register("process", promise -> promise.complete(Status.OK()));
    HealthChecks ready = HealthChecks.create(vertx)
      .register("http", promise -> promise.complete(state.ready() ? Status.OK()
        : Status.KO(new JsonObject().put("reason", notReadyReason()))));
    if (config.cluster().enabled()) {
      ready.register("cluster", promise -> promise.complete(clusterJoined.getAsBoolean() ? Status.OK()
        : Status.KO(new JsonObject().put("reason", "not a member of the cluster"))));
    }
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    if (metrics.enabled()) {
      router.get(config.metrics().path()).handler(PrometheusScrapingHandler.create(metrics.prometheusRegistry()));
    }
    if (api != null) {
      api.mount(router);
    }
    if (config.demo()) {
      new DemoRoutes(vertx, config, admin).mount(router);
    }
    sdk.mount(router);
    return router;
  }
}
