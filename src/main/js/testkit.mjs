// Test support (not part of the SDK): real gateway processes for the SDK's tests. Writes a config and a secret,
// starts the fat jar, mints HS256 tokens with the same secret, and bounds every wait.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder (src/main/js -> three levels up). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The fat jar: GATEWAY_JAR (as JsSdkIT passes it), else target/pubsub-gateway.jar. */
export const JAR = process.env.GATEWAY_JAR || path.join(ROOT, 'target', 'pubsub-gateway.jar');
export const API_KEY = 'js-sdk-test-api-key-0123456789';

/** Channel rules of every test node: a namespace with everything on, one with a larger history. */
const CHANNELS = `
channels:
  - pattern: "room.*"
    subscribe: token
    publish: token
    presence: true
    joinLeave: true
    history:
      size: 100
      ttl: 5m
    recovery: true
  - pattern: "hist.*"
    subscribe: token
    publish: token
    history:
      size: 1000
      ttl: 5m
    recovery: true
`;

/** Resolves `predicate()` once truthy; rejects after `timeoutMs` naming `what`. */
export async function until(what, predicate, timeoutMs = 20_000, stepMs = 25) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await sleep(stepMs);
  }
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function base64url(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** An HS256 JWT: `sub`, `subscribe` and `publish` patterns, `exp` in `ttlSeconds`. */
export function mintToken(secret, { sub, subscribe = [], publish = [], ttlSeconds = 3600 }) {
  const now = Math.floor(Date.now() / 1000);
  const payload = { sub, subscribe, publish, iat: now, exp: now + ttlSeconds };
  const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url(payload)}`;
  const signature = createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

/** A temporary folder with a random HS256 secret file (48 characters). */
export function workspace() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pubsub-js-'));
  const secret = randomBytes(36).toString('base64url');
  const secretFile = path.join(dir, 'secret');
  writeFileSync(secretFile, secret);
  return { dir, secret, secretFile, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A gateway node started from the jar. `stop()` sends SIGTERM, `kill()` SIGKILL; both wait for the exit. */
export class GatewayProcess {
  constructor(child, port, name) {
    this.child = child;
    this.port = port;
    this.name = name;
    this.url = `ws://127.0.0.1:${port}/ws`;
    this.httpUrl = `http://127.0.0.1:${port}`;
    this.output = [];
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const collect = (chunk) => {
      this.output.push(...String(chunk).split('\n').filter((l) => l.length > 0));
      if (this.output.length > 2000) {
        this.output.splice(0, this.output.length - 2000);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
  }

  printed(text) {
    return this.output.some((l) => l.includes(text));
  }

  async #signal(signal) {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
    }
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), 30_000);
    });
    const outcome = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  stop() {
    return this.#signal('SIGTERM');
  }

  kill() {
    return this.#signal('SIGKILL');
  }
}

/**
 * Starts a node: standalone, or clustered under `clusterName` (conf/cluster.xml on loopback).
 * `yaml` is appended to the config (e.g. `limits:` keys), then `channels` (the `channels:` block; default: the
 * rules above). Resolves once it serves.
 */
export async function startGateway(ws, { clusterName = null, yaml = '', name = 'node', channels = CHANNELS } = {}) {
  if (!existsSync(JAR)) {
    throw new Error(`${JAR} is missing: build it with mvn -B -ntp package -DskipTests`);
  }
  const port = await freePort();
  const config = `
http:
  host: 127.0.0.1
  port: ${port}
  instances: 1
auth:
  jwt:
    secretFile: ${JSON.stringify(ws.secretFile)}
    leewaySeconds: 0
cluster:
  enabled: ${clusterName != null}
  hazelcastConfig: ${JSON.stringify(path.join(ROOT, 'conf', 'cluster.xml'))}
${clusterName != null ? `  name: ${clusterName}\n` : ''}api:
  enabled: true
  keys: [${API_KEY}]
${yaml}
${channels}`;
  const confFile = path.join(ws.dir, `${name}-${randomUUID()}.yaml`);
  writeFileSync(confFile, config);
  // GATEWAY_* variables are config keys: the test's config is the file alone
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GATEWAY_')));
  const child = spawn('java', ['-Xms64m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-jar', JAR,
    '--conf', confFile], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const node = new GatewayProcess(child, port, name);
  const deadline = Date.now() + 120_000;
  while (!node.printed('listening on')) {
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (exited || Date.now() > deadline) {
      await node.kill();
      throw new Error(`${name} ${exited ? 'exited' : 'not listening after 120 s'}:\n${node.output.slice(-40).join('\n')}`);
    }
    await sleep(100);
  }
  return node;
}

/** POST to the node's server API with the test key; resolves with {status, json}. */
export async function api(node, pathName, body) {
  const res = await fetch(node.httpUrl + pathName, {
    method: 'POST',
    headers: { 'X-API-Key': API_KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, json: await res.json() };
}

/** GET from the node's server API with the test key; resolves with the JSON answer. */
export async function apiGet(node, pathName) {
  const res = await fetch(node.httpUrl + pathName, { headers: { 'X-API-Key': API_KEY }, signal: AbortSignal.timeout(10_000) });
  return res.json();
}

/** Collects what a client reports, for assertions: states and messages. */
export class Recorder {
  constructor() {
    this.states = [];
    this.messages = [];
    this.errors = [];
  }

  watch(client) {
    client.on('state', (s) => this.states.push(s));
    client.on('error', (e) => this.errors.push(e));
    return client;
  }

  stateNames() {
    return this.states.map((s) => s.state);
  }

  onMessage = (m) => {
    this.messages.push(m);
  };

  bodies() {
    return this.messages.map((m) => m.body);
  }

  /** Resolves once `n` messages arrived. */
  received(n, timeoutMs = 20_000) {
    return until(`${n} messages (have ${this.messages.length})`, () => this.messages.length >= n, timeoutMs);
  }
}
