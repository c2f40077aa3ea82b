// The SDK against a fake in-process gateway (a ws server on 127.0.0.1 that answers like the
// gateway): exact frames of request/reply, recovery headers and duplicate drop, close codes,
// rotation over URLs, liveness. Fast and deterministic; the real gateway is in the other files.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket, { WebSocketServer } from 'ws';
import { backoffDelay, connect, isTerminalCloseCode } from '../pubsub-gateway.mjs';
import { freePort, Recorder, sleep, until } from '../testkit.mjs';

/** A ws server on loopback; `onFrame(frame, socket, fake)` answers each parsed client frame. */
class FakeGateway {
  constructor(onFrame) {
    this.onFrame = onFrame;
    this.frames = [];
    this.tokens = [];
    this.sockets = [];
  }

  async start() {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
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

  test('backoff: full jitter under a doubling cap; terminal codes 4500-4999', () => {
    assert.deepEqual([1, 2, 3, 7, 8, 40].map((n) => backoffDelay(n, 200, 10_000, () => 1)), [200, 400, 800, 10_000, 10_000, 10_000]);
    assert.deepEqual([1, 5].map((n) => backoffDelay(n, 200, 10_000, () => 0)), [0, 0]);
    assert.deepEqual([1000, 1001, 4001, 4499, 4500, 4501, 4999, 5000].map(isTerminalCloseCode),
      [false, false, false, false, true, true, true, false]);
    assert.throws(() => connect({ urls: [], WebSocket }), TypeError);
    assert.throws(() => connect({ urls: ['http://x'], WebSocket }), /not a ws/);
    assert.throws(() => connect({ urls: ['ws://x'], WebSocket, pingIntervalMs: -1 }), /pingIntervalMs/);
  });
});
