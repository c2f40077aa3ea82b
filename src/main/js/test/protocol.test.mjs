// The SDK against a fake in-process gateway (a ws server on 127.0.0.1 that answers like the
// gateway): exact frames of request/reply, recovery headers and duplicate drop, continuity
// (insufficient_state, offset gaps, epoch changes), close codes, refused handshakes, rotation over
// URLs, liveness. Fast and deterministic; the real gateway is in the other files.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import {
  backoffDelay, connect, isTerminalCloseCode, refreshDelay, refreshRetryDelay, tokenLifetime,
} from '../pubsub-gateway.mjs';
import { freePort, Recorder, sleep, until } from '../testkit.mjs';

/** A ws server on loopback; `onFrame(frame, socket, fake)` answers each parsed client frame. */
class FakeGateway {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.frames = [];
    this.tokens = [];
    this.sockets = [];
    this.handshakes = 0;
    this.refusals = 0;
    this.refusalStatus = 503;
  }

  /** Refuses the next `count` handshakes with HTTP `status`. */
  refuse(count, status) {
    this.refusals = count;
    this.refusalStatus = status;
  }

  async start() {
    const verifyClient = (info, done) => {
      this.handshakes++;
      if (this.refusals > 0) {
        this.refusals--;
        done(false, this.refusalStatus);
      } else {
        done(true);
      }
    };
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient });
    await new Promise((resolve) => this.server.once('listening', resolve));
    this.url = `ws://127.0.0.1:${this.server.address().port}/ws`;
    this.server.on('connection', (socket, request) => {
      this.tokens.push(new URL(request.url, 'http://x').searchParams.get('token'));
      this.sockets.push(socket);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data));
        this.frames.push(frame);
        this.onFrame(frame, socket, this);
      });
    });
    return this;
  }

  /** Client frames of `type`. */
  sent(type) {
    return this.frames.filter((f) => f.type === type);
  }

  /** The types of the client frames other than pings, in order. */
  types() {
    return this.frames.map((f) => f.type).filter((t) => t !== 'ping');
  }

  close() {
    for (const s of this.server.clients) s.terminate();
    return new Promise((resolve) => this.server.close(resolve));
  }
}

const send = (socket, frame) => socket.send(JSON.stringify(frame));

/** Answers register/unregister/publish with an ack and ping with pong, like the gateway. */
function acking(frame, socket) {
  if (frame.type === 'ping') {
    send(socket, { type: 'pong' });
  } else if (['register', 'unregister', 'publish'].includes(frame.type) && frame.id != null) {
    send(socket, { type: 'ack', id: frame.id, address: frame.address });
  }
}

/** A message id like the gateway's (12 hex characters), derived from the position for the assertions. */
const mid = (epoch, offset) => `${epoch}${offset.toString(16).padStart(10, '0')}`;

/** A message of channel h.c at `offset` in `epoch`, with its mid; the body names its position. */
const rec = (socket, offset, epoch) => send(socket, {
  type: 'rec', address: 'h.c', body: `${epoch}:${offset}`, headers: { offset: String(offset), epoch, mid: mid(epoch, offset) },
});

/** The ack of a register on a history channel: the stream's top with its mid, `recovered` when asked. */
const registerAck = (socket, frame, top, epoch, recovered = null) => send(socket, {
  type: 'ack', id: frame.id, address: frame.address, offset: top, epoch, mid: mid(epoch, top),
  ...(recovered == null ? {} : { recovered }),
});

const insufficientState = (socket) => send(socket, {
  type: 'err', body: 'insufficient_state', address: 'h.c', message: 'stream continuity not proven',
});

const since = (offset, epoch) => ({ 'since.offset': String(offset), 'since.epoch': epoch, 'since.mid': mid(epoch, offset) });

/** True (after acking it) for the publish of "go": the script's cue, once the test's handlers are in place. */
function cued(frame, socket) {
  if (frame.type === 'publish' && frame.body === 'go') {
    send(socket, { type: 'ack', id: frame.id, address: frame.address });
    return true;
  }
  return false;
}

