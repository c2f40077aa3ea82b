// The chat demo in real Chromium: two pages on two nodes chat, presence and history; one page keeps its
// conversation after its node is stopped (reconnect to the other node, recovered, no duplicate line);
// a page with a bad token shows a clear error. Screenshots go to target/browser/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS, browser, startCluster, until } from './gateway.mjs';

let cluster;
let context;

before(async () => {
  cluster = await startCluster(2);
  context = await browser();
});

after(async () => {
  await context?.close();
  await cluster?.close();
});

async function enter(node, name, room, extra = '') {
  const page = await context.newPage();
  await page.goto(`${cluster.nodes[node].url}/demo/?name=${name}&room=${room}${extra}`);
  await page.click('#enter');
  return page;
}

const chat = (page) => page.evaluate(() => ({
  messages: window.chat.messages.map((m) => `${m.user}: ${m.text}`),
  people: window.chat.people, status: window.chat.status, url: window.chat.url, error: window.chat.error,
  recovered: window.chat.recovered,
}));

async function say(page, text) {
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
}

const shows = (page, line) => until(`"${line}" on the page`, async () => (await chat(page)).messages.includes(line));

test('two pages on two nodes chat, see each other present, and one survives the stop of its node', async () => {
  const alice = await enter(0, 'alice', 'lobby');
  const bob = await enter(1, 'bob', 'lobby');
  // in the room: subscribed, history shown and the form listening (connected alone is earlier)
  await until('both in the room', async () => (await chat(alice)).status === 'connected' && (await chat(bob)).status === 'connected'
    && await alice.isVisible('#chat') && await bob.isVisible('#chat'));
  await say(alice, 'hello from alice');
  await shows(bob, 'alice: hello from alice');
  await say(bob, 'hi alice, bob here');
  await shows(alice, 'bob: hi alice, bob here');
  await until('presence on both nodes', async () => JSON.stringify((await chat(alice)).people) === '["alice","bob"]');
  await alice.screenshot({ path: join(ARTIFACTS, 'chat-alice.png') });
  await bob.screenshot({ path: join(ARTIFACTS, 'chat-bob.png') });

  await cluster.stop(0); // alice's node goes away (SIGTERM: close 1001, the node leaves the cluster)
  await until('alice reconnected to the other node', async () => {
    const c = await chat(alice);
    return c.status === 'connected' && c.url?.includes(`:${cluster.nodes[1].port}/`);
  }, 60_000);
  await say(bob, 'did you come back?');
  await shows(alice, 'bob: did you come back?');
  await say(alice, 'yes, on the other node');
  await shows(bob, 'alice: yes, on the other node');
  await shows(alice, 'alice: yes, on the other node'); // her own line comes back through the gateway too
  const lines = (await chat(alice)).messages;
  assert.deepEqual(lines, ['alice: hello from alice', 'bob: hi alice, bob here', 'bob: did you come back?',
    'alice: yes, on the other node'], 'the whole conversation once, in order');
  assert.equal((await chat(alice)).recovered, true);
  await alice.screenshot({ path: join(ARTIFACTS, 'chat-alice-after-node-stop.png') });

  const carol = await enter(1, 'carol', 'lobby');
  await shows(carol, 'alice: yes, on the other node');
  assert.deepEqual((await chat(carol)).messages, lines, 'history on entry');
  await carol.screenshot({ path: join(ARTIFACTS, 'chat-carol-history.png') });
});

test('a page with a bad token shows a clear error', async () => {
  const page = await enter(1, 'mallory', 'lobby', '&token=not-a-valid-token');
  const error = await until('the error', async () => (await chat(page)).error);
  assert.match(error, /refused the connection/);
  assert.equal(await page.isVisible('#error'), true);
  await page.screenshot({ path: join(ARTIFACTS, 'chat-bad-token.png') });
});
