// Vert.x's official event-bus client (@vertx/eventbus-bridge-client.js over sockjs-client), unchanged,
// in a page of another origin, against the gateway's SockJS endpoint: over SockJS's websocket transport
// and over its xhr-streaming fallback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, browser, startCluster, until } from './gateway.mjs';

const modules = join(import.meta.dirname, 'node_modules');
const FILES = {
  '/sockjs.min.js': join(modules, 'sockjs-client/dist/sockjs.min.js'),
  '/vertx-eventbus.js': join(modules, '@vertx/eventbus-bridge-client.js/vertx-eventbus.js'),
};
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>official client</title>
<script src="/sockjs.min.js"></script><script src="/vertx-eventbus.js"></script></head><body><pre id="log"></pre>
<script>
  const q = new URLSearchParams(location.search);
  const results = window.results = { open: false, closed: false, errors: [], received: [], reply: null };
  const log = (s) => { document.getElementById('log').textContent += s + '\\n'; };
  const options = q.get('transport') ? { transports: [q.get('transport')] } : {};
  const eb = new EventBus(q.get('gateway') + '/eventbus?token=' + encodeURIComponent(q.get('token')), options);
  eb.enableReconnect(false);
  eb.onerror = (e) => { results.errors.push(JSON.stringify(e)); log('error ' + JSON.stringify(e)); };
  eb.onclose = () => { results.closed = true; log('closed'); };
  eb.onopen = () => {
    results.open = true;
    log('open');
    eb.registerHandler('plain.official', (err, msg) => {
      if (err) { results.errors.push(JSON.stringify(err)); } else { results.received.push(msg.body); log('rec ' + JSON.stringify(msg.body)); }
    });
    // the bridge protocol has no register ack: publish until the subscription is in place
    const timer = setInterval(() => results.received.length ? clearInterval(timer) : eb.publish('plain.official', { hello: 'browser' }), 250);
    eb.send('demo.echo', { q: 1 }, (err, reply) => { results.reply = err ? { error: err } : reply.body; log('reply ' + JSON.stringify(results.reply)); });
  };
</script></body></html>`;

let cluster;
let server;
let pageOrigin;
let context;

before(async () => {
  cluster = await startCluster(1);
  server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (FILES[path]) {
      res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(FILES[path]));
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE);
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  pageOrigin = `http://127.0.0.1:${server.address().port}`;
  context = await browser();
});

after(async () => {
  await context?.close();
  server?.close();
  await cluster?.close();
});

for (const transport of ['websocket', 'xhr-streaming']) {
  test(`register, publish and send with a reply over ${transport}`, async () => {
    const page = await context.newPage();
    const token = cluster.token('official-' + transport);
    await page.goto(`${pageOrigin}/?transport=${transport}&gateway=${encodeURIComponent(cluster.nodes[0].url)}&token=${token}`);
    const results = await until('a delivery and a reply', async () => {
      const r = await page.evaluate(() => window.results);
      return r.received.length > 0 && r.reply ? r : null;
    });
    assert.equal(results.open, true);
    assert.deepEqual(results.received[0], { hello: 'browser' });
    assert.deepEqual(results.reply.echo, { q: 1 });
    assert.deepEqual(results.errors, []);
    await page.screenshot({ path: join(ARTIFACTS, `official-client-${transport}.png`) });
    await page.close();
  });
}

test('a bad token never opens a session: the client sees the close, not a session', async () => {
  const page = await context.newPage();
  await page.goto(`${pageOrigin}/?gateway=${encodeURIComponent(cluster.nodes[0].url)}&token=not-a-token`);
  const results = await until('the close', async () => {
    const r = await page.evaluate(() => window.results);
    return r.closed ? r : null;
  });
  assert.equal(results.open, false);
  await page.close();
});
