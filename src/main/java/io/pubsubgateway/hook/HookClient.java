package io.pubsubgateway.hook;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.channel.ChannelRule;
import io.pubsubgateway.channel.Hook;
import io.pubsubgateway.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Asks backend hooks: finds a channel's {@code subscribeHook} / {@code publishHook} (the first rule
 * whose pattern matches decides, as for permissions), sends the hook's request on the event bus
 * ({@code request}: any consumer of the address on any node of the cluster answers) and turns the
 * reply into a {@link HookDecision} ({@link HookReplies} checks its shape). A missing consumer
 * ({@code NO_HANDLERS}), no reply within the hook's timeout, a failure reply or a malformed reply is
 * a hook failure: logged with the address, then decided by the hook's {@code hookFailure} mode
 * (refused with {@link ErrorCode#HOOK_FAILED}, or accepted unchanged).
 *
 * <p>Thread-safe; a decision completes on the caller's context (the event loop of the connection).
 */
public final class HookClient {
  private static final Logger LOG = LoggerFactory.getLogger(HookClient.class);
  /** Request headers of a handshake a connect hook sees (lower case); never a token or a cookie. */
  private static final List<String> CONNECT_HEADERS = List.of("origin", "user-agent", "x-forwarded-for",
    "x-forwarded-proto", "x-real-ip", "accept-language", "host");

  private final EventBus eventBus;
  private final List<ChannelRule> rules;
  private final boolean subscribeHooks;
  private final boolean publishHooks;

  public HookClient(EventBus eventBus, List<ChannelRule> rules) {
    this.eventBus = eventBus;
    this.rules = List.copyOf(rules);
    this.subscribeHooks = rules.stream().anyMatch(r -> r.subscribeHook() != null);
    this.publishHooks = rules.stream().anyMatch(r -> r.publishHook() != null);
  }

  /** Whether any channel rule has a hook. */
  public boolean hasChannelHooks() {
    return subscribeHooks || publishHooks;
  }

  /** The channel's subscribe hook, or null (at once, without a rule lookup, when no rule has one). */
  public Hook subscribeHook(String channel) {
    ChannelRule rule = subscribeHooks ? ruleFor(channel) : null;
    return rule == null ? null : rule.subscribeHook();
  }

  /** The channel's publish hook (also asked for {@code send}), or null. */
  public Hook publishHook(String channel) {
    ChannelRule rule = publishHooks ? ruleFor(channel) : null;
    return rule == null ? null : rule.publishHook();
  }

  private ChannelRule ruleFor(String channel) {
    for (ChannelRule rule : rules) {
      if (rule.pattern().matches(channel)) {
        return rule;
      }
    }
    return null;
  }

  /** Asks {@code hook}; never fails: a hook failure becomes the decision of its {@code hookFailure} mode. */
  public Future<HookDecision> ask(Hook hook, HookType type, JsonObject request) {
    return eventBus.request(hook.address(), request, new DeliveryOptions().setSendTimeout(hook.timeoutMs()))
      .map(reply -> HookReplies.parse(type, reply.body()))
      .recover(err -> Future.succeededFuture(failed(hook, type, request, err)));
  }

  private static HookDecision failed(Hook hook, HookType type, JsonObject request, Throwable err) {
    String reason;
    String problem;
    if (err instanceof ReplyException re) {
      switch (re.failureType()) {
        case NO_HANDLERS -> {
          reason = "no consumer";
          problem = "no consumer registered at the address";
        }
        case TIMEOUT -> {
          reason = "timeout";
          problem = "no reply within " + hook.timeoutMs() + " ms";
        }
        default -> {
          reason = "error";
          problem = "failure reply " + re.failureCode() + ": " + re.getMessage();
        }
      }
    } else if (err instanceof HookReplies.MalformedReply) {
      reason = "malformed reply";
      problem = "malformed reply: " + err.getMessage();
    } else {
      reason = "error";
      problem = err.toString();
    }
    LOG.warn("{} hook {} failed for user={} client={}{}: {}; {}", type.wire(), hook.address(),
      request.getString("user"), request.getString("client"),
      request.containsKey("channel") ? " channel=" + request.getString("channel") : "", problem,
      hook.acceptOnFailure() ? "accepting (hookFailure: accept)" : "refusing (hookFailure: reject)");
    if (hook.acceptOnFailure()) {
      return new HookDecision(true, null, null, true, false, null, null);
    }
    return new HookDecision(false, ErrorCode.HOOK_FAILED.code(), type.wire() + " hook failed: " + reason, true,
      false, null, null);
  }

  /** The request of a subscribe, publish or send hook ({@code body} and {@code headers} for the last two). */
  public static JsonObject channelRequest(HookType type, Principal principal, String client, String channel) {
    JsonObject request = new JsonObject().put("type", type.wire()).put("user", principal.user()).put("client", client)
      .put("channel", channel);
    if (principal.info() != null) {
      request.put("info", principal.info());
    }
    return request;
  }

  /**
   * The request of a connect hook: who (the token's {@code user} and {@code info}), the connection's
   * id, the remote address, the transport ({@code websocket} or {@code sockjs}) and a few request
   * headers ({@link #CONNECT_HEADERS}; never {@code Authorization} or cookies).
   */
  public static JsonObject connectRequest(Principal principal, String client, String remote, String transport,
                                          MultiMap headers) {
    JsonObject request = new JsonObject().put("type", HookType.CONNECT.wire()).put("user", principal.user())
      .put("client", client);
    if (principal.info() != null) {
      request.put("info", principal.info());
    }
    request.put("remote", remote).put("transport", transport);
    JsonObject picked = new JsonObject();
    if (headers != null) {
      for (String name : CONNECT_HEADERS) {
        String value = headers.get(name);
        if (value != null) {
          picked.put(name, value);
        }
      }
    }
    return request.put("headers", picked);
  }
}
