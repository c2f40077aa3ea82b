/**
 * JavaScript client of pubsub-gateway (ES module, no dependencies): subscribe, publish,
 * request/reply, history and presence over one WebSocket, with reconnect (exponential backoff,
 * full jitter, round-robin over the node URLs), re-subscription with recovery of missed messages,
 * a fresh token from `getToken()` before every connection attempt, and on an open connection a
 * refresh of the token (`{"type":"refresh"}`) ahead of its expiry, without reconnecting.
 *
 * Runs in browsers (global WebSocket) and in Node (pass `WebSocket` from the `ws` package).
 * The frames are those of the protocol reference (src/docs/protocol.md); the Java SDK
 * (io.pubsubgateway.client) is the reference for reconnect and re-subscription.
 *
 * Nothing is buffered while disconnected: publish, send, history and presence reject at once with
 * code `disconnected`; subscriptions are kept and registered again on the next connection.
 *
 * Continuity on channels with history: a message that does not follow the last one delivered (an
 * offset past the next one, another epoch), or the gateway's `insufficient_state` (it ended the
 * subscription), makes the client register the channel again with the `since.*` headers of the
 * last message delivered, so `onSubscribed`/`recovered` report whether anything was lost: the
 * application never sees a silent gap.
 */

export const DEFAULT_PING_INTERVAL_MS = 20_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Longer than the gateway's default limits.replyTimeoutMs (30 s), so its TIMEOUT failure normally comes first. */
export const DEFAULT_SEND_TIMEOUT_MS = 35_000;
export const DEFAULT_MIN_RECONNECT_DELAY_MS = 200;
export const DEFAULT_MAX_RECONNECT_DELAY_MS = 10_000;
export const DEFAULT_WRITE_QUEUE_MAX_BYTES = 1024 * 1024;
/** Error code of an `err` without id: the gateway ended the subscription of `address` (stream continuity not proven). */
const INSUFFICIENT_STATE = 'insufficient_state';
/** Longest reply address the gateway accepts for `send`. */
const MAX_REPLY_ADDRESS_LENGTH = 36;
/** How many reply addresses of timed-out sends are remembered, so their late answers are dropped quietly. */
const EXPIRED_REPLIES_KEPT = 256;

/** An error with the gateway's (or the SDK's) snake_case code, e.g. `access_denied`, `disconnected`, `timeout`. */
export class GatewayError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {object} [details] extra fields (`address`, `failureCode`, `failureType`, `status`)
   */
  constructor(code, message, details = {}) {
    super(`${code}: ${message}`);
    this.name = 'GatewayError';
    this.code = code;
    Object.assign(this, details);
  }
}

/**
 * True for close codes after which the client must not reconnect on its own (4500-4999). Any other
 * code reconnects to the next URL: e.g. 1001 node shutting down, 4001 token expired, 4004
 * disconnected by an operator, 4005 cluster quorum lost.
 */
export function isTerminalCloseCode(code) {
  return code >= 4500 && code <= 4999;
}

/**
 * The delay before reconnect attempt `attempt` (1 for the first): full jitter, a uniformly random
 * time between 0 and `min(maxMs, minMs * 2^(attempt-1))`.
 */
export function backoffDelay(attempt, minMs, maxMs, random = Math.random) {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(random() * cap);
}

/** A token is refreshed at a random point between these fractions of its lifetime (`iat` to `exp`). */
export const REFRESH_MIN_FRACTION = 0.8;
export const REFRESH_MAX_FRACTION = 0.9;
/** Consecutive failed refreshes retried on the same connection (then the token expires: 4001, reconnect). */
export const REFRESH_MAX_RETRIES = 5;

/**
 * The lifetime of a JWT, `{issuedAt, expiresAt}` in epoch seconds, read from its payload without
 * verifying it (the gateway verifies); `issuedAt` is `iat`, or `nowMs` when it has none. Null when
 * the token has no numeric `exp` or is not a readable JWT: it is then never refreshed.
 */
export function tokenLifetime(token, nowMs = Date.now()) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) {
    return null;
  }
  try {
    const b64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const payload = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return lifetimeOf(payload?.exp, payload?.iat, nowMs);
  } catch {
    return null;
  }
}

function lifetimeOf(exp, iat, nowMs) {
  if (typeof exp !== 'number' || !Number.isFinite(exp)) {
    return null;
  }
  const issuedAt = typeof iat === 'number' && Number.isFinite(iat) ? iat : Math.floor(nowMs / 1000);
  return { issuedAt: Math.min(issuedAt, exp), expiresAt: exp };
}

/**
 * Milliseconds from `nowMs` until the refresh of a token of `lifetime`: at
 * `REFRESH_MIN_FRACTION + random() × (REFRESH_MAX_FRACTION - REFRESH_MIN_FRACTION)` of its lifetime
 * (jitter: clients of one issuer do not refresh in step), at the earliest a tenth of the lifetime
 * from now (a clock ahead of the issuer's does not refresh in a loop).
 */
