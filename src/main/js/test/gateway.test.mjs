// The SDK against one real gateway process (standalone): round trips, history, presence,
// join/leave, refusals, token expiry and refresh, operator disconnects, pings.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { connect, GatewayError } from '../pubsub-gateway.mjs';
import { api, mintToken, Recorder, sleep, startGateway, until, workspace } from '../testkit.mjs';

describe('one gateway node', () => {
  let ws;
  let node;
  const clients = [];

  before(async () => {
    ws = workspace();
    // idle timeout of 2 s: the clients below stay connected only because they ping;
    // the demo's echo service (demo.echo) answers send
    node = await startGateway(ws, { name: 'single', yaml: 'limits:\n  idleTimeoutSeconds: 2\n  replyTimeoutMs: 1000\ndemo:\n  enabled: true\n' });
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await node?.stop();
    ws?.remove();
  });

  test('the node serves this module and its declarations at /sdk/ (text/javascript, CORS, ETag)', async () => {
    const res = await fetch(`${node.httpUrl}/sdk/pubsub-gateway.mjs`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(await res.text(), readFileSync(new URL('../pubsub-gateway.mjs', import.meta.url), 'utf8'));
    const again = await fetch(`${node.httpUrl}/sdk/pubsub-gateway.mjs`,
      { headers: { 'If-None-Match': res.headers.get('etag') }, signal: AbortSignal.timeout(10_000) });
    assert.equal(again.status, 304);
    const types = await fetch(`${node.httpUrl}/sdk/pubsub-gateway.d.ts`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(await types.text(), readFileSync(new URL('../pubsub-gateway.d.ts', import.meta.url), 'utf8'));
    assert.equal((await fetch(`${node.httpUrl}/sdk/package.json`, { signal: AbortSignal.timeout(10_000) })).status, 404);
  });

  /** A client of `user` allowed `patterns` (subscribe and publish), pinging every 500 ms. */
  function client(user, patterns = ['*'], options = {}) {
    const c = connect({
      urls: [node.url],
      WebSocket,
      getToken: () => mintToken(ws.secret, { sub: user, subscribe: patterns, publish: patterns }),
      pingIntervalMs: 500,
      minReconnectDelayMs: 50,
      maxReconnectDelayMs: 500,
      ...options,
    });
    clients.push(c);
    return c;
  }

  test('a published message reaches every subscriber with its headers; unsubscribe stops one handler', async () => {
    const sub = client('reader');
    const pub = client('writer');
    await Promise.all([sub.ready, pub.ready]);
    const first = new Recorder();
    const second = new Recorder();
    const s1 = await sub.subscribe('plain.news', first.onMessage);
    await sub.subscribe('plain.news', second.onMessage);
    assert.equal(s1.channel, 'plain.news');
    assert.equal(s1.offset, null, 'no history on plain.*');
    assert.deepEqual(await pub.publish('plain.news', { text: 'hi' }, { trace: 't1' }), {});
    await first.received(1);
    await second.received(1);
    assert.deepEqual(first.messages[0], { channel: 'plain.news', body: { text: 'hi' }, headers: { trace: 't1' } });

    await s1.unsubscribe();
    await pub.publish('plain.news', 'second');
    await second.received(2);
    await sleep(100);
    assert.deepEqual(first.bodies(), [{ text: 'hi' }]);
    assert.deepEqual(second.bodies(), [{ text: 'hi' }, 'second']);
  });

  test('history channels: offsets in acks and messages, and the last messages on request', async () => {
    const c = client('historian');
    const seen = new Recorder();
    const sub = await c.subscribe('hist.log', seen.onMessage);
    assert.equal(typeof sub.epoch, 'string');
    const start = sub.offset;
    const acks = [];
    for (let i = 0; i < 4; i++) {
      acks.push(await c.publish('hist.log', i, { k: `v${i}` }));
    }
    assert.deepEqual(acks.map((a) => a.offset), [start + 1, start + 2, start + 3, start + 4]);
    assert.ok(acks.every((a) => a.epoch === sub.epoch));
    await seen.received(4);
    assert.deepEqual(seen.messages.map((m) => [m.body, m.offset]), [[0, start + 1], [1, start + 2], [2, start + 3], [3, start + 4]]);
    assert.equal(sub.offset, start + 4, 'the subscription tracks the last offset');
    assert.equal(sub.recovered, null, 'no recovery asked at the first subscribe');

    const history = await c.history('hist.log', { limit: 2 });
    assert.equal(history.offset, start + 4);
    assert.equal(history.epoch, sub.epoch);
    assert.ok(history.messages.every((m) => /^[0-9a-f]{12}$/.test(m.mid)), 'each message has its mid');
    assert.deepEqual(history.messages.map(({ mid, ...rest }) => rest), [
      { offset: start + 3, body: 2, headers: { k: 'v2' } },
      { offset: start + 4, body: 3, headers: { k: 'v3' } },
    ]);
    assert.equal(history.messages[1].mid, seen.messages[3].headers.mid, 'the same mid as the live message');
  });

  test('presence lists both subscribers; join and leave reach the one that stays', async () => {
    const alice = client('alice', ['room.*']);
    const bob = client('bob', ['room.*']);
    const joins = [];
    const leaves = [];
    await alice.subscribe('room.lobby', () => {}, { onJoin: (w) => joins.push(w), onLeave: (w) => leaves.push(w) });
    await until('alice\'s own join', () => joins.length === 1);
    assert.equal(joins[0].user, 'alice');
    await bob.subscribe('room.lobby', () => {});
    await until('bob\'s join', () => joins.length === 2);
    assert.equal(joins[1].user, 'bob');
    const present = await until('two present', async () => {
      const list = await alice.presence('room.lobby');
      return list.length === 2 ? list : null;
    });
    assert.deepEqual(present.map((p) => p.user).sort(), ['alice', 'bob']);
    assert.ok(present.every((p) => typeof p.client === 'string' && typeof p.node === 'string'));

    await bob.close();
    await until('bob\'s leave', () => leaves.length === 1);
    assert.deepEqual(leaves[0], { client: joins[1].client, user: 'bob' });
  });

  test('refusals reject with the gateway\'s code', async () => {
    const c = client('limited', ['plain.mine']);
    await c.ready;
    const denied = await c.subscribe('plain.other', () => {}).catch((e) => e);
    assert.ok(denied instanceof GatewayError, String(denied));
    assert.equal(denied.code, 'access_denied');
    assert.equal(denied.address, 'plain.other');
    await assert.rejects(c.publish('plain.other', 1), { code: 'access_denied' });
    await assert.rejects(c.history('plain.mine'), { code: 'not_available' });
    await assert.rejects(c.presence('plain.mine'), { code: 'not_available' });
    assert.equal(c.state, 'connected', 'an err leaves the connection open');
    await c.subscribe('plain.mine', () => {});
  });

  test('a rejected token closes the client for good (HTTP 401), without a retry loop', async () => {
    const rec = new Recorder();
    const c = rec.watch(client('forger', ['*'], { getToken: () => mintToken('not-the-secret-0123456789-0123456789', { sub: 'x' }) }));
    await assert.rejects(c.ready, { code: 'auth_rejected' });
    assert.equal(c.state, 'closed');
    assert.deepEqual(rec.stateNames(), ['connecting', 'closed']);
    assert.equal(rec.states[1].code, 401);
    await assert.rejects(c.subscribe('plain.x', () => {}), { code: 'closed' });
  });

  test('a refresh the gateway refuses keeps the old token: 4001 at its expiry, then a reconnect with a fresh token', async () => {
    let calls = 0;
    let c;
    const rec = new Recorder();
    c = rec.watch(client('expiring', ['*'], {
      getToken: async () => {
        calls++;
        await sleep(5); // a token service answers later
        if (c?.state === 'connected') {
          // the automatic refresh on the live connection: a token of another user, refused (invalid_token)
          return mintToken(ws.secret, { sub: 'someone-else', subscribe: ['*'], publish: ['*'] });
        }
        return mintToken(ws.secret, { sub: 'expiring', subscribe: ['*'], publish: ['*'], ttlSeconds: calls === 1 ? 2 : 3600 });
      },
    }));
    await c.subscribe('plain.expiry', rec.onMessage);
    await until('closed with 4001', () => rec.states.some((s) => s.state === 'disconnected' && s.code === 4001), 10_000);
    await until('connected again', () => rec.stateNames().filter((s) => s === 'connected').length === 2);
    assert.ok(rec.errors.some((e) => e.code === 'invalid_token'), `refusals reported: ${rec.errors.map((e) => e.code)}`);
    const pub = client('expiry-pub');
    await pub.ready;
    await until('resubscribed', async () => {
      await pub.publish('plain.expiry', 'after');
      return rec.messages.length > 0;
    }, 10_000, 200);
    assert.equal(rec.messages[0].body, 'after');
  });

  test('3 s tokens are refreshed on the live connection: no reconnect across several expiries', async () => {
    let calls = 0;
    const rec = new Recorder();
    const c = rec.watch(client('refreshing', ['*'], {
      getToken: () => {
        calls++;
        return mintToken(ws.secret, { sub: 'refreshing', subscribe: ['plain.*'], publish: ['plain.*'], ttlSeconds: 3 });
      },
    }));
    await c.subscribe('plain.refresh', rec.onMessage);
    await sleep(7000); // more than two lifetimes
    assert.deepEqual(rec.stateNames(), ['connecting', 'connected'], 'never disconnected');
    assert.ok(calls >= 3, `a token per refresh: ${calls}`);
    await c.publish('plain.refresh', 'still here');
    await rec.received(1);
    assert.deepEqual(rec.errors, []);
    const { exp } = await c.refreshToken();
    assert.ok(exp >= Math.floor(Date.now() / 1000) + 2, `exp ${exp}`);
  });

  test('a refreshed token without the right to a channel ends that subscription with access_denied', async () => {
    let narrow = false;
    const c = client('narrowed', ['*'], {
      getToken: () => mintToken(ws.secret, { sub: 'narrowed', subscribe: narrow ? ['plain.*'] : ['*'], publish: ['*'] }),
    });
    const ended = [];
    await c.subscribe('hist.narrowed', () => {}, { onError: (e) => ended.push([e.code, e.address]) });
    const kept = new Recorder();
    await c.subscribe('plain.narrowed', kept.onMessage);
    narrow = true;
    await c.refreshToken();
    await until('ended', () => ended.length === 1);
    assert.deepEqual(ended, [['access_denied', 'hist.narrowed']]);
    await c.publish('plain.narrowed', 'kept');
    await kept.received(1);
    await assert.rejects(c.subscribe('hist.narrowed', () => {}), { code: 'access_denied' });
  });

  test('operator disconnects: 4004 reconnects, 4501 is terminal', async () => {
    const rec = new Recorder();
    const c = rec.watch(client('operated'));
    await c.ready;
    const again = await api(node, '/api/disconnect', { user: 'operated', reconnect: true });
    assert.equal(again.json.disconnected, 1);
    await until('reconnected after 4004', () => rec.stateNames().filter((s) => s === 'connected').length === 2);
    assert.equal(rec.states.find((s) => s.state === 'disconnected').code, 4004);

    const closed = await api(node, '/api/disconnect', { user: 'operated' });
    assert.equal(closed.json.disconnected, 1);
    await until('closed', () => c.state === 'closed');
    assert.equal(rec.states.at(-1).code, 4501);
    const count = rec.states.length;
    await sleep(700); // several reconnect delays
    assert.equal(rec.states.length, count, `no attempt after a terminal code: ${JSON.stringify(rec.states.slice(count))}`);
    await assert.rejects(c.publish('plain.x', 1), { code: 'closed' });
  });

  test('pings keep an idle connection open past the server\'s idle timeout', async () => {
    const rec = new Recorder();
    const c = rec.watch(client('idle'));
    await c.ready;
    await sleep(3500); // idleTimeoutSeconds is 2
    assert.deepEqual(rec.stateNames(), ['connecting', 'connected']);
    const silent = rec.watch(client('silent', ['*'], { pingIntervalMs: 60_000, maxReconnectAttempts: 0 }));
    await silent.ready;
    await until('closed for idleness', () => rec.states.some((s) => s.code === 4002), 10_000);
  });

  test('send: the reply of a backend consumer (the demo\'s echo service)', async () => {
    const c = client('asker', ['demo.echo']);
    await c.ready;
    const replies = await Promise.all([1, 2, 3].map((n) => c.send('demo.echo', { n })));
    assert.deepEqual(replies.map((r) => r.echo), [{ n: 1 }, { n: 2 }, { n: 3 }]);
    assert.ok(replies.every((r) => typeof r.at === 'number'));
  });

  test('send: refused without publish permission, no_handlers without a consumer, timeout when the consumer does not reply', async () => {
    const c = client('sender', ['plain.*']);
    const listener = client('listener', ['plain.*']);
    const heard = new Recorder();
    await listener.subscribe('plain.requests', heard.onMessage); // a channel consumer: delivers, never replies
    await c.ready;
    await assert.rejects(c.send('secret.backend', { q: 1 }), { code: 'access_denied', address: 'secret.backend' });
    await assert.rejects(c.send('plain.nobody', { q: 2 }), { code: 'no_handlers', failureType: 'NO_HANDLERS', address: 'plain.nobody' });
    const started = Date.now();
    await assert.rejects(c.send('plain.requests', { q: 3 }), { code: 'timeout', failureType: 'TIMEOUT', address: 'plain.requests' });
    assert.ok(Date.now() - started >= 900, 'the gateway waited limits.replyTimeoutMs (1 s)');
    assert.deepEqual(heard.bodies(), [{ q: 3 }], 'delivered point to point to the one consumer');
    await assert.rejects(c.send('plain.requests', { q: 4 }, { timeoutMs: 100 }), (e) => e.code === 'timeout' && !('failureType' in e),
      'the client\'s own timeout');
  });
});