describe('against a fake gateway', () => {
  const open = [];

  after(async () => {
    await Promise.all(open.map((o) => o.close()));
  });

  async function fake(onFrame = acking) {
    const f = await new FakeGateway(onFrame).start();
    open.push(f);
    return f;
  }

  function client(urls, options = {}) {
    let n = 0;
    const c = connect({
      urls, WebSocket, getToken: () => `token-${++n}`, minReconnectDelayMs: 20, maxReconnectDelayMs: 40, ...options,
    });
    open.push(c);
    return c;
  }

  test('send: the exact frame, the reply matched by its reply address, out of order', async () => {
    const gw = await fake((frame, socket) => {
      if (frame.type === 'send') {
        frame.body.n === 1 ? setTimeout(() => send(socket, { type: 'rec', address: frame.replyAddress, body: 'one' }), 50)
          : send(socket, { type: 'rec', address: frame.replyAddress, body: { echo: frame.body } });
      }
    });
    const c = client([gw.url]);
    await c.ready;
    const first = c.send('backend.echo', { n: 1 });
    const second = c.send('backend.echo', { n: 2 }, { headers: { trace: 't' } });
    assert.deepEqual(await second, { echo: { n: 2 } });
    assert.equal(await first, 'one');
    const [f1, f2] = gw.sent('send');
    assert.deepEqual(Object.keys(f1).sort(), ['address', 'body', 'id', 'replyAddress', 'type']);
    assert.equal(f1.address, 'backend.echo');
    assert.ok(f1.replyAddress.length <= 36 && f1.replyAddress !== f2.replyAddress, f1.replyAddress);
    assert.match(f1.replyAddress, /^[0-9a-f-]{36}$/);
    assert.deepEqual(f2.headers, { trace: 't' });
  });

  test('send: failures, refusals, timeout and a lost connection reject with their codes', async () => {
    const gw = await fake((frame, socket) => {
      if (frame.type !== 'send') return;
      if (frame.address === 'nobody') {
        send(socket, { type: 'err', address: frame.replyAddress, failureCode: -1, failureType: 'NO_HANDLERS', message: 'No handlers' });
      } else if (frame.address === 'failing') {
        send(socket, { type: 'err', address: frame.replyAddress, failureCode: 42, failureType: 'RECIPIENT_FAILURE', message: 'boom' });
      } else if (frame.address === 'secret') {
        send(socket, { type: 'err', body: 'access_denied', address: frame.address, id: frame.id, message: 'send not allowed' });
      } else if (frame.address === 'drop') {
        socket.close(1001, 'going away');
      } // 'silent': no answer
    });
    const c = client([gw.url]);
    await c.ready;
    await assert.rejects(c.send('nobody', 1), { code: 'no_handlers', failureCode: -1, failureType: 'NO_HANDLERS' });
    await assert.rejects(c.send('failing', 1), { code: 'recipient_failure', failureCode: 42, address: 'failing', message: 'recipient_failure: boom (failing)' });
    await assert.rejects(c.send('secret', 1), { code: 'access_denied', address: 'secret' });
    await assert.rejects(c.send('silent', 1, { timeoutMs: 100 }), { code: 'timeout' });
    await assert.rejects(c.send('drop', 1), { code: 'disconnected' });
    await until('reconnected', () => c.state === 'connected');
    await assert.rejects(client([gw.url]).send('x', 1), { code: 'disconnected' }, 'nothing is buffered before the connection');
  });

  test('messages at or before the last offset are dropped; a reconnect asks for recovery with since headers', async () => {
    let connection = 0;
    const gw = await fake((frame, socket) => {
      if (frame.type !== 'register') return acking(frame, socket);
      connection++;
      const rec = (offset, epoch = 'e1') => send(socket, { type: 'rec', address: 'h.c', body: offset, headers: { offset: String(offset), epoch } });
      if (connection === 1) {
        send(socket, { type: 'ack', id: frame.id, address: 'h.c', offset: 5, epoch: 'e1' });
        [6, 7, 6, 8].forEach((o) => rec(o)); // same read as the ack: must not be lost
        setTimeout(() => socket.close(1001, 'node shutting down'), 50);
      } else if (connection === 2) {
        send(socket, { type: 'ack', id: frame.id, address: 'h.c', offset: 10, epoch: 'e1', recovered: true });
        [7, 9, 10, 10, 11].forEach((o) => rec(o));
        setTimeout(() => socket.close(4003, 'slow consumer'), 50);
      } else {
        send(socket, { type: 'ack', id: frame.id, address: 'h.c', offset: 2, epoch: 'e2', recovered: false });
        [1, 2, 3].forEach((o) => rec(o, 'e2'));
      }
    });
    const rec = new Recorder();
    const infos = [];
    const c = client([gw.url]);
    const sub = await c.subscribe('h.c', rec.onMessage, { onSubscribed: (i) => infos.push(i) });
    await rec.received(7);
    assert.deepEqual(rec.messages.map((m) => `${m.epoch}:${m.offset}`), ['e1:6', 'e1:7', 'e1:8', 'e1:9', 'e1:10', 'e1:11', 'e2:3']);
    const registers = gw.sent('register');
    assert.equal(registers[0].headers, undefined);
    assert.deepEqual(registers[1].headers, { 'since.offset': '8', 'since.epoch': 'e1' });
    assert.deepEqual(registers[2].headers, { 'since.offset': '11', 'since.epoch': 'e1' });
    assert.deepEqual(infos, [
      { recovered: null, offset: 5, epoch: 'e1' },
      { recovered: true, offset: 8, epoch: 'e1' },
      { recovered: false, offset: 2, epoch: 'e2' },
    ]);
    assert.deepEqual([sub.recovered, sub.offset, sub.epoch], [false, 3, 'e2']);
  });

  for (const complete of [true, false]) {
    test(`insufficient_state: one register again from the last message, no unregister (recovered: ${complete})`, async () => {
      let registers = 0;
      const gw = await fake((frame, socket) => {
        if (cued(frame, socket)) {
          rec(socket, 6, 'e1');
          rec(socket, 7, 'e1');
          insufficientState(socket); // the gateway ended the subscription
        } else if (frame.type === 'register' && ++registers === 1) {
          registerAck(socket, frame, 5, 'e1');
        } else if (frame.type === 'register') {
          registerAck(socket, frame, 9, 'e1', complete);
          if (complete) rec(socket, 8, 'e1');
          rec(socket, 9, 'e1'); // without 8 when it left the history: recovered false
          rec(socket, 10, 'e1');
        } else {
          acking(frame, socket);
        }
      });
      const r = new Recorder();
      const infos = [];
      const c = r.watch(client([gw.url]));
      const sub = await c.subscribe('h.c', r.onMessage, { onSubscribed: (i) => infos.push(i) });
      await c.publish('control', 'go');
      const expected = complete ? ['e1:6', 'e1:7', 'e1:8', 'e1:9', 'e1:10'] : ['e1:6', 'e1:7', 'e1:9', 'e1:10'];
      await r.received(expected.length, 5000);
      await sleep(150);
      assert.deepEqual(r.bodies(), expected);
      assert.deepEqual(gw.types(), ['register', 'publish', 'register'], 'exactly one register again, no unregister');
      assert.equal(gw.sent('register')[0].headers, undefined);
      assert.deepEqual(gw.sent('register')[1].headers, since(7, 'e1'));
      assert.deepEqual(infos, [{ recovered: null, offset: 5, epoch: 'e1' }, { recovered: complete, offset: 7, epoch: 'e1' }]);
      assert.deepEqual([sub.recovered, sub.offset, sub.epoch], [complete, 10, 'e1']);
      assert.deepEqual(r.errors, [], 'handled, not an error for the application');
    });
  }

  test('a gap in the offsets: unregister, register from the last message delivered; nothing out of order', async () => {
    let registers = 0;
    const gw = await fake((frame, socket) => {
      if (cued(frame, socket)) {
        rec(socket, 6, 'e1');
        rec(socket, 8, 'e1'); // 7 missing: not delivered
        rec(socket, 9, 'e1'); // live, before the new ack: dropped
      } else if (frame.type === 'register' && ++registers === 1) {
        registerAck(socket, frame, 5, 'e1');
      } else if (frame.type === 'register') {
        registerAck(socket, frame, 9, 'e1', true);
        [7, 8, 9, 10].forEach((o) => rec(socket, o, 'e1'));
      } else {
        acking(frame, socket);
      }
    });
    const r = new Recorder();
    const infos = [];
    const c = r.watch(client([gw.url]));
    const sub = await c.subscribe('h.c', r.onMessage, { onSubscribed: (i) => infos.push(i) });
    await c.publish('control', 'go');
    await r.received(5, 5000);
    await sleep(150);
    assert.deepEqual(r.bodies(), ['e1:6', 'e1:7', 'e1:8', 'e1:9', 'e1:10'], 'in order, once each');
    assert.deepEqual(gw.types(), ['register', 'publish', 'unregister', 'register']);
    assert.equal(gw.sent('unregister')[0].address, 'h.c');
    assert.deepEqual(gw.sent('register')[1].headers, since(6, 'e1'));
    assert.deepEqual(infos.map((i) => i.recovered), [null, true]);
    assert.equal(sub.offset, 10);
    assert.deepEqual(r.errors, []);
  });

  test('another epoch: unregister, register from the last message delivered, the loss reported', async () => {
    let registers = 0;
    const gw = await fake((frame, socket) => {
      if (cued(frame, socket)) {
        rec(socket, 6, 'e1');
        rec(socket, 1, 'e2'); // the stream restarted: not delivered
        rec(socket, 2, 'e2');
      } else if (frame.type === 'register' && ++registers === 1) {
        registerAck(socket, frame, 5, 'e1');
      } else if (frame.type === 'register') {
        registerAck(socket, frame, 2, 'e2', false); // another epoch: nothing replayed, from the top on
        rec(socket, 3, 'e2');
      } else {
        acking(frame, socket);
      }
    });
    const r = new Recorder();
    const infos = [];
    const c = r.watch(client([gw.url]));
    const sub = await c.subscribe('h.c', r.onMessage, { onSubscribed: (i) => infos.push(i) });
    await c.publish('control', 'go');
    await r.received(2, 5000);
    await sleep(150);
    assert.deepEqual(r.bodies(), ['e1:6', 'e2:3']);
    assert.deepEqual(gw.types(), ['register', 'publish', 'unregister', 'register']);
    assert.deepEqual(gw.sent('register')[1].headers, since(6, 'e1'));
    assert.deepEqual(infos[1], { recovered: false, offset: 2, epoch: 'e2' });
    assert.deepEqual([sub.recovered, sub.offset, sub.epoch], [false, 3, 'e2']);
  });

  test('insufficient_state again before any message: the next register waits a backoff delay, from the ack\'s mid', async () => {
    const registeredAt = [];
    const gw = await fake((frame, socket) => {
      if (cued(frame, socket)) {
        insufficientState(socket);
      } else if (frame.type === 'register') {
        registeredAt.push(Date.now());
        registerAck(socket, frame, 5, 'e1', registeredAt.length === 1 ? null : true);
        if (registeredAt.length === 2) insufficientState(socket);
        if (registeredAt.length === 3) rec(socket, 6, 'e1');
      } else {
        acking(frame, socket);
      }
    });
    const r = new Recorder();
    const c = r.watch(client([gw.url], { minReconnectDelayMs: 400, maxReconnectDelayMs: 400, random: () => 1 }));
    await c.subscribe('h.c', r.onMessage);
    await c.publish('control', 'go');
    await r.received(1, 5000);
    await sleep(150);
    assert.equal(registeredAt.length, 3);
    assert.ok(registeredAt[2] - registeredAt[1] >= 350, `waited ${registeredAt[2] - registeredAt[1]} ms`);
    assert.deepEqual(gw.sent('register')[1].headers, since(5, 'e1'), 'the position of the ack, with its mid');
    assert.deepEqual(gw.sent('register')[2].headers, since(5, 'e1'));
  });

  test('close 4005 (cluster quorum lost): reconnect to the next URL and recover', async () => {
    const isolated = await fake((frame, socket) => {
      if (cued(frame, socket)) {
        rec(socket, 6, 'e1');
        socket.close(4005, 'cluster quorum lost');
      } else if (frame.type === 'register') {
        registerAck(socket, frame, 5, 'e1');
      } else {
        acking(frame, socket);
      }
    });
    const healthy = await fake((frame, socket) => {
      if (frame.type === 'register') {
        registerAck(socket, frame, 7, 'e1', true);
        rec(socket, 7, 'e1');
      } else {
        acking(frame, socket);
      }
    });
    const r = new Recorder();
    const infos = [];
    const c = r.watch(client([isolated.url, healthy.url]));
    await c.subscribe('h.c', r.onMessage, { onSubscribed: (i) => infos.push(i) });
    await c.publish('control', 'go');
    await r.received(2, 5000);
    assert.deepEqual(r.bodies(), ['e1:6', 'e1:7']);
    assert.equal(c.url, healthy.url);
    assert.deepEqual(healthy.sent('register')[0].headers, since(6, 'e1'));
    assert.equal(infos[1].recovered, true);
    const from = r.states.findIndex((s) => s.state === 'disconnected');
    assert.deepEqual(r.states.slice(from).map((s) => [s.state, s.code ?? null]),
      [['disconnected', 4005], ['reconnecting', 4005], ['connecting', null], ['connected', null]]);
    assert.equal(r.states[from].reason, 'cluster quorum lost');
    assert.equal(r.states.at(-1).url, healthy.url);
  });

  test('a handshake refused with HTTP 503 is retried with backoff', async () => {
    const gw = await fake();
    gw.refuse(2, 503);
    const r = new Recorder();
    const c = r.watch(client([gw.url]));
    await c.ready;
    assert.equal(gw.handshakes, 3);
    assert.deepEqual(r.states.map((s) => [s.state, s.code ?? null]), [
      ['connecting', null], ['reconnecting', 503], ['connecting', null], ['reconnecting', 503], ['connecting', null], ['connected', null],
    ]);
  });

  test('rotation over the URLs with a fresh token per attempt; a terminal code stops reconnecting', async () => {
    const gw = await fake((frame, socket) => {
      acking(frame, socket);
      if (frame.type === 'publish' && frame.body === 'expire') socket.close(4001, 'token expired');
      if (frame.type === 'publish' && frame.body === 'ban') socket.close(4501, 'disconnected by server');
    });
    const dead = `ws://127.0.0.1:${await freePort()}/ws`;
    const rec = new Recorder();
    const c = rec.watch(client([dead, gw.url]));
    await c.ready;
    assert.deepEqual(rec.states.map((s) => `${s.state}@${s.url === dead ? 'dead' : 'gw'}`),
      ['connecting@dead', 'reconnecting@gw', 'connecting@gw', 'connected@gw']);
    assert.equal(rec.states[1].code, 1006);
    assert.ok(rec.states[1].delayMs >= 0 && rec.states[1].delayMs <= 20, `${rec.states[1].delayMs}`);
    assert.deepEqual(gw.tokens, ['token-2'], 'the token of the second attempt');

    await c.publish('x', 'expire').catch(() => {});
    await until('back on gw', () => gw.tokens.length === 2 && c.state === 'connected', 5000);
    assert.equal(gw.tokens[1], 'token-4', 'a fresh token after 4001 (one attempt on the dead node before)');
    const count = rec.states.length;
    await c.publish('x', 'ban').catch(() => {});
    await until('closed', () => c.state === 'closed');
    await sleep(200);
    assert.deepEqual(rec.states.slice(count).map((s) => [s.state, s.code]), [['disconnected', 4501], ['closed', 4501]]);
    assert.equal(gw.tokens.length, 2, 'no attempt after 4501');
  });

  test('pings every interval; a connection silent for two intervals is dropped and replaced', async () => {
    const gw = await fake(() => {}); // answers nothing, not even pongs
    const rec = new Recorder();
    const c = rec.watch(client([gw.url], { pingIntervalMs: 100 }));
    await c.ready;
    await until('dropped', () => rec.states.some((s) => s.state === 'disconnected'), 5000);
    assert.ok(gw.sent('ping').length >= 1, 'pinged before giving up');
    assert.deepEqual(gw.sent('ping')[0], { type: 'ping' });
    assert.equal(rec.states.find((s) => s.state === 'disconnected').reason, 'no answer to pings');
    await until('connected again', () => gw.tokens.length === 2);
  });

  /** An unsigned JWT-shaped token of `user` (the fake does not verify) living `ttlS` seconds from now. */
  function jwt(user, ttlS, n = 0) {
    const now = Math.floor(Date.now() / 1000);
    const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${part({ alg: 'HS256' })}.${part({ sub: user, iat: now, exp: now + ttlS, n })}.sig`;
  }

  test('refresh: the exact frame at 80-90 % of the lifetime, the next one from the ack\'s exp, no reconnect', async () => {
    const gw = await fake((frame, socket) => {
      acking(frame, socket);
      if (frame.type === 'refresh') {
        send(socket, { type: 'ack', id: frame.id, exp: Math.floor(Date.now() / 1000) + 2 });
      }
    });
    let n = 0;
    const tokens = [];
    const rec = new Recorder();
    const c = rec.watch(client([gw.url], { getToken: () => { tokens.push(jwt('alice', 2, ++n)); return tokens.at(-1); } }));
    await c.ready;
    await until('first refresh', () => gw.sent('refresh').length === 1, 5000, 5);
    const iatMs = tokenLifetime(tokens[0]).issuedAt * 1000;
    const after = Date.now() - iatMs;
    assert.ok(after >= 1600 - 10 && after < 1800 + 300, `refreshed ${after} ms after the iat of a 2 s token`);
    assert.deepEqual(gw.sent('refresh')[0], { type: 'refresh', token: tokens[1], id: gw.sent('refresh')[0].id });
    await until('second refresh', () => gw.sent('refresh').length === 2, 5000);
    assert.equal(gw.handshakes, 1, 'never reconnected');
    assert.deepEqual(rec.states.map((s) => s.state), ['connecting', 'connected']);
    assert.deepEqual(await c.refreshToken(), { exp: Math.floor(Date.now() / 1000) + 2 });
    assert.equal(gw.sent('refresh').length, 3);
  });

  test('refresh: invalid_token keeps the connection and is retried a bit later, each failure reported', async () => {
    let refusals = 2;
    const gw = await fake((frame, socket) => {
      acking(frame, socket);
      if (frame.type === 'refresh') {
        if (refusals-- > 0) {
          send(socket, { type: 'err', body: 'invalid_token', id: frame.id, message: 'invalid token: bad signature' });
        } else {
          send(socket, { type: 'ack', id: frame.id, exp: Math.floor(Date.now() / 1000) + 600 });
        }
      }
    });
    const errors = [];
    let n = 0;
    const c = client([gw.url], { getToken: () => jwt('alice', 2, ++n) });
    c.on('error', (e) => errors.push(e.code));
    await c.ready;
    await until('three refreshes', () => gw.sent('refresh').length === 3, 8000);
    assert.deepEqual(errors, ['invalid_token', 'invalid_token']);
    assert.equal(gw.handshakes, 1);
    await sleep(300);
    assert.equal(gw.sent('refresh').length, 3, 'accepted: the next one is due in minutes');
    await assert.rejects(() => client([gw.url], { token: 'x' }).refreshToken(), { code: 'disconnected' });
  });

  test('access_denied without id after a refresh ends the subscription (onError), others stay', async () => {
    const gw = await fake((frame, socket) => {
      acking(frame, socket);
      if (frame.type === 'publish' && frame.body === 'narrow') {
        send(socket, { type: 'err', body: 'access_denied', address: 'news.b', message: 'subscription ended' });
      }
    });
    const c = client([gw.url]);
    await c.ready;
    const ended = [];
    await c.subscribe('news.b', () => {}, { onError: (e) => ended.push([e.code, e.address]) });
    const kept = new Recorder();
    await c.subscribe('chat.a', kept.onMessage);
    await c.publish('x', 'narrow');
    await until('ended', () => ended.length === 1);
    assert.deepEqual(ended, [['access_denied', 'news.b']]);
    send(gw.sockets[0], { type: 'rec', address: 'chat.a', body: 1 });
    await kept.received(1);
  });

  test('a handshake refused with HTTP 429 (user at its connection limit) is retried with backoff', async () => {
    const gw = await fake();
    gw.refuse(2, 429);
    const r = new Recorder();
    const c = r.watch(client([gw.url]));
    await c.ready;
    assert.equal(gw.handshakes, 3);
    assert.deepEqual(r.states.map((s) => [s.state, s.code ?? null]), [
      ['connecting', null], ['reconnecting', 429], ['connecting', null], ['reconnecting', 429], ['connecting', null], ['connected', null],
    ]);
  });

  test('refresh schedule: lifetime from the payload, 80-90 %, a floor of a tenth, bounded retries', () => {
    const now = 1_700_000_000_000;
    const s = now / 1000;
    const part = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
    assert.deepEqual(tokenLifetime(`x.${part({ iat: s - 10, exp: s + 590, sub: '??>>ü' })}.y`, now), { issuedAt: s - 10, expiresAt: s + 590 });
    assert.deepEqual(tokenLifetime(`x.${part({ exp: s + 60 })}.y`, now), { issuedAt: s, expiresAt: s + 60 });
    for (const bad of ['', 'a.b', 'a.b.c.d', `x.${part({ iat: s })}.y`, `x.${part({ exp: 'soon' })}.y`, 'x.!!.y', null]) {
      assert.equal(tokenLifetime(bad, now), null, String(bad));
    }
    const hour = { issuedAt: s, expiresAt: s + 3600 };
    assert.equal(refreshDelay(hour, now, () => 0), 2_880_000);
    assert.equal(refreshDelay(hour, now, () => 0.5), 3_060_000);
    assert.equal(refreshDelay(hour, now + 1_000_000, () => 0), 1_880_000);
    assert.equal(refreshDelay({ issuedAt: s, expiresAt: s + 60 }, now + 3_600_000, () => 0.5), 6000);
    assert.deepEqual([1, 2, 5, 6].map((a) => refreshRetryDelay(a, hour, now)), [1000, 2000, 16_000, -1]);
    assert.equal(refreshRetryDelay(3, { issuedAt: s, expiresAt: s + 3 }, now), 1500);
    assert.equal(refreshRetryDelay(1, null, now), 1000);
  });

  test('backoff: full jitter under a doubling cap; terminal codes 4500-4999', () => {
    assert.deepEqual([1, 2, 3, 7, 8, 40].map((n) => backoffDelay(n, 200, 10_000, () => 1)), [200, 400, 800, 10_000, 10_000, 10_000]);
    assert.deepEqual([1, 5].map((n) => backoffDelay(n, 200, 10_000, () => 0)), [0, 0]);
    assert.deepEqual([1000, 1001, 4001, 4004, 4005, 4499, 4500, 4501, 4999, 5000].map(isTerminalCloseCode),
      [false, false, false, false, false, false, true, true, true, false]);
    assert.throws(() => connect({ urls: [], WebSocket }), TypeError);
    assert.throws(() => connect({ urls: ['http://x'], WebSocket }), /not a ws/);
    assert.throws(() => connect({ urls: ['ws://x'], WebSocket, pingIntervalMs: -1 }), /pingIntervalMs/);
  });
});
