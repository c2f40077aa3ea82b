package io.pubsubgateway.api;

import io.pubsubgateway.channel.ChannelPattern;
import io.pubsubgateway.hub.ChannelPublisher;
import io.pubsubgateway.cluster.ClusterAdmin;
import io.pubsubgateway.cluster.ClusterAdmin.NodeAnswer;
import io.pubsubgateway.config.ApiConfig;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.presence.PresenceManager;
import io.pubsubgateway.protocol.ChannelNames;
import io.pubsubgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The server HTTP API under {@code /api}, authenticated by an API key ({@code X-API-Key} or
 * {@code Authorization: apikey <key>}). Every answer is JSON; every refusal is
 * {@code {"error": code, "message": text}} with a 4xx status. {@code src/docs/operations.md}
 * documents each call.
 */
public final class ServerApi {
  /** Most channels one broadcast may name. */
  static final int MAX_BROADCAST_CHANNELS = 1000;
  private static final Set<String> CALLS = Set.of("/api/publish", "/api/broadcast", "/api/disconnect",
    "/api/channels", "/api/info", "/api/presence");

  private final ApiConfig config;
  private final ApiKeys keys;
  private final ChannelPublisher publisher;
  private final ClusterAdmin admin;
  private final PresenceManager presence;
  private final GatewayMetrics metrics;
  private final int maxChannelLength;

  public ServerApi(ApiConfig config, int maxChannelLength, ChannelPublisher publisher, ClusterAdmin admin,
                   PresenceManager presence, GatewayMetrics metrics) {
    this.presence = presence;
    this.config = config;
    this.keys = new ApiKeys(config.keys());
    this.publisher = publisher;
    this.admin = admin;
    this.metrics = metrics;
    this.maxChannelLength = maxChannelLength;
  }

