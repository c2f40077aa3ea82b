package io.pubsubgateway.transport;

import io.pubsubgateway.auth.Principal;
import io.pubsubgateway.channel.Hook;
import io.pubsubgateway.hook.HookClient;
import io.pubsubgateway.hook.HookDecision;
import io.pubsubgateway.hook.HookType;
import io.pubsubgateway.transport.HandshakeAuthenticator.Refusal;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;

/**
 * {@code auth.connectHook}: asked after the token check, before a connection exists (before the
 * WebSocket upgrade of {@code http.path}; when a SockJS session opens). An accept lets the
 * connection in, with the {@code info} the hook attached (else the token's); a refusal is a
 * {@link Refusal} with HTTP 403 and the hook's {@code code: message} as body; a hook failure with
 * {@code auth.connectHookFailure: reject} is a 503 ({@code hook_failed}), which clients retry.
 *
 * <p>Thread-safe; completes on the caller's context.
 */
final class ConnectHookCheck {
  private final HookClient client;
  private final Hook hook;

  /** @param hook {@code auth.connectHook} and its settings; null: every connection passes at once */
  ConnectHookCheck(HookClient client, Hook hook) {
    this.client = client;
    this.hook = hook;
  }

  /** The principal the connection goes on with; fails with a {@link Refusal} when the hook says no. */
  Future<Principal> admit(Principal principal, String clientId, String remote, String transport, MultiMap headers) {
    if (hook == null) {
      return Future.succeededFuture(principal);
    }
    return client.ask(hook, HookType.CONNECT, HookClient.connectRequest(principal, clientId, remote, transport,
      headers)).compose(decision -> decide(principal, decision));
  }

  private static Future<Principal> decide(Principal principal, HookDecision decision) {
    if (decision.accepted()) {
      return Future.succeededFuture(decision.info() == null ? principal : principal.withInfo(decision.info()));
    }
    String text = decision.code() + ": " + decision.message();
    if (decision.failed()) {
      return Future.failedFuture(new Refusal(503, "hook_failed", "connect hook failed: " + text, text));
    }
    return Future.failedFuture(new Refusal(403, "hook_rejected", "refused by the connect hook: " + text, text));
  }
}
