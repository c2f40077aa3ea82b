// Test support: real gateway nodes (the fat jar as processes, loopback only), dev tokens, Chromium.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../../..');
const JAR = process.env.GATEWAY_JAR || join(ROOT, 'target/pubsub-gateway.jar');
export const ARTIFACTS = join(ROOT, 'target/browser');
mkdirSync(ARTIFACTS, { recursive: true });

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** A cluster of `count` nodes with the chat demo on; `stop(i)` / `kill(i)` end node i. */
export async function startCluster(count) {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-browser-'));
  const secret = randomBytes(36).toString('base64url');
  writeFileSync(join(dir, 'secret'), secret);
  const cluster = `browser-${randomUUID()}`;
  const nodes = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const conf = join(dir, `node${i}.yaml`);
    writeFileSync(conf, [
      'http:', `  port: ${port}`,
      'auth:', '  jwt:', `    secretFile: "${join(dir, 'secret')}"`,
      'cluster:', `  name: "${cluster}"`, `  hazelcastConfig: "${join(ROOT, 'conf/cluster.xml')}"`,
      'demo:', '  enabled: true',
      'channels:',
      '  - pattern: "room.*"', '    subscribe: token', '    publish: token', '    presence: true', '    joinLeave: true',
      '    history: {size: 200, ttl: 5m}', '    recovery: true',
      '  - pattern: "demo.echo"', '    subscribe: none', '    publish: token',
      '  - pattern: "plain.*"', '    subscribe: token', '    publish: token',
      '',
    ].join('\n'));
    const log = join(ARTIFACTS, `node${i}-${port}.log`);
    // GATEWAY_* variables are config keys (GATEWAY_JAR from NodeTests would stop the node): the config is the file
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GATEWAY_')));
    const proc = spawn('java', ['-jar', JAR, '--conf', conf], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(log);
    proc.stdout.pipe(out);
    proc.stderr.pipe(out);
    await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`node ${i} not listening within 90 s, see ${log}`)), 90_000);
      let seen = '';
      proc.stdout.on('data', (chunk) => {
        seen += chunk;
        if (seen.includes('listening on')) {
          clearTimeout(timer);
          ok();
        }
      });
      proc.once('exit', (code) => { clearTimeout(timer); fail(new Error(`node ${i} exited ${code}, see ${log}`)); });
    });
    nodes.push({ port, proc, url: `http://127.0.0.1:${port}` });
  }
  const exited = (n) => new Promise((ok) => (n.proc.exitCode !== null ? ok() : n.proc.once('exit', ok)));
  return {
    nodes,
    secret,
    token: (sub, claims = {}) => mintToken(secret, { sub, subscribe: ['room.*', 'plain.*'],
      publish: ['room.*', 'plain.*', 'demo.echo'], ...claims }),
    async stop(i) { nodes[i].proc.kill('SIGTERM'); await exited(nodes[i]); },
    async close() {
      for (const n of nodes) {
        if (n.proc.exitCode === null) {
          n.proc.kill('SIGKILL');
          await exited(n);
        }
      }
    },
  };
}

/** An HS256 JWT, as scripts/mint-token.sh would sign it. */
export function mintToken(secret, claims, ttlSeconds = 3600) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iat: now, exp: now + ttlSeconds, ...claims })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** Debian's Chromium, headless, with an empty profile and no background network traffic. */
export async function browser() {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-profile-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** Polls `fn` until it returns a truthy value; fails after `ms`. */
export async function until(what, fn, ms = 30_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) {
        return last;
      }
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}
