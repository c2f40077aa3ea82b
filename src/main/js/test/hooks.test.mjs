// Backend hooks on the event bus: a gateway process whose `hooked.*` rule names a subscribe and a publish hook,
// and the hooks in another process of the same Hazelcast cluster (io.pubsubgateway.testing.HookBackend, a lite
// member, from target/test-classes). The SDK rejects the subscribe / publish promise with the hook's code.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { connect, GatewayError } from '../pubsub-gateway.mjs';
import { GatewayProcess, JAR, mintToken, Recorder, ROOT, sleep, startGateway, until, workspace } from '../testkit.mjs';

const TEST_CLASSES = path.join(ROOT, 'target', 'test-classes');
const BACKEND = path.join(TEST_CLASSES, 'io', 'pubsubgateway', 'testing', 'HookBackend.class');
const CHANNELS = `
channels:
  - pattern: "hooked.*"
    subscribe: token
    publish: token
    subscribeHook: js.hook.subscribe
    publishHook: js.hook.publish
    hookTimeoutMs: 5000
`;

describe('backend hooks', { skip: existsSync(BACKEND) ? false : `${BACKEND} is missing (mvn test-compile)` }, () => {
  let ws;
  let gateway;
  let backend;
  const clients = [];

  before(async () => {
    ws = workspace();
    const clusterName = `js-hooks-${randomUUID()}`;
    gateway = await startGateway(ws, { clusterName, name: 'hooked', channels: CHANNELS });
    const child = spawn('java', ['-Xms32m', '-Xmx128m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1',
      '-cp', `${JAR}${path.delimiter}${TEST_CLASSES}`, 'io.pubsubgateway.testing.HookBackend', clusterName,
      path.join(ROOT, 'conf', 'cluster.xml')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    backend = new GatewayProcess(child, 0, 'hook-backend');
    await until('the hook backend registered', () => {
      if (child.exitCode !== null) {
        throw new Error(`hook backend exited:\n${backend.output.slice(-40).join('\n')}`);
      }
      return backend.printed('hook backend ready');
    }, 120_000, 100);
    // the gateway sees the hooks' registrations: a subscribe goes through instead of hook_failed (no consumer)
    const probe = client('probe');
    await until('hooks reachable from the gateway', () => probe.subscribe('hooked.probe', () => {})
      .then(() => true, (e) => (e.code === 'hook_failed' ? false : Promise.reject(e))), 60_000, 200);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all([gateway?.stop(), backend?.stop()]);
    ws?.remove();
  });

  function client(user, options = {}) {
    const c = connect({
      urls: gateway.url,
      WebSocket,
      getToken: () => mintToken(ws.secret, { sub: user, subscribe: ['*'], publish: ['*'] }),
      requestTimeoutMs: 10_000,
      ...options,
    });
    clients.push(c);
    return c;
  }

  test('a subscribe refused by the hook rejects with its code, ends the subscription and is not retried', async () => {
    const rec = new Recorder();
    const c = rec.watch(client('refused'));
    const err = await c.subscribe('hooked.room.deny', () => {}).catch((e) => e);
    assert.ok(err instanceof GatewayError, String(err));
    assert.equal(err.code, 'not_member');
    assert.equal(err.address, 'hooked.room.deny');
    assert.match(err.message, /no entry to hooked\.room\.deny/);
    await sleep(300);
    assert.equal(c.state, 'connected', 'a refusal leaves the connection open');
    assert.deepEqual(rec.errors, [], 'nothing retried or reported besides the rejected promise');
    await c.subscribe('hooked.room.open', () => {});
  });

  test('a publish refused by the hook rejects with its code; a replaced body is what subscribers get', async () => {
    const rec = new Recorder();
    const reader = client('reader');
    await reader.subscribe('hooked.chat', rec.onMessage);
    const writer = client('writer');
    await writer.ready;
    await assert.rejects(writer.publish('hooked.chat', { action: 'deny' }), { code: 'forbidden_word' });
    await writer.publish('hooked.chat', { action: 'replace', text: 'secret' });
    await writer.publish('hooked.chat', { action: 'pass' });
    await rec.received(2);
    await sleep(200);
    assert.deepEqual(rec.bodies(), [{ replaced: true }, { action: 'pass' }]);
  });
});
