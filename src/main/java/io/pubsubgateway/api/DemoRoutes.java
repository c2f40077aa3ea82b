package io.pubsubgateway.api;

import io.pubsubgateway.auth.TokenMinter;
import io.pubsubgateway.cluster.ClusterAdmin;
import io.vertx.core.json.JsonArray;
import io.pubsubgateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The chat demo ({@code demo.enabled: true}, never in production): the page at {@code /demo/},
 * a token endpoint {@code GET /demo/token?user=NAME} that signs a short-lived token for the
 * {@code room.*} channels with the node's HS256 key, and an echo service on the event bus address
 * {@value #ECHO} for request/reply ({@code send}) demos.
 */
public final class DemoRoutes {
  /** Event-bus address of the demo's echo service. */
  public static final String ECHO = "demo.echo";
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
  private static final int TOKEN_TTL_SECONDS = 3600;

  private final TokenMinter minter;
  private final GatewayConfig config;
  private final ClusterAdmin admin;

  public DemoRoutes(Vertx vertx, GatewayConfig config, ClusterAdmin admin) {
    this.config = config;
    this.admin = admin;
    this.minter = config.auth().jwt().algorithm().equals("HS256")
      ? new TokenMinter(vertx, config.auth().jwt(), null) : null;
  }

  /** Registers the echo service on this node; completes once it is registered in the cluster. */
  public static Future<Void> startEcho(Vertx vertx) {
    MessageConsumer<Object> echo = vertx.eventBus().consumer(ECHO, msg ->
      msg.reply(new JsonObject().put("echo", msg.body()).put("at", System.currentTimeMillis())));
    return echo.completion();
  }

  public void mount(Router router) {
    router.get("/demo/token").handler(this::token);
    router.get("/demo/nodes").handler(this::nodes);
    // the route "/demo" also matches "/demo/": redirect only the bare path, or the page loops
    router.get("/demo").handler(ctx -> {
      if (ctx.request().path().equals("/demo")) {
        ctx.redirect("/demo/");
      } else {
        ctx.next();
      }
    });
    router.get("/demo/*").handler(StaticHandler.create("demo").setCachingEnabled(false).setIndexPage("index.html"));
  }

  private void token(RoutingContext ctx) {
    String user = ctx.request().getParam("user");
    if (minter == null) {
      reply(ctx, 501, new JsonObject().put("error", "not_available").put("message",
        "the demo token endpoint signs with an HS256 secret only"));
    } else if (user == null || !USER.matcher(user).matches()) {
      reply(ctx, 400, new JsonObject().put("error", "invalid_field").put("field", "user")
        .put("message", "user: 1 to 32 of A-Z a-z 0-9 _ . -"));
    } else {
      String token = minter.mint(user, List.of("room.*"), List.of("room.*", ECHO), TOKEN_TTL_SECONDS);
      reply(ctx, 200, new JsonObject().put("token", token).put("user", user).put("expiresInSeconds", TOKEN_TTL_SECONDS));
    }
  }

  /** {@code {"urls": [...]}}: the WebSocket URL of every gateway node of the cluster, for failover. */
  private void nodes(RoutingContext ctx) {
    String scheme = config.http().tls().enabled() ? "wss://" : "ws://";
    admin.queryAll(new JsonObject().put(NodeCommands.OP, NodeCommands.INFO)).onComplete(ar -> {
      JsonArray urls = new JsonArray();
      if (ar.succeeded()) {
        ar.result().stream().filter(a -> a.body() != null)
          .forEach(a -> urls.add(scheme + a.body().getString("address") + config.http().path()));
      }
      reply(ctx, 200, new JsonObject().put("urls", urls));
    });
  }

  private static void reply(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}
