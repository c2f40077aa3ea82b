package io.pubsubgateway.client;

import io.pubsubgateway.client.RefreshSchedule.Lifetime;
import io.pubsubgateway.protocol.FrameType;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.Random;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps a {@link GatewayClient}'s connection authenticated without reconnecting: ahead of the
 * token's expiry ({@link RefreshSchedule}) it asks the client's token supplier for a new token and
 * sends {@code {"type":"refresh","token":T,"id":I}} on the open connection; the gateway's ack
 * (with the new {@code exp}) schedules the next refresh. A refused refresh ({@code invalid_token},
 * {@code rate_limited}), a timeout or a failing supplier is reported to the exception handler and
 * retried a few times with a growing delay on the same connection; after that the connection lives
 * until its token expires, the gateway closes it with 4001, and the reconnect fetches a new token.
 *
 * <p>Threading: the client's event loop only.
 */
final class TokenRefresher {
  private final Vertx vertx;
  private final Supplier<Future<String>> tokens;
  private final LongSupplier clock;
  private final Random random;
  private final Handler<Throwable> errors;
  private Connection connection;
  /** The lifetime of the token in force on the connection; null when it never expires (or is unreadable). */
  private Lifetime lifetime;
  private long timer = -1;
  private int failures;

  /**
   * @param tokens the client's token supplier (a new token per call)
   * @param errors where failed automatic refreshes are reported
   */
  TokenRefresher(Vertx vertx, Supplier<Future<String>> tokens, LongSupplier clock, Random random,
                 Handler<Throwable> errors) {
    this.vertx = vertx;
    this.tokens = tokens;
    this.clock = clock;
    this.random = random;
    this.errors = errors;
  }

  /** A connection opened with {@code token}: its refresh is scheduled. */
  void connected(Connection c, String token) {
    cancel();
    connection = c;
    failures = 0;
    lifetime = RefreshSchedule.lifetime(token, clock.getAsLong());
    schedule();
  }

  /** The connection is gone: nothing more is sent on it. */
  void disconnected() {
    cancel();
    connection = null;
  }

  /**
   * Refreshes now: a token from the supplier, sent on the current connection. Completes on the
   * gateway's ack; fails with its refusal ({@code invalid_token}, {@code rate_limited}),
   * {@code timeout}, or {@code disconnected}. The old token stays in force on failure.
   */
  Future<Void> refresh() {
    Connection c = connection;
    if (c == null) {
      return Future.failedFuture(new GatewayException(GatewayException.DISCONNECTED, "not connected"));
    }
    return tokens.get().compose(token -> {
      if (connection != c) {
        return Future.failedFuture(new GatewayException(GatewayException.DISCONNECTED, "connection lost"));
      }
      return c.request(FrameType.REFRESH, null, new JsonObject().put("token", token)).map(ack -> {
        if (connection == c) {
          long now = clock.getAsLong();
          Lifetime fromToken = RefreshSchedule.lifetime(token, now);
          lifetime = ack.containsKey("exp")
            ? RefreshSchedule.lifetime(ack.getValue("exp"), fromToken == null ? null : fromToken.issuedAt(), now)
            : fromToken;
          failures = 0;
          cancel();
          schedule();
        }
        return null;
      });
    });
  }

  private void schedule() {
    if (lifetime == null || connection == null) {
      return;
    }
    arm(RefreshSchedule.delayMs(lifetime, clock.getAsLong(), random.nextDouble()));
  }

  private void arm(long delayMs) {
    Connection c = connection;
    timer = vertx.setTimer(Math.max(1, delayMs), t -> {
      timer = -1;
      if (connection != c) {
        return;
      }
      refresh().onFailure(err -> {
        if (connection != c) {
          return;
        }
        errors.handle(err);
        long retry = RefreshSchedule.retryDelayMs(++failures, lifetime, clock.getAsLong());
        if (retry >= 0 && timer < 0) {
          arm(retry);
        }
      });
    });
  }

  private void cancel() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }
}