export function refreshDelay(lifetime, nowMs, random = Math.random) {
  const lifetimeMs = Math.max(1, (lifetime.expiresAt - lifetime.issuedAt) * 1000);
  const fraction = REFRESH_MIN_FRACTION + random() * (REFRESH_MAX_FRACTION - REFRESH_MIN_FRACTION);
  const at = lifetime.issuedAt * 1000 + Math.round(lifetimeMs * fraction);
  return Math.max(Math.max(1, Math.floor(lifetimeMs / 10)), at - nowMs);
}

/**
 * Milliseconds until retry `attempt` (1 for the first) after a refused or failed refresh, or -1
 * when none is left: 1 s doubling up to 30 s, and while the token has time left at most half of it.
 */
export function refreshRetryDelay(attempt, lifetime, nowMs) {
  if (attempt > REFRESH_MAX_RETRIES) {
    return -1;
  }
  let delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt - 1, 20));
  const left = lifetime ? lifetime.expiresAt * 1000 - nowMs : 0;
  if (left > 0) {
    delay = Math.min(delay, Math.floor(left / 2));
  }
  return Math.max(1, delay);
}

/** Creates a client and starts connecting; see {@link GatewayClient}. */
export function connect(options) {
  return new GatewayClient(options);
}

/** A UUID v4 from the platform's random source (crypto.randomUUID needs a secure context in browsers). */
function uuid() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') {
    return c.randomUUID();
  }
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') {
    c.getRandomValues(b);
  } else {
    for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  }
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Applies `fn` to each listener, reporting a throwing one to `onError`. */
function callEach(listeners, value, onError) {
  for (const fn of [...listeners]) {
    try {
      fn(value);
    } catch (e) {
      onError(e);
    }
  }
}

/**
 * A channel this client is subscribed to: one registration at the gateway however many
 * subscriptions share it, and on channels with history the stream position of the last message
 * delivered: offset, epoch and message id (`mid`, when the gateway sends one), always together.
 */
class ChannelState {
  constructor(name) {
    this.name = name;
    /** @type {Set<Subscription>} */
    this.subs = new Set();
    this.registered = false;
    /** The connection a register was sent on, while waiting for its answer. */
    this.registeringOn = null;
    this.offset = null;
    this.epoch = null;
    this.mid = null;
    this.recovered = null;
    /** After an ack that reported a loss in the same epoch: the next message starts the position again. */
    this.reanchor = false;
    /** Re-subscriptions for a discontinuity since the last message delivered. */
    this.resyncs = 0;
    /** The timer of a delayed re-subscription. */
    this.resyncTimer = null;
  }

  /** Headers asking for recovery, when the position is known (`since.mid` when the message id is). */
  sinceHeaders() {
    if (this.epoch == null || this.offset == null) {
      return undefined;
    }
    const headers = { 'since.offset': String(this.offset), 'since.epoch': this.epoch };
    if (this.mid != null) {
      headers['since.mid'] = this.mid;
    }
    return headers;
  }

  /**
   * Takes the position from a register ack. Same stream: keep the own position (the missed messages
   * follow the ack; after `recovered: false` they may start past a gap, or the own last message may
   * not be in the stream at all, so the next message sets the position). Another stream (or the
   * first ack): start at the stream's top, with its `mid` (none when the ack has none).
   */
  positionFromAck(ack) {
    if (ack.epoch == null) {
      return;
    }
    const recovered = typeof ack.recovered === 'boolean' ? ack.recovered : null;
    if (this.epoch !== ack.epoch || this.offset == null) {
      this.offset = Number(ack.offset);
      this.epoch = ack.epoch;
      this.mid = typeof ack.mid === 'string' ? ack.mid : null;
      this.reanchor = false;
    } else {
      this.reanchor = recovered === false;
    }
    this.recovered = recovered;
  }

  /** True once a register ack gave a position: the channel keeps history. */
  get positioned() {
    return this.epoch != null;
  }

  /**
   * What to do with a message: `next` (deliver; the position moved to it), `duplicate` (at or before
   * the position in the same epoch: drop), `gap` (past the next offset, or another epoch: do not
   * deliver, re-subscribe with recovery). Messages without offset or epoch are always `next`.
   */
  accept(headers) {
    if (!this.positioned || headers.offset == null || headers.epoch == null) {
      return 'next';
    }
    const offset = Number(headers.offset);
    if (!this.reanchor) {
      if (headers.epoch !== this.epoch || offset > this.offset + 1) {
        return 'gap';
      }
      if (offset <= this.offset) {
        return 'duplicate';
      }
    }
    this.offset = offset;
    this.epoch = headers.epoch;
    this.mid = typeof headers.mid === 'string' ? headers.mid : null;
    this.reanchor = false;
    this.resyncs = 0;
    return 'next';
  }
}

/** One handler's subscription to a channel, returned (through a Promise) by `client.subscribe`. */
export class Subscription {
  #client;
  #state;

