// Type declarations of pubsub-gateway.mjs, the JavaScript client of pubsub-gateway.

/** Any JSON value: what a message body may be. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Message headers: string values only. */
export type Headers = Record<string, string>;

export declare const DEFAULT_PING_INTERVAL_MS: number;
export declare const DEFAULT_REQUEST_TIMEOUT_MS: number;
export declare const DEFAULT_SEND_TIMEOUT_MS: number;
export declare const DEFAULT_MIN_RECONNECT_DELAY_MS: number;
export declare const DEFAULT_MAX_RECONNECT_DELAY_MS: number;
export declare const DEFAULT_WRITE_QUEUE_MAX_BYTES: number;

/** The constructor of a WebSocket: the browser's, or the `ws` package's in Node. */
export interface WebSocketLike {
  readonly bufferedAmount?: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'error' | 'close', listener: (event: any) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ConnectOptions {
  /** Node URLs (`ws://host:port/ws` or `wss://`), tried round-robin: a lost or failed connection moves to the next. */
  urls: string | string[];
  /**
   * Called before every connection attempt (sent as `?token=`) and, on an open connection, at 80–90 % of the
   * current token's lifetime (read from its `exp`/`iat`): the new token is sent in a `refresh` frame, without
   * reconnecting.
   */
  getToken?: () => string | Promise<string>;
  /** A fixed token, when there is no `getToken`. Without either, connects anonymously. */
  token?: string;
  /** The WebSocket implementation; default `globalThis.WebSocket` (browsers, Node 22+). In Node 20: `WebSocket` from `ws`. */
  WebSocket?: WebSocketConstructor;
  /** Ping period (default 20000); a connection silent for two periods is dropped and replaced. */
  pingIntervalMs?: number;
  /** How long subscribe, unsubscribe, publish, history and presence wait for the gateway (default 10000). */
  requestTimeoutMs?: number;
  /** Default `timeoutMs` of `send` (default 35000, after the gateway's own `limits.replyTimeoutMs` of 30 s). */
  sendTimeoutMs?: number;
  /** First reconnect delay cap (default 200); it doubles per failed attempt up to `maxReconnectDelayMs`. */
  minReconnectDelayMs?: number;
  /** Largest reconnect delay cap (default 10000). Each delay is uniformly random below the cap (full jitter). */
  maxReconnectDelayMs?: number;
  /** Consecutive failed attempts before giving up (`closed`, code `unreachable`); default Infinity. */
  maxReconnectAttempts?: number;
  /** publish/send reject with `write_queue_full` while more than this many bytes wait to be sent (default 1 MiB). */
  writeQueueMaxBytes?: number;
  /** A state listener, added before the first attempt (same as `client.on('state', fn)`). */
  onState?: (change: StateChange) => void;
  /** Random source of the backoff jitter, in [0, 1) (tests). */
  random?: () => number;
}

export type ClientState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'closed';

export interface StateChange {
  state: ClientState;
  /** The node URL concerned (for `reconnecting`: the next one). */
  url: string | null;
  /** WebSocket close code (or HTTP status of a refused handshake, where the platform tells it). */
  code?: number;
  reason?: string;
  /** For `reconnecting`: the wait before the next attempt. */
  delayMs?: number;
}

export interface Message {
  channel: string;
  body: Json;
  /** On channels with history they include `offset`, `epoch` and (from gateways that send it) `mid`, the message's id. */
  headers: Headers;
  /** On channels with history: the message's position in the channel's stream. */
  offset?: number;
  epoch?: string;
}

/** Who joined or left a channel with `joinLeave`. */
export interface Presence {
  client: string;
  user: string;
  /** The token's `info` claim, if any. */
  info?: Record<string, Json>;
}

export interface PresenceEntry extends Presence {
  node: string;
}

/**
 * After every acknowledged (re)registration. A re-registration with recovery follows a reconnect, the
 * gateway's `insufficient_state` (it ended the subscription: continuity not proven), or a message the
 * client saw out of sequence (an offset past the next one, another epoch; that message is not delivered).
 */
export interface SubscribedInfo {
  /** See {@link Subscription.recovered}. */
  recovered: boolean | null;
  offset: number | null;
  epoch: string | null;
}

export interface SubscribeOptions {
  onJoin?: (who: Presence) => void;
  onLeave?: (who: Presence) => void;
  /**
   * After every acknowledged (re)registration: after a reconnect, `insufficient_state` or a gap, whether the
   * missed messages were recovered (false: reload the state another way, e.g. `history()`).
   */
  onSubscribed?: (info: SubscribedInfo) => void;
  /**
   * The subscription has ended: a re-subscription after a reconnect was refused (e.g. `access_denied`), or the
   * gateway ended it because a refreshed token no longer allows it (`access_denied`).
   */
  onError?: (error: GatewayError) => void;
}

export declare class Subscription {
  readonly channel: string;
  /** Offset of the last message delivered (or of the stream at subscribe); null on channels without history. */
  readonly offset: number | null;
  /** The channel stream's epoch; null on channels without history. */
  readonly epoch: string | null;
  /**
   * After a re-subscription that asked for recovery (reconnect, `insufficient_state`, a gap seen by the client):
   * true when no message was lost, false when some could not be replayed (they left the history, the stream
   * has a new epoch, or the last message delivered is not in the stream). Null when no recovery was asked.
   */
  readonly recovered: boolean | null;
  /** False once unsubscribed, refused, or the client closed. */
  readonly active: boolean;
  /** Stops this handler; the last one of a channel unregisters it at the gateway. */
  unsubscribe(): Promise<void>;
}

export interface PublishAck {
  /** On channels with history: the message's offset and epoch. */
  offset?: number;
  epoch?: string;
}

export interface HistoryMessage {
  offset: number;
  body: Json;
  headers?: Headers;
}

export interface HistoryAnswer {
  /** The stream's current top. */
  offset: number;
  epoch: string;
  messages: HistoryMessage[];
}

export interface SendOptions {
  /** How long to wait for the reply (default `sendTimeoutMs`). */
  timeoutMs?: number;
  headers?: Headers;
}

/**
 * Error codes: those of the gateway's `err` frames (`access_denied`, `rate_limited`, `not_available`,
 * `invalid_address`, ...), the request/reply failures (`timeout`, `no_handlers`, `recipient_failure`),
 * and the SDK's own: `disconnected`, `closed`, `timeout`, `write_queue_full`, `auth_rejected`, `unreachable`.
 */
export declare class GatewayError extends Error {
  readonly code: string;
  /** The channel or address concerned, when known. */
  readonly address?: string;
  /** Request/reply failures: the event bus's failure code and type (TIMEOUT, NO_HANDLERS, RECIPIENT_FAILURE). */
  readonly failureCode?: number;
  readonly failureType?: string;
  constructor(code: string, message: string, details?: Record<string, unknown>);
}

export declare class GatewayClient {
  constructor(options: ConnectOptions);
  /** Resolves on the first connection; rejects when the client closes for good before that. */
  readonly ready: Promise<void>;
  readonly state: ClientState;
  /** The URL of the node this client is connected to, or null. */
  readonly url: string | null;
  /** Adds a listener; returns a function that removes it. */
  on(event: 'state', listener: (change: StateChange) => void): () => void;
  /** Errors nothing else receives: a refused re-subscription, a throwing handler. */
  on(event: 'error', listener: (error: Error) => void): () => void;
  off(event: 'state' | 'error', listener: (value: any) => void): void;
  /** Resolves once the gateway acknowledged the registration; kept and re-registered (with recovery) across reconnects. */
  subscribe(channel: string, onMessage: (message: Message) => void, options?: SubscribeOptions): Promise<Subscription>;
  publish(channel: string, body: Json, headers?: Headers): Promise<PublishAck>;
  /** Request/reply with one event-bus consumer of `address`: resolves with the reply's body. */
  send(address: string, body: Json, options?: SendOptions): Promise<Json>;
  history(channel: string, options?: { limit?: number }): Promise<HistoryAnswer>;
  presence(channel: string): Promise<PresenceEntry[]>;
  /**
   * Refreshes the token of the open connection now, with a token from `getToken()`, without reconnecting.
   * Resolves with the new `exp` (epoch seconds, null without one); rejects with `invalid_token` (the old token
   * stays in force), `rate_limited`, `timeout` or `disconnected`.
   */
  refreshToken(): Promise<{ exp: number | null }>;
  /** Closes for good (1000); resolves once the socket closed (at most 1 s). */
  close(): Promise<void>;
}

/** Creates a client and starts connecting. */
export declare function connect(options: ConnectOptions): GatewayClient;

/**
 * True for close codes 4500-4999: the client does not reconnect. Others (1001, 4001, 4004, 4005 cluster
 * quorum lost, ...) reconnect to the next URL with backoff.
 */
export declare function isTerminalCloseCode(code: number): boolean;

export declare const REFRESH_MIN_FRACTION: number;
export declare const REFRESH_MAX_FRACTION: number;
export declare const REFRESH_MAX_RETRIES: number;

/** A token's lifetime (epoch seconds). */
export interface TokenLifetime {
  issuedAt: number;
  expiresAt: number;
}

/** The lifetime from a JWT's payload (not verified); null without a numeric `exp` or for an unreadable token. */
export declare function tokenLifetime(token: string, nowMs?: number): TokenLifetime | null;

/** Milliseconds until the refresh: at 80–90 % of the lifetime, at the earliest a tenth of it from now. */
export declare function refreshDelay(lifetime: TokenLifetime, nowMs: number, random?: () => number): number;

/** Milliseconds until retry `attempt` of a failed refresh (1 s doubling to 30 s, within half the time left), or -1. */
export declare function refreshRetryDelay(attempt: number, lifetime: TokenLifetime | null, nowMs: number): number;

/** Full-jitter backoff: uniformly random in [0, min(maxMs, minMs * 2^(attempt-1))]. */
export declare function backoffDelay(attempt: number, minMs: number, maxMs: number, random?: () => number): number;
