package io.pubsubgateway.presence;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who is subscribed to channels with {@code presence: true}, cluster-wide. An entry is added when a
 * connection subscribes and removed when it unsubscribes or disconnects; the entries of a node
 * that left the cluster are removed by the nodes that remain ({@link #removeNode}).
 *
 * <p>Implementations: {@link MemoryPresenceManager} (standalone node) and
 * {@link HazelcastPresenceManager} (a replicated map in the cluster). Thread-safe; futures complete
 * on the caller's Vert.x context.
 */
public interface PresenceManager {

  /**
   * One subscribed connection.
   *
   * @param client the connection's id (unique per connection)
   * @param user   the token's {@code sub} ("" when anonymous)
   * @param node   the id of the node holding the connection
   * @param info   the token's {@code info} claim (any JSON object), or null
   */
  record Presence(String channel, String client, String user, String node, JsonObject info) {
    public JsonObject toJson() {
      JsonObject json = new JsonObject().put("client", client).put("user", user).put("node", node);
      if (info != null) {
        json.put("info", info);
      }
      return json;
    }

    JsonObject toStored() {
      return toJson().put("channel", channel);
    }

    static Presence fromStored(JsonObject json) {
      return new Presence(json.getString("channel"), json.getString("client"), json.getString("user"),
        json.getString("node"), json.getJsonObject("info"));
    }
  }

  Future<Void> add(Presence presence);

  Future<Void> remove(String channel, String client);

  /** The channel's subscribers, ordered by user then client. */
  Future<List<Presence>> list(String channel);

  /**
   * Removes every entry of {@code node}; completes with the entries this call removed (each removed
   * entry is reported to exactly one caller, so join/leave events are not duplicated).
   */
  Future<List<Presence>> removeNode(String node);
}
