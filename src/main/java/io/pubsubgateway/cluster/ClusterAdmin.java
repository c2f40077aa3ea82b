package io.pubsubgateway.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Runs an operator command on every gateway node of the cluster and gathers the answers (for
 * {@code /api/info}, {@code /api/channels}, {@code /api/disconnect}). Each node listens on its own
 * event-bus address {@code __pubsub.node.<node id>} (one registration per node); a query sends the
 * command to each cluster member and waits at most the configured timeout for each.
 *
 * <p>Members that are not gateways (backend verticles, monitoring lite members) have no such
 * consumer and are left out of the answer; a gateway that does not answer in time is reported
 * with an error instead of failing the whole query.
 */
public final class ClusterAdmin {
  /** Prefix of the per-node addresses; clients can never subscribe or publish under it. */
  public static final String ADDRESS_PREFIX = "__pubsub.node.";

  private final Vertx vertx;
  private final String nodeId;
  private final long timeoutMs;
  private final Function<JsonObject, Future<JsonObject>> localHandler;
  private MessageConsumer<JsonObject> consumer;

  /** One node's answer: its {@code body}, or an {@code error} when it failed or timed out. */
  public record NodeAnswer(String nodeId, JsonObject body, String error) {
  }

  /**
   * @param localHandler runs a command on this node; its JSON result goes back to the asking node
   */
  public ClusterAdmin(Vertx vertx, long timeoutMs, Function<JsonObject, Future<JsonObject>> localHandler) {
    this(vertx, nodeId(vertx), timeoutMs, localHandler);
  }

  /** The same with this node's id given: the cluster manager's node id, or any unique id when standalone. */
  public ClusterAdmin(Vertx vertx, String nodeId, long timeoutMs, Function<JsonObject, Future<JsonObject>> localHandler) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.timeoutMs = timeoutMs;
    this.localHandler = localHandler;
  }

  private static String nodeId(Vertx vertx) {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    return cm != null ? cm.getNodeId() : UUID.randomUUID().toString();
  }

  /** Registers this node's command address; completes once it is registered in the cluster. */
  public Future<Void> start() {
    consumer = vertx.eventBus().consumer(ADDRESS_PREFIX + nodeId, msg -> {
      Future<JsonObject> answer;
      try {
        answer = localHandler.apply(msg.body());
      } catch (RuntimeException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(ar -> {
        if (ar.succeeded()) {
          msg.reply(ar.result());
        } else {
          msg.fail(500, String.valueOf(ar.cause().getMessage()));
        }
      });
    });
    return consumer.completion();
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  public String nodeId() {
    return nodeId;
  }

  /** The ids of the cluster's members (this node alone when not clustered). */
  public List<String> members() {
    ClusterManager cm = ((VertxInternal) vertx).clusterManager();
    return cm == null ? List.of(nodeId) : List.copyOf(cm.getNodes());
  }

  /**
   * Sends {@code command} to every gateway node, this one included; completes with one answer per
   * gateway node, never fails.
   */
  public Future<List<NodeAnswer>> queryAll(JsonObject command) {
    List<String> members = members();
    List<Future<NodeAnswer>> answers = new ArrayList<>();
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMs);
    for (String member : members) {
      answers.add(vertx.eventBus().<JsonObject>request(ADDRESS_PREFIX + member, command, options)
        .map(reply -> new NodeAnswer(member, reply.body(), null))
        .otherwise(err -> isNoHandlers(err) ? null : new NodeAnswer(member, null, describe(err))));
    }
    return Future.all(answers).map(all -> {
      List<NodeAnswer> result = new ArrayList<>();
      for (Future<NodeAnswer> f : answers) {
        if (f.result() != null) { // null: a member without a gateway
          result.add(f.result());
        }
      }
      return result;
    });
  }

  private static boolean isNoHandlers(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }

  private static String describe(Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      return "timeout";
    }
    return String.valueOf(err.getMessage());
  }
}