  constructor(client, state, onMessage, options) {
    this.#client = client;
    this.#state = state;
    this.onMessage = onMessage;
    this.options = options;
    this.active = true;
  }

  get channel() {
    return this.#state.name;
  }

  /** Offset of the last message delivered (or of the stream at subscribe); null without history. */
  get offset() {
    return this.#state.offset;
  }

  /** The stream's epoch; null without history. */
  get epoch() {
    return this.#state.epoch;
  }

  /**
   * After a re-subscription that asked for recovery (after a reconnect, the gateway's
   * `insufficient_state`, or a gap the client saw): true when nothing was lost, false when some
   * messages could not be replayed (left the history, another epoch, or the last one delivered is
   * not in the stream). Null when no recovery was asked.
   */
  get recovered() {
    return this.#state.recovered;
  }

  /** Stops this handler; the last one of a channel unregisters it. Resolves on the gateway's ack. */
  unsubscribe() {
    return this.#client._unsubscribe(this, this.#state);
  }
}

/** One open WebSocket: its request ids, liveness, and what it answers. */
class Connection {
  constructor(ws, url, token) {
    this.ws = ws;
    this.url = url;
    /** The lifetime of the token in force on this connection (null: never refreshed). */
    this.lifetime = tokenLifetime(token);
    this.refreshTimer = null;
    this.refreshFailures = 0;
    this.nextId = 0;
    /** id -> {resolve, reject, timer} */
    this.pending = new Map();
    this.lastFrameAt = Date.now();
    this.pingTimer = null;
  }

  send(frame) {
    this.ws.send(JSON.stringify(frame));
  }

  /** Sends `frame` with a fresh id; resolves with the answer (ack, history, presence), rejects on err or timeout. */
  request(frame, timeoutMs, onTimeout = true) {
    return new Promise((resolve, reject) => this.call(frame, timeoutMs, resolve, reject, onTimeout));
  }

  /**
   * The same with callbacks, called synchronously with the answer: a register ack must take effect
   * before the frames that follow it in the same read (recovered messages, join events).
   */
  call(frame, timeoutMs, resolve, reject, onTimeout = true) {
    const id = String(++this.nextId);
    const timer = onTimeout ? setTimeout(() => {
      if (this.pending.delete(id)) {
        reject(new GatewayError('timeout', `no answer from ${this.url} within ${timeoutMs} ms`));
      }
    }, timeoutMs) : null;
    this.pending.set(id, { resolve, reject, timer });
    try {
      this.send({ ...frame, id });
    } catch (e) {
      this.answer(id, null, new GatewayError('disconnected', `cannot write to ${this.url}: ${e?.message ?? e}`));
    }
  }

  /** Completes the request `id`; false when there is none. */
  answer(id, frame, error) {
    const key = id == null ? null : String(id);
    const p = key == null ? undefined : this.pending.get(key);
    if (!p) {
      return false;
    }
    this.pending.delete(key);
    clearTimeout(p.timer);
    if (error) {
      p.reject(error);
    } else {
      p.resolve(frame);
    }
    return true;
  }

  failPending(error) {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
  }
}

/**
 * The client. States, reported to `on('state', fn)` as `{state, url, code?, reason?}`:
 * `connecting`, `connected`, `disconnected` (with the close code and reason), `reconnecting`
 * (with the next URL and `delayMs`), `closed` (for good: `close()`, a terminal close code
 * 4500-4999, a refused token, or `maxReconnectAttempts` exhausted).
 */
export class GatewayClient {
  #urls;
  #getToken;
  #WebSocket;
  #opts;
  #random;
  #listeners = { state: new Set(), error: new Set() };
  /** @type {Map<string, ChannelState>} */
  #channels = new Map();
  /** replyAddress -> {resolve, reject, timer} */
  #replies = new Map();
  /** Reply addresses of sends that timed out here, oldest first. */
  #expiredReplies = new Set();
  /** @type {Connection | null} */
  #conn = null;
  /** The socket being opened, before it is a connection. */
  #opening = null;
  #state = 'connecting';
  #urlIndex = 0;
  #failedAttempts = 0;
  #retryTimer = null;
  #closed = false;
  #ready;
  #readyResolve;
  #readyReject;

