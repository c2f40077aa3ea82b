package io.pubsubgateway.channel;

/**
 * A backend hook: an event-bus {@code address} that the gateway asks before it lets a connection
 * in ({@code auth.connectHook}), a subscription start or a publish through ({@code subscribeHook},
 * {@code publishHook} of a channel rule). A reply that does not come within {@code timeoutMs}, a
 * missing consumer or a malformed reply is a hook failure, which {@code acceptOnFailure} decides.
 *
 * @param address         the event-bus address of the hook's consumer (any node of the cluster)
 * @param timeoutMs       how long the gateway waits for the reply
 * @param acceptOnFailure {@code hookFailure: accept}: a failed hook lets the action through;
 *                        {@code reject} (the default) refuses it with {@code hook_failed}
 */
public record Hook(String address, int timeoutMs, boolean acceptOnFailure) {
  /** Default of {@code hookTimeoutMs} and {@code auth.connectHookTimeoutMs}. */
  public static final int DEFAULT_TIMEOUT_MS = 2000;
  /** Bounds of the timeouts. */
  public static final int MIN_TIMEOUT_MS = 1;
  public static final int MAX_TIMEOUT_MS = 60_000;
  /** Default of {@code hookFailure} and {@code auth.connectHookFailure}. */
  public static final String DEFAULT_FAILURE = "reject";
}
