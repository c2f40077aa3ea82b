package io.pubsubgateway.auth;

import io.pubsubgateway.channel.ChannelPattern;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Who a connection is, from its verified token.
 *
 * @param user          the token's {@code sub}; empty for an anonymous connection
 * @param subscribe     channel patterns the token grants for subscribing
 * @param publish       channel patterns the token grants for publishing
 * @param expiresAtMs   the token's {@code exp} in epoch milliseconds, or 0 when it has none
 * @param info          the token's {@code info} claim (a JSON object shown in presence), or null
 */
public record Principal(String user, List<ChannelPattern> subscribe, List<ChannelPattern> publish, long expiresAtMs,
                        JsonObject info) {
  public static final Principal ANONYMOUS = new Principal("", List.of(), List.of(), 0);

  /** A principal without {@code info}. */
  public Principal(String user, List<ChannelPattern> subscribe, List<ChannelPattern> publish, long expiresAtMs) {
    this(user, subscribe, publish, expiresAtMs, null);
  }

  /** The same principal with {@code info} (attached by the connect hook) instead of the token's. */
  public Principal withInfo(JsonObject info) {
    return new Principal(user, subscribe, publish, expiresAtMs, info);
  }

  public boolean anonymous() {
    return user.isEmpty();
  }
}