  constructor(options = {}) {
    const urls = typeof options.urls === 'string' ? [options.urls] : options.urls;
    if (!Array.isArray(urls) || urls.length === 0) {
      throw new TypeError('urls: at least one ws:// or wss:// URL');
    }
    for (const u of urls) {
      if (!/^wss?:\/\//i.test(String(u))) {
        throw new TypeError(`urls: ${u} is not a ws:// or wss:// URL`);
      }
    }
    const WebSocketImpl = options.WebSocket ?? globalThis.WebSocket;
    if (typeof WebSocketImpl !== 'function') {
      throw new TypeError('no WebSocket implementation: pass one as the WebSocket option (e.g. the ws package in Node)');
    }
    const opts = {
      pingIntervalMs: options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      sendTimeoutMs: options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS,
      minReconnectDelayMs: options.minReconnectDelayMs ?? DEFAULT_MIN_RECONNECT_DELAY_MS,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? DEFAULT_MAX_RECONNECT_DELAY_MS,
      maxReconnectAttempts: options.maxReconnectAttempts ?? Infinity,
      writeQueueMaxBytes: options.writeQueueMaxBytes ?? DEFAULT_WRITE_QUEUE_MAX_BYTES,
    };
    for (const [key, value] of Object.entries(opts)) {
      if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
        throw new TypeError(`${key}: a number >= 0, got ${value}`);
      }
    }
    if (opts.pingIntervalMs === 0 || opts.requestTimeoutMs === 0 || opts.sendTimeoutMs === 0) {
      throw new TypeError('pingIntervalMs, requestTimeoutMs and sendTimeoutMs must be > 0');
    }
    if (opts.maxReconnectDelayMs < opts.minReconnectDelayMs) {
      throw new TypeError('maxReconnectDelayMs must be >= minReconnectDelayMs');
    }
    const token = options.token;
    this.#getToken = options.getToken ?? (token == null ? null : () => token);
    this.#urls = urls.map(String);
    this.#WebSocket = WebSocketImpl;
    this.#opts = opts;
    this.#random = options.random ?? Math.random;
    this.#ready = new Promise((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.#ready.catch(() => {}); // awaited by the application or not at all
    if (typeof options.onState === 'function') {
      this.#listeners.state.add(options.onState);
    }
    queueMicrotask(() => this.#attempt()); // listeners added right after connect() see `connecting`
  }

  /** Resolves on the first connection; rejects when the client closes for good before that. */
  get ready() {
    return this.#ready;
  }

  /** `connecting`, `connected`, `disconnected`, `reconnecting` or `closed`. */
  get state() {
    return this.#state;
  }

  /** The URL of the node this client is connected to, or null. */
  get url() {
    return this.#conn?.url ?? null;
  }

  /**
   * Adds a listener: `state` gets `{state, url, code?, reason?, delayMs?}`, `error` gets errors
   * nothing else receives (a refused re-subscription, a throwing handler). Returns a function that removes it.
   */
  on(event, listener) {
    const set = this.#listeners[event];
    if (!set) {
      throw new TypeError(`unknown event ${event}: state or error`);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  off(event, listener) {
    this.#listeners[event]?.delete(listener);
  }

  /**
   * Subscribes `onMessage` to `channel`. Resolves with the {@link Subscription} once the gateway
   * acknowledged it (a publish from any node afterwards reaches it); rejects with the gateway's
   * code (e.g. `access_denied`). It lives until `unsubscribe()` or `close()`: registered again,
   * with recovery, after every reconnect.
   *
   * @param options `onJoin(who)`, `onLeave(who)` (channels with joinLeave), `onSubscribed({recovered, offset, epoch})`
   *   after every acknowledged (re)registration, `onError(err)` when a re-subscription is refused (it then ends).
   */
  subscribe(channel, onMessage, options = {}) {
    if (this.#closed) {
      return Promise.reject(new GatewayError('closed', 'client closed'));
    }
    if (typeof channel !== 'string' || channel.length === 0) {
      return Promise.reject(new TypeError('channel: a non-empty string'));
    }
    let state = this.#channels.get(channel);
    if (!state) {
      state = new ChannelState(channel);
      this.#channels.set(channel, state);
    }
    const sub = new Subscription(this, state, onMessage, options);
    const ready = new Promise((resolve, reject) => {
      sub._settle = { resolve, reject };
    });
    state.subs.add(sub);
    if (state.registered) {
      this.#settle(sub, null);
    } else if (this.#conn && !state.registeringOn) {
      this.#register(this.#conn, state);
    }
    return ready;
  }

  /**
   * Publishes `body` (any JSON value) to every subscriber of `channel` in the cluster, with
   * optional string `headers`. Resolves with the gateway's ack: `{offset, epoch}` on channels with
   * history, `{}` otherwise.
   */
  publish(channel, body, headers) {
    const frame = { type: 'publish', address: channel, body: body === undefined ? null : body };
    if (headers && Object.keys(headers).length > 0) {
      frame.headers = headers;
    }
    return this.#request(frame).then((ack) => {
      const result = {};
      if (ack.offset != null) {
        result.offset = Number(ack.offset);
        result.epoch = ack.epoch;
      }
      return result;
    });
  }

