package io.pubsubgateway.hook;

import io.vertx.core.json.JsonObject;

/**
 * What a hook decided, or what its failure means under the hook's {@code hookFailure} mode.
 *
 * @param accepted     the action goes through
 * @param code         of a refusal: the error code the client gets (the hook's, or {@code hook_failed})
 * @param message      of a refusal: the text the client gets
 * @param failed       the hook did not answer properly (timeout, no consumer, malformed reply, a
 *                     failure reply): the decision is the hook's {@code hookFailure} mode
 * @param replacesBody of an accepted publish: the hook replaced the body with {@code body}
 * @param body         the replacement body (any JSON value, null included) when {@code replacesBody}
 * @param info         of an accepted connection: the {@code info} the hook attached, or null
 */
public record HookDecision(boolean accepted, String code, String message, boolean failed, boolean replacesBody,
                           Object body, JsonObject info) {
  /** An accept without replacement. */
  public static final HookDecision ACCEPT = new HookDecision(true, null, null, false, false, null, null);

  static HookDecision reject(String code, String message) {
    return new HookDecision(false, code, message, false, false, null, null);
  }
}
