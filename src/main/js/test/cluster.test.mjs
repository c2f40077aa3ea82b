// The SDK against a 2-node cluster of real gateway processes: delivery across nodes, and failover
// to the other node after one is killed (SIGKILL) with recovery of what was missed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { connect } from '../pubsub-gateway.mjs';
import { apiGet, mintToken, Recorder, startGateway, until, workspace } from '../testkit.mjs';

describe('two clustered gateway nodes', () => {
  let ws;
  let a;
  let b;
  const clients = [];

  before(async () => {
    ws = workspace();
    const clusterName = `js-sdk-${randomUUID()}`;
    a = await startGateway(ws, { clusterName, name: 'a' });
    b = await startGateway(ws, { clusterName, name: 'b' });
    await until('both members', async () => (await apiGet(a, '/api/info')).nodes?.length === 2, 60_000, 250);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([a?.stop(), b?.stop()]);
    ws?.remove();
  });

  function client(user, urls, options = {}) {
    const c = connect({
      urls,
      WebSocket,
      getToken: () => mintToken(ws.secret, { sub: user, subscribe: ['*'], publish: ['*'] }),
      minReconnectDelayMs: 100,
      maxReconnectDelayMs: 1000,
      requestTimeoutMs: 30_000, // a killed member's partitions take a while to move
      ...options,
    });
    clients.push(c);
    return c;
  }

  test('a message published on one node reaches a subscriber on the other exactly once', async () => {
    const rec = new Recorder();
    const sub = client('reader', [a.url]);
    const pub = client('writer', [b.url]);
    await sub.subscribe('plain.across', rec.onMessage);
    await pub.ready;
    for (let i = 0; i < 10; i++) {
      await pub.publish('plain.across', i);
    }
    await rec.received(10);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(rec.bodies(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('after its node is killed, a subscriber fails over to the other node and recovers every message in order', async () => {
    const channel = 'hist.failover';
    let tokens = 0;
    let openGate;
    const gate = new Promise((resolve) => {
      openGate = resolve;
    });
    const rec = new Recorder();
    const subscribed = [];
    const sub = rec.watch(client('survivor', [a.url, b.url], {
      getToken: async () => {
        tokens++;
        if (tokens === 2) {
          await gate; // the token service is slow: messages are published meanwhile
        }
        return mintToken(ws.secret, { sub: 'survivor', subscribe: ['hist.*'], publish: [] });
      },
    }));
    const subscription = await sub.subscribe(channel, rec.onMessage, { onSubscribed: (info) => subscribed.push(info) });
    assert.equal(sub.url, a.url);
    const start = subscription.offset;
    const epoch = subscription.epoch;

    const pub = client('publisher', [b.url]);
    await pub.ready;
    const acked = [];
    const failed = [];
    let stop = false;
    const publishing = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          acked.push({ body: i, ...(await pub.publish(channel, i)) });
        } catch (e) {
          failed.push(`${i}: ${e.message}`);
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    await rec.received(20);
    await a.kill();
    await until('disconnected', () => sub.state !== 'connected', 30_000);
    const lastBeforeLoss = rec.messages.at(-1).offset;
    const ackedAtLoss = acked.length;
    await until('10 publishes while away', () => acked.length >= ackedAtLoss + 10, 60_000);
    const lastWhileAway = acked.at(-1).offset;
    assert.equal(rec.messages.at(-1).offset, lastBeforeLoss, 'nothing arrives while disconnected');
    openGate();
    await until('connected to b', () => sub.state === 'connected' && sub.url === b.url, 60_000);
    await until('re-subscribed', () => subscribed.length === 2, 60_000);
    const afterFailover = acked.length;
    await until('20 more publishes', () => acked.length >= afterFailover + 20, 60_000);
    stop = true;
    await publishing;
    const last = acked.at(-1).offset;
    await until(`messages up to offset ${last}`, () => rec.messages.at(-1)?.offset >= last, 30_000);

    assert.ok(rec.messages.some((m) => m.offset === lastWhileAway), 'a message published while away was recovered');
    assert.equal(subscribed[1].recovered, true, JSON.stringify(subscribed));
    assert.equal(subscription.recovered, true);
    assert.equal(subscription.epoch, epoch, 'the same stream');
    assert.equal(tokens, 2, `getToken before each attempt (called ${tokens} times)`);
    const names = rec.states.map((s) => `${s.state}@${s.url === a.url ? 'a' : 'b'}`);
    assert.deepEqual(names.slice(0, 2), ['connecting@a', 'connected@a']);
    assert.equal(names[2], 'disconnected@a');
    assert.equal(names.at(-1), 'connected@b');

    const offsets = rec.messages.map((m) => m.offset);
    assert.deepEqual(offsets, Array.from({ length: offsets.length }, (_, k) => start + 1 + k), 'no gap, no duplicate');
    const bodies = rec.bodies();
    assert.ok(bodies.every((v, k) => k === 0 || v > bodies[k - 1]), `in publish order: ${bodies}`);
    const received = new Set(bodies);
    const missing = acked.filter((p) => !received.has(p.body));
    assert.deepEqual(missing, [], 'every acknowledged publish arrived');
    // the received sequence is the stream itself
    const history = await pub.history(channel);
    assert.deepEqual(history.messages.filter((m) => m.offset > start).map((m) => [m.offset, m.body]),
      rec.messages.map((m) => [m.offset, m.body]));
    if (failed.length > 0) {
      console.log(`publishes refused during the failover: ${failed.join('; ')}`);
    }
  });
});