  /**
   * Request/reply: sends `body` point-to-point to one event-bus consumer of `address` and resolves
   * with the body of its reply. Rejects with `timeout`, `no_handlers` or `recipient_failure`
   * (with `failureCode` and `failureType`), `access_denied`, or `disconnected` when the connection
   * is lost before the reply.
   */
  send(address, body, options = {}) {
    const conn = this.#writable();
    if (conn instanceof Error) {
      return Promise.reject(conn);
    }
    const timeoutMs = options.timeoutMs ?? this.#opts.sendTimeoutMs;
    const replyAddress = uuid().slice(0, MAX_REPLY_ADDRESS_LENGTH);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#replies.delete(replyAddress)) {
          this.#expiredReplies.add(replyAddress);
          if (this.#expiredReplies.size > EXPIRED_REPLIES_KEPT) {
            this.#expiredReplies.delete(this.#expiredReplies.values().next().value);
          }
          reject(new GatewayError('timeout', `no reply from ${address} within ${timeoutMs} ms`, { address }));
        }
      }, timeoutMs);
      this.#replies.set(replyAddress, { resolve, reject, timer, conn, address });
      const frame = { type: 'send', address, body: body === undefined ? null : body, replyAddress };
      if (options.headers && Object.keys(options.headers).length > 0) {
        frame.headers = options.headers;
      }
      // with an id a refusal (access_denied...) names this request; its ack, if any, means nothing more
      conn.request(frame, timeoutMs, false).catch((err) => this.#reply(replyAddress, null, err));
    });
  }

  /** The last `limit` (default: all kept) messages of a channel with history: `{offset, epoch, messages}`. */
  history(channel, options = {}) {
    const frame = { type: 'history', address: channel };
    if (options.limit != null) {
      frame.limit = options.limit;
    }
    return this.#request(frame).then((answer) => answer.body);
  }

  /** Who is subscribed to a channel with presence, on every node: `[{client, user, node, info?}]`. */
  presence(channel) {
    return this.#request({ type: 'presence', address: channel }).then((answer) => answer.body.clients);
  }

  /**
   * Refreshes the token of the open connection now, with a token from `getToken()`, without
   * reconnecting (the client also does this by itself at 80–90 % of each token's lifetime).
   * Resolves with `{exp}` (epoch seconds, or null for a token without expiry) on the gateway's ack;
   * rejects with `invalid_token` (the old token stays in force), `rate_limited`, `timeout` or
   * `disconnected`.
   */
  refreshToken() {
    const conn = this.#writable();
    if (conn instanceof Error) {
      return Promise.reject(conn);
    }
    return this.#refresh(conn);
  }

  /** Closes the connection (1000) for good. Resolves once the socket is closed (at most 1 s). */
  close() {
    const conn = this.#conn;
    const opening = this.#opening;
    this.#terminate('closed', 'closed by the application', conn?.url ?? null, 1000);
    const ws = conn?.ws ?? opening;
    if (!ws) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      ws.addEventListener('close', () => {
        clearTimeout(timer);
        resolve();
      });
      try {
        ws.close(1000, 'client closed');
      } catch {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  // ---- internals (used on the single JS thread; `_unsubscribe` is called by Subscription)

  _unsubscribe(sub, state) {
    if (!sub.active) {
      return Promise.resolve();
    }
    sub.active = false;
    state.subs.delete(sub);
    if (state.subs.size > 0 || this.#channels.get(state.name) !== state) {
      return Promise.resolve();
    }
    this.#channels.delete(state.name);
    clearTimeout(state.resyncTimer);
    const conn = this.#conn;
    if (!conn || !(state.registered || state.registeringOn === conn)) {
      return Promise.resolve();
    }
    return conn.request({ type: 'unregister', address: state.name }, this.#opts.requestTimeoutMs).then(() => undefined);
  }

  /** The connection to write on, or the error to reject with. */
  #writable() {
    const conn = this.#conn;
    if (this.#closed) {
      return new GatewayError('closed', 'client closed');
    }
    if (!conn) {
      return new GatewayError('disconnected', 'not connected');
    }
    if ((conn.ws.bufferedAmount ?? 0) > this.#opts.writeQueueMaxBytes) {
      return new GatewayError('write_queue_full', `more than ${this.#opts.writeQueueMaxBytes} bytes waiting to be sent`);
    }
    return conn;
  }

  #request(frame) {
    const conn = this.#writable();
    return conn instanceof Error ? Promise.reject(conn) : conn.request(frame, this.#opts.requestTimeoutMs);
  }

  async #attempt() {
    this.#retryTimer = null;
    if (this.#closed) {
      return;
    }
    const url = this.#urls[this.#urlIndex % this.#urls.length];
    this.#setState({ state: 'connecting', url });
    let token = null;
    try {
      token = this.#getToken ? await this.#getToken() : null;
    } catch (e) {
      this.#scheduleReconnect(url, null, `getToken failed: ${e?.message ?? e}`);
      return;
    }
    if (this.#closed) {
      return;
    }
    let ws;
    try {
      const target = new URL(url);
      if (token != null && token !== '') {
        target.searchParams.set('token', String(token));
      }
      ws = new this.#WebSocket(target.toString());
    } catch (e) {
      this.#scheduleReconnect(url, null, String(e?.message ?? e));
      return;
    }
    this.#opening = ws;
    let conn = null;
    let failure = null;
    ws.addEventListener('open', () => {
      this.#opening = null;
      if (this.#closed) {
        ws.close(1000, 'client closed');
        return;
      }
      conn = new Connection(ws, url, token);
      this.#handleOpen(conn);
    });
    ws.addEventListener('message', (event) => {
      if (conn && this.#conn === conn) {
        conn.lastFrameAt = Date.now();
        this.#handleFrame(conn, event.data);
      }
    });
    ws.addEventListener('error', (event) => {
      failure = event?.message ?? event?.error?.message ?? null; // ws (Node) says why; browsers do not
    });
    ws.addEventListener('close', (event) => {
      if (this.#opening === ws) {
        this.#opening = null;
      }
      if (conn) {
        this.#handleClosed(conn, event.code || 1006, event.reason || failure || '');
        return;
      }
      if (this.#closed) {
        return;
      }
      // the handshake failed; the ws package names the HTTP status, browsers cannot
      const status = /Unexpected server response: (\d+)/.exec(failure ?? '');
      const code = status ? Number(status[1]) : event.code || 1006;
      // 429 (the user is at limits.maxConnectionsPerUser on that node) and 503 are retried with backoff
      if (code === 401 || code === 403) {
        this.#terminate('auth_rejected', `token rejected by ${url} (HTTP ${code})`, url, code);
      } else {
        this.#scheduleReconnect(url, code, failure || event.reason || 'connection failed');
      }
    });
  }

  #handleOpen(conn) {
    this.#conn = conn;
    this.#failedAttempts = 0;
    const interval = this.#opts.pingIntervalMs;
    conn.pingTimer = setInterval(() => {
      if (Date.now() - conn.lastFrameAt > 2 * interval) {
        this.#abandon(conn, 'no answer to pings');
      } else {
        conn.send({ type: 'ping' });
      }
    }, interval);
    this.#setState({ state: 'connected', url: conn.url });
    for (const state of this.#channels.values()) {
      this.#register(conn, state);
    }
    this.#scheduleRefresh(conn, null);
    this.#readyResolve();
  }

  /** Arms the connection's next refresh: after `delayMs`, or at 80–90 % of its token's lifetime. */
  #scheduleRefresh(conn, delayMs) {
    clearTimeout(conn.refreshTimer);
    conn.refreshTimer = null;
    if (!conn.lifetime || this.#conn !== conn) {
      return;
    }
    const delay = delayMs ?? refreshDelay(conn.lifetime, Date.now(), this.#random);
    conn.refreshTimer = setTimeout(() => {
      conn.refreshTimer = null;
      if (this.#conn !== conn) {
        return;
      }
      this.#refresh(conn).catch((err) => {
        if (this.#conn !== conn) {
          return;
        }
        this.#emitError(err);
        const retry = refreshRetryDelay(++conn.refreshFailures, conn.lifetime, Date.now());
        if (retry >= 0 && !conn.refreshTimer) {
          this.#scheduleRefresh(conn, retry);
        }
      });
    }, Math.max(1, delay));
  }

  /** Sends `{"type":"refresh","token":T}` with a token from getToken(); the ack schedules the next one. */
  async #refresh(conn) {
    if (!this.#getToken) {
      throw new GatewayError('invalid_token', 'no getToken or token option to refresh with');
    }
    const token = await this.#getToken();
    if (this.#conn !== conn) {
      throw new GatewayError('disconnected', `connection to ${conn.url} lost`);
    }
    const ack = await conn.request({ type: 'refresh', token }, this.#opts.requestTimeoutMs);
    if (this.#conn === conn) {
      const fromToken = tokenLifetime(token);
      conn.lifetime = ack.exp != null ? lifetimeOf(ack.exp, fromToken?.issuedAt, Date.now()) : fromToken;
      conn.refreshFailures = 0;
      this.#scheduleRefresh(conn, null);
    }
    return { exp: ack.exp ?? null };
  }

  /** A silent connection: drop it without waiting for a close handshake that may never come. */
  #abandon(conn, reason) {
    try {
      conn.ws.close(4000, 'abandoned by the client');
    } catch {
      // already closing
    }
    this.#handleClosed(conn, 1006, reason);
  }

  #register(conn, state) {
    state.registeringOn = conn;
    const frame = { type: 'register', address: state.name };
    const since = state.sinceHeaders();
    if (since) {
      frame.headers = since;
    }
    conn.call(frame, this.#opts.requestTimeoutMs, (ack) => {
      if (this.#conn !== conn || this.#channels.get(state.name) !== state) {
        return; // connection lost meanwhile (registered again on the next one) or unsubscribed
      }
      state.registeringOn = null;
      state.registered = true;
      state.positionFromAck(ack);
      const info = { recovered: state.recovered, offset: state.offset, epoch: state.epoch };
      for (const sub of state.subs) {
        this.#settle(sub, null);
        if (typeof sub.options.onSubscribed === 'function') {
          callEach([sub.options.onSubscribed], info, (e) => this.#emitError(e));
        }
      }
    }, (err) => {
      if (this.#conn !== conn || this.#channels.get(state.name) !== state) {
        return;
      }
      if (err.code === 'timeout' || err.code === 'internal_error') {
        this.#abandon(conn, `subscription to ${state.name} not answered: ${err.code}`); // retried on the next connection
        return;
      }
      this.#channels.delete(state.name);
      for (const sub of state.subs) {
        sub.active = false;
        if (!this.#settle(sub, err)) {
          if (typeof sub.options.onError === 'function') {
            callEach([sub.options.onError], err, (e) => this.#emitError(e));
          } else {
            this.#emitError(err); // a re-subscription after reconnect was refused
          }
        }
      }
    });
  }

  /** Resolves (or rejects) a subscription's promise; false when it was settled before. */
  #settle(sub, error) {
    const settle = sub._settle;
    if (!settle) {
      return false;
    }
    sub._settle = null;
    if (error) {
      settle.reject(error);
    } else {
      settle.resolve(sub);
    }
    return true;
  }

  #handleFrame(conn, data) {
    let frame;
    try {
      frame = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;
    }
    if (frame === null || typeof frame !== 'object') {
      return;
    }
    switch (frame.type) {
      case 'rec':
        if (this.#replies.has(frame.address)) {
          this.#reply(frame.address, frame.body, null);
        } else if (!this.#expiredReplies.delete(frame.address)) {
          this.#deliver(conn, frame);
        }
        break;
      case 'ack':
      case 'history':
      case 'presence':
        if (frame.id != null) {
          conn.answer(frame.id, frame, null);
        } else {
          this.#deliverEvent(frame); // a future event type
        }
        break;
      case 'join':
      case 'leave':
        this.#deliverEvent(frame);
        break;
      case 'err':
        this.#handleErr(conn, frame);
        break;
      default:
        break; // pong and future frame types: liveness only
    }
  }

  #handleErr(conn, frame) {
    const address = frame.address;
    const failureType = frame.failureType;
    const code = typeof frame.body === 'string' ? frame.body
      : failureType ? String(failureType).toLowerCase() : 'error';
    const reply = address == null ? undefined : this.#replies.get(address);
    const shown = reply ? reply.address : address; // a reply address means nothing to the application
    const details = { address: shown };
    if (frame.failureCode != null) details.failureCode = frame.failureCode;
    if (failureType != null) details.failureType = failureType;
    const error = new GatewayError(code, `${frame.message ?? 'refused'}${shown ? ` (${shown})` : ''}`, details);
    if (conn.answer(frame.id, null, error)) {
      return;
    }
    if (code === INSUFFICIENT_STATE && frame.id == null && typeof address === 'string' && !reply) {
      const state = this.#channels.get(address);
      if (state && state.registered) {
        this.#resubscribe(conn, state, false); // the gateway already ended the subscription
      }
      return; // otherwise a registration is under way, or the channel is no longer wanted
    }
    if (code === 'access_denied' && frame.id == null && typeof address === 'string' && !reply
      && this.#channels.has(address)) {
      this.#endChannel(address, error); // a refreshed token no longer allows it: the gateway ended it
      return;
    }
    if (reply) {
      this.#reply(address, null, error);
      return;
    }
    if (address != null && this.#expiredReplies.delete(address)) {
      return; // the gateway's answer to a send that timed out here
    }
    this.#emitError(error);
  }

  /** The gateway ended a subscription for good: its subscriptions end with `error` (onError, else 'error'). */
  #endChannel(channel, error) {
    const state = this.#channels.get(channel);
    this.#channels.delete(channel);
    clearTimeout(state.resyncTimer);
    for (const sub of state.subs) {
      sub.active = false;
      if (!this.#settle(sub, error)) {
        if (typeof sub.options.onError === 'function') {
          callEach([sub.options.onError], error, (e) => this.#emitError(e));
        } else {
          this.#emitError(error);
        }
      }
    }
  }

  #reply(replyAddress, body, error) {
    const r = this.#replies.get(replyAddress);
    if (!r) {
      return;
    }
    this.#replies.delete(replyAddress);
    clearTimeout(r.timer);
    if (error) {
      r.reject(error);
    } else {
      r.resolve(body);
    }
  }

  #deliver(conn, frame) {
    const state = this.#channels.get(frame.address);
    if (!state || !state.registered) {
      return; // not subscribed, or waiting for a (re-)registration's ack
    }
    const headers = frame.headers && typeof frame.headers === 'object' ? frame.headers : {};
    const verdict = state.accept(headers);
    if (verdict === 'duplicate') {
      return; // already delivered (a recovery overlapping live messages)
    }
    if (verdict === 'gap') {
      this.#resubscribe(conn, state, true);
      return;
    }
    const message = { channel: frame.address, body: frame.body, headers };
    if (state.positioned && headers.offset != null) {
      message.offset = Number(headers.offset);
      message.epoch = headers.epoch;
    }
    for (const sub of [...state.subs]) {
      if (sub.active && typeof sub.onMessage === 'function') {
        callEach([sub.onMessage], message, (e) => this.#emitError(e));
      }
    }
  }

  /**
   * Registers a registered channel again with the `since.*` headers of its last delivered message,
   * after an `unregister` when the gateway still holds the subscription; its messages are dropped
   * until the ack. A re-subscription that follows another one without a message delivered in
   * between waits a backoff delay first.
   */
  #resubscribe(conn, state, unregister) {
    state.registered = false;
    const n = ++state.resyncs;
    if (unregister) {
      conn.request({ type: 'unregister', address: state.name }, this.#opts.requestTimeoutMs).catch(() => {});
    }
    if (n === 1) {
      this.#register(conn, state);
      return;
    }
    const delayMs = backoffDelay(n - 1, this.#opts.minReconnectDelayMs, this.#opts.maxReconnectDelayMs, this.#random);
    state.resyncTimer = setTimeout(() => {
      state.resyncTimer = null;
      if (this.#conn === conn && this.#channels.get(state.name) === state && !state.registered && !state.registeringOn) {
        this.#register(conn, state);
      }
    }, delayMs);
  }

  #deliverEvent(frame) {
    const state = this.#channels.get(frame.address);
    if (!state || !state.registered) {
      return;
    }
    const key = frame.type === 'join' ? 'onJoin' : frame.type === 'leave' ? 'onLeave' : null;
    for (const sub of [...state.subs]) {
      const fn = key && sub.active ? sub.options[key] : null;
      if (typeof fn === 'function') {
        callEach([fn], frame.body, (e) => this.#emitError(e));
      }
    }
  }

  #handleClosed(conn, code, reason) {
    if (this.#conn !== conn) {
      return;
    }
    this.#conn = null;
    clearInterval(conn.pingTimer);
    clearTimeout(conn.refreshTimer);
    const lost = new GatewayError('disconnected', `connection to ${conn.url} lost`);
    conn.failPending(lost);
    for (const [address, r] of [...this.#replies]) {
      if (r.conn === conn) {
        this.#reply(address, null, lost);
      }
    }
    for (const state of this.#channels.values()) {
      state.registered = false;
      state.registeringOn = null;
    }
    if (this.#closed) {
      return;
    }
    this.#setState({ state: 'disconnected', url: conn.url, code, reason });
    if (isTerminalCloseCode(code)) {
      this.#terminate('closed', `closed by the gateway: ${code} ${reason}`, conn.url, code);
    } else {
      this.#scheduleReconnect(conn.url, code, reason);
    }
  }

  #scheduleReconnect(url, code, reason) {
    this.#failedAttempts++;
    if (this.#failedAttempts > this.#opts.maxReconnectAttempts) {
      this.#terminate('unreachable', `no node reachable (last: ${url}: ${reason})`, url, code);
      return;
    }
    this.#urlIndex++; // round-robin: the next attempt goes to the next node
    const delayMs = backoffDelay(this.#failedAttempts, this.#opts.minReconnectDelayMs,
      this.#opts.maxReconnectDelayMs, this.#random);
    const next = this.#urls[this.#urlIndex % this.#urls.length];
    this.#retryTimer = setTimeout(() => this.#attempt(), delayMs); // before the listeners: one may close()
    this.#setState({ state: 'reconnecting', url: next, code, reason, delayMs });
  }

  #terminate(errorCode, reason, url, code) {
    if (this.#closed) {
      return;
    }
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const conn = this.#conn;
    const error = new GatewayError(errorCode, reason);
    if (conn) {
      this.#conn = null;
      clearInterval(conn.pingTimer);
      clearTimeout(conn.refreshTimer);
      conn.failPending(new GatewayError('closed', reason));
    }
    for (const address of [...this.#replies.keys()]) {
      this.#reply(address, null, new GatewayError('closed', reason));
    }
    for (const state of this.#channels.values()) {
      clearTimeout(state.resyncTimer);
      for (const sub of state.subs) {
        this.#settle(sub, error);
      }
    }
    this.#readyReject(error);
    this.#setState({ state: 'closed', url, code, reason });
  }

  #setState(change) {
    this.#state = change.state;
    const event = { state: change.state, url: change.url ?? null };
    for (const key of ['code', 'reason', 'delayMs']) {
      if (change[key] != null) event[key] = change[key];
    }
    callEach(this.#listeners.state, event, (e) => this.#emitError(e));
  }

  #emitError(error) {
    if (this.#listeners.error.size === 0) {
      console.error('pubsub-gateway:', error);
      return;
    }
    for (const fn of [...this.#listeners.error]) {
      try {
        fn(error);
      } catch (e) {
        console.error('pubsub-gateway: error listener threw', e);
      }
    }
  }
}
