package io.pubsubgateway.client;

/** Connection states reported to {@link GatewayClient#stateHandler}. */
public enum ClientState {
  /** Opening a connection (first time or after a loss). */
  CONNECTING,
  /** Connected; subscriptions (re)registered. */
  CONNECTED,
  /** The connection was lost; the event carries the close code and reason. */
  DISCONNECTED,
  /** Waiting for the next attempt (backoff). */
  RECONNECTING,
  /** Closed for good: by the application, a terminal refusal, or attempts exhausted. */
  CLOSED
}
