package io.pubsubgateway.session;

import io.pubsubgateway.auth.Permissions;
import io.pubsubgateway.channel.Hook;
import io.pubsubgateway.config.LimitsConfig;
import io.pubsubgateway.hook.HookType;
import io.pubsubgateway.hub.ChannelPublisher;
import io.pubsubgateway.metrics.GatewayMetrics;
import io.pubsubgateway.protocol.ClientFrame;
import io.pubsubgateway.protocol.ErrorCode;
import io.pubsubgateway.protocol.FrameCodec;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's {@code publish} and {@code send} frames: the checks they pass (address,
 * permission, rate), the channel's publish hook when its rule has one, then the publish to the
 * cluster or the point-to-point send with its reply.
 *
 * <p>Threading: the session's event loop only.
 */
final class SessionPublishing {
  private static final Logger LOG = LoggerFactory.getLogger(Session.class); // the session's log, as before

  private final Session session;
  private final SessionHooks hooks;
  private final ChannelPublisher publisher;
  private final Permissions permissions;
  private final LimitsConfig limits;
  private final GatewayMetrics metrics;

  SessionPublishing(Session session, SessionServices services, SessionHooks hooks) {
    this.session = session;
    this.hooks = hooks;
    this.publisher = services.publisher();
    this.permissions = services.permissions();
    this.limits = services.limits();
    this.metrics = services.metrics();
  }

  void handlePublish(ClientFrame frame) {
    String channel = frame.address();
    if (!admitPublish(frame, "publish")) {
      return;
    }
    Hook hook = hooks.publishHook(channel);
    if (hook != null) {
      hooks.publish(frame, hook, HookType.PUBLISH); // in order behind this connection's earlier ones
      return;
    }
    publishNow(frame, frame.body());
  }

  /** Publishes {@code body} for a publish that passed every check; completes when it is published or failed. */
  Future<?> publishNow(ClientFrame frame, Object body) {
    String channel = frame.address();
    return publisher.publish(channel, body, frame.headers()).onComplete(ar -> {
      if (ar.succeeded()) {
        metrics.published(false);
        if (ar.result() == null) {
          session.ack(frame);
        } else if (frame.id() != null) {
          session.reply(FrameCodec.encodeAck(frame.id(), channel, ChannelFeatures.position(ar.result())));
        }
      } else {
        LOG.warn("publish to {} failed: {}", channel, ar.cause().toString());
        session.sendError(ErrorCode.INTERNAL_ERROR, channel, "publish failed, retry", frame.id());
      }
    });
  }

  /**
   * The checks a {@code publish} or a {@code send} ({@code verb}) passes before it leaves: a valid
   * address, the token's publish permission, the connection's publish rate. Answers the refusal
   * itself; returns whether the frame may go on.
   */
  private boolean admitPublish(ClientFrame frame, String verb) {
    String address = frame.address();
    if (!session.checkName(frame)) {
      return false;
    }
    if (!permissions.mayPublish(session.principal(), address)) {
      metrics.publishDenied();
      session.sendError(ErrorCode.ACCESS_DENIED, address, verb + " not allowed", frame.id());
      return false;
    }
    if (!session.takeRateToken()) {
      metrics.publishRateLimited();
      session.sendError(ErrorCode.RATE_LIMITED, address, "at most " + limits.publishPerSecond() + " publishes per second",
        frame.id());
      return false;
    }
    return true;
  }

  /**
   * {@code send}: point to point to one event-bus consumer, allowed where publishing is (as in
   * vertx-web's bridge); with a {@code replyAddress} the reply, or its failure, comes back to this
   * connection only, addressed to that reply address.
   */
  void handleSend(ClientFrame frame) {
    String address = frame.address();
    if (!admitPublish(frame, "send")) {
      return;
    }
    Hook hook = hooks.publishHook(address);
    if (hook != null) {
      hooks.publish(frame, hook, HookType.SEND);
      return;
    }
    sendNow(frame, frame.body());
  }

  /** Sends {@code body} for a send that passed every check; completes once it is sent. */
  Future<?> sendNow(ClientFrame frame, Object body) {
    String address = frame.address();
    String replyTo = frame.replyAddress();
    publisher.broker().send(address, body, frame.headers(), replyTo == null ? 0 : limits.replyTimeoutMs())
      .onComplete(ar -> {
        if (replyTo == null || !session.open()) {
          return;
        }
        if (ar.succeeded()) {
          session.reply(FrameCodec.encodeRec(replyTo, ar.result().body(), ar.result().headers()));
        } else if (ar.cause() instanceof ReplyException re) {
          session.reply(FrameCodec.encodeReplyFailure(replyTo, re.failureCode(), re.failureType().name(),
            String.valueOf(re.getMessage())));
        } else {
          session.reply(FrameCodec.encodeReplyFailure(replyTo, -1, "RECIPIENT_FAILURE", String.valueOf(ar.cause().getMessage())));
        }
      });
    session.ack(frame);
    return Future.succeededFuture();
  }
}