  /** Adds the API's routes to {@code router}. */
  public void mount(Router router) {
    router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()));
    router.route("/api/*").handler(this::authenticate);
    router.post("/api/publish").handler(json(this::publish));
    router.post("/api/broadcast").handler(json(this::broadcast));
    router.post("/api/disconnect").handler(json(this::disconnect));
    router.get("/api/channels").handler(this::channels);
    router.get("/api/info").handler(this::info);
    router.get("/api/presence").handler(this::presence);
    router.route("/api/*").handler(ctx -> {
      String call = ctx.request().method() + " " + ctx.request().path();
      if (CALLS.contains(ctx.request().path())) {
        throw new ApiException(405, "method_not_allowed", call + ": method not allowed", null);
      }
      throw new ApiException(404, "not_found", "no such API call: " + call, null);
    });
    router.route("/api/*").failureHandler(ServerApi::handleFailure);
  }

  private void authenticate(RoutingContext ctx) {
    String key = ApiKeys.fromHeaders(ctx.request().getHeader("X-API-Key"), ctx.request().getHeader("Authorization"));
    if (!keys.accepts(key)) {
      ctx.response().putHeader("WWW-Authenticate", "apikey");
      throw new ApiException(401, "unauthorized", key == null
        ? "missing API key (X-API-Key header or Authorization: apikey <key>)" : "invalid API key", null);
    }
    ctx.next();
  }

  private void publish(RoutingContext ctx, JsonObject body) {
    String channel = channel(body.getValue("channel"), "channel");
    Object data = data(body);
    JsonObject headers = headers(body);
    publisher.publish(channel, data, headers).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      metrics.published(true);
      JsonObject out = new JsonObject().put("published", 1);
      if (ar.result() != null) {
        out.put("offset", ar.result().offset()).put("epoch", ar.result().epoch());
      }
      reply(ctx, 200, out);
    });
  }

  private void broadcast(RoutingContext ctx, JsonObject body) {
    Object list = body.getValue("channels");
    if (!(list instanceof JsonArray channels) || channels.isEmpty()) {
      throw ApiException.badRequest(list == null ? "missing_field" : "invalid_field",
        "channels must be a non-empty array of channel names", "channels");
    }
    if (channels.size() > MAX_BROADCAST_CHANNELS) {
      throw ApiException.badRequest("invalid_field", "at most " + MAX_BROADCAST_CHANNELS + " channels per broadcast",
        "channels");
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < channels.size(); i++) {
      names.add(channel(channels.getValue(i), "channels[" + i + "]"));
    }
    Object data = data(body);
    JsonObject headers = headers(body);
    List<Future<?>> published = new java.util.ArrayList<>();
    for (String channel : names) {
      published.add(publisher.publish(channel, data, headers).onSuccess(p -> metrics.published(true)));
    }
    Future.all(published).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        reply(ctx, 200, new JsonObject().put("published", names.size()));
      }
    });
  }

  private void disconnect(RoutingContext ctx, JsonObject body) {
    Object user = body.getValue("user");
    if (!(user instanceof String u) || u.isEmpty()) {
      throw ApiException.badRequest(user == null ? "missing_field" : "invalid_field",
        "user must be a non-empty string (the token's sub)", "user");
    }
    Object reconnect = body.getValue("reconnect", false);
    if (!(reconnect instanceof Boolean)) {
      throw ApiException.badRequest("invalid_field", "reconnect must be true or false", "reconnect");
    }
    JsonObject command = new JsonObject().put(NodeCommands.OP, NodeCommands.DISCONNECT).put("user", u)
      .put("reconnect", reconnect);
    gather(ctx, command, (answers, out) -> {
      int total = 0;
      JsonArray nodes = new JsonArray();
      for (NodeAnswer a : answers) {
        JsonObject node = nodeJson(a);
        if (a.body() != null) {
          int n = a.body().getInteger("disconnected", 0);
          total += n;
          node.put("disconnected", n);
        }
        nodes.add(node);
      }
      out.put("disconnected", total).put("nodes", nodes);
    });
  }

  private void channels(RoutingContext ctx) {
    String pattern = ctx.request().getParam("pattern");
    ChannelPattern filter = pattern == null || pattern.isEmpty() ? null : ChannelPattern.of(pattern);
    gather(ctx, new JsonObject().put(NodeCommands.OP, NodeCommands.CHANNELS), (answers, out) -> {
      Map<String, int[]> merged = new TreeMap<>(); // channel -> {subscribers, nodes}
      for (NodeAnswer a : answers) {
        if (a.body() == null) {
          continue;
        }
        a.body().getJsonObject("channels", new JsonObject()).forEach(e -> {
          if (filter == null || filter.matches(e.getKey())) {
            int[] counts = merged.computeIfAbsent(e.getKey(), k -> new int[2]);
            counts[0] += ((Number) e.getValue()).intValue();
            counts[1]++;
          }
        });
      }
      JsonArray channels = new JsonArray();
      merged.forEach((name, counts) -> channels.add(new JsonObject().put("channel", name)
        .put("subscribers", counts[0]).put("nodes", counts[1])));
      out.put("channels", channels).put("nodes", nodesSummary(answers));
    });
  }

  private void info(RoutingContext ctx) {
    gather(ctx, new JsonObject().put(NodeCommands.OP, NodeCommands.INFO), (answers, out) -> {
      JsonArray nodes = new JsonArray();
      long connections = 0;
      long subscriptions = 0;
      for (NodeAnswer a : answers) {
        JsonObject node = nodeJson(a);
        if (a.body() != null) {
          node.mergeIn(a.body());
          connections += a.body().getLong("connections", 0L);
          subscriptions += a.body().getLong("subscriptions", 0L);
        }
        nodes.add(node);
      }
      out.put("nodes", nodes).put("connections", connections).put("subscriptions", subscriptions);
    });
  }

  private void presence(RoutingContext ctx) {
    String channel = channel(ctx.request().getParam("channel"), "channel");
    if (!publisher.options(channel).presence()) {
      throw ApiException.badRequest("not_available", "channel " + channel + " has no presence (namespace rule)",
        "channel");
    }
    presence.list(channel).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonArray clients = new JsonArray();
      ar.result().forEach(p -> clients.add(p.toJson()));
      reply(ctx, 200, new JsonObject().put("channel", channel).put("clients", clients));
    });
  }

  /** Runs {@code command} on every node, lets {@code render} build the body from the answers. */
  private void gather(RoutingContext ctx, JsonObject command,
                      java.util.function.BiConsumer<List<NodeAnswer>, JsonObject> render) {
    Future<List<NodeAnswer>> answers = admin.queryAll(command);
    answers.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonObject out = new JsonObject();
      render.accept(ar.result(), out);
      reply(ctx, 200, out);
    });
  }

  private JsonObject nodeJson(NodeAnswer a) {
    JsonObject node = new JsonObject().put("id", a.nodeId()).put("self", a.nodeId().equals(admin.nodeId()));
    if (a.error() != null) {
      node.put("error", a.error());
    }
    return node;
  }

  private static JsonObject nodesSummary(List<NodeAnswer> answers) {
    JsonArray failed = new JsonArray();
    answers.stream().filter(a -> a.error() != null)
      .forEach(a -> failed.add(new JsonObject().put("id", a.nodeId()).put("error", a.error())));
    return new JsonObject().put("answered", answers.size() - failed.size()).put("failed", failed);
  }

  private String channel(Object value, String field) {
    if (!(value instanceof String name)) {
      throw ApiException.badRequest(value == null ? "missing_field" : "invalid_field",
        field + " must be a channel name (string)", field);
    }
    ErrorCode error = ChannelNames.check(name, maxChannelLength);
    if (error == null && ChannelNames.isInternal(publisher.address(name))) {
      error = ErrorCode.ACCESS_DENIED;
    }
    if (error != null) {
      String why = switch (error) {
        case MAX_ADDRESS_LENGTH_REACHED -> "longer than " + maxChannelLength + " characters";
        case INVALID_ADDRESS -> "channel names use 1 or more of A-Z a-z 0-9 . _ - : / @ = + , ~";
        default -> "reserved for the gateway and Vert.x";
      };
      throw ApiException.badRequest("invalid_channel", field + " " + name + ": " + why, field);
    }
    return name;
  }

  private static Object data(JsonObject body) {
    if (!body.containsKey("data")) {
      throw ApiException.badRequest("missing_field", "data is required (any JSON value)", "data");
    }
    return body.getValue("data");
  }

  private static JsonObject headers(JsonObject body) {
    Object value = body.getValue("headers");
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject headers)) {
      throw ApiException.badRequest("invalid_field", "headers must be an object of strings", "headers");
    }
    for (Map.Entry<String, Object> e : headers) {
      if (!(e.getValue() instanceof String || e.getValue() instanceof Number || e.getValue() instanceof Boolean)) {
        throw ApiException.badRequest("invalid_field", "headers." + e.getKey() + " must be a string", "headers");
      }
    }
    return headers;
  }

  /** Parses the body as a JSON object before calling {@code handler}. */
  private static Handler<RoutingContext> json(java.util.function.BiConsumer<RoutingContext, JsonObject> handler) {
    return ctx -> {
      Buffer raw = ctx.body().buffer();
      if (raw == null || raw.length() == 0) {
        throw ApiException.badRequest("invalid_json", "the request body must be a JSON object", null);
      }
      Object parsed;
      try {
        parsed = raw.toJsonValue();
      } catch (DecodeException e) {
        throw ApiException.badRequest("invalid_json", "the request body is not valid JSON: "
          + oneLine(e.getMessage()), null);
      }
      if (!(parsed instanceof JsonObject body)) {
        throw ApiException.badRequest("invalid_json", "the request body must be a JSON object", null);
      }
      handler.accept(ctx, body);
    };
  }

  private static void handleFailure(RoutingContext ctx) {
    ApiException error;
    if (ctx.failure() instanceof ApiException e) {
      error = e;
    } else if (ctx.failure() instanceof ChannelPublisher.QuorumLostException q) {
      error = new ApiException(503, "quorum_lost", q.getMessage() + "; publish through a node of the majority", null);
    } else if (ctx.statusCode() == 413) {
      error = ApiException.badRequest("body_too_large", "the request body exceeds api.maxBodyBytes", null);
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error = new ApiException(ctx.statusCode(), "bad_request", "bad request", null);
    } else {
      org.slf4j.LoggerFactory.getLogger(ServerApi.class).error("API call {} failed", ctx.request().path(), ctx.failure());
      error = new ApiException(500, "internal_error", "internal error", null);
    }
    if (!ctx.response().ended()) {
      reply(ctx, error.status(), error.toJson());
    }
  }

  private static void reply(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ");
  }
}
