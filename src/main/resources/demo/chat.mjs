// The chat demo: one room = the channel room.<name> (presence, join/leave, history, recovery on).
// Uses the gateway's JavaScript SDK as a page would, straight from the gateway.
import { connect } from '/sdk/pubsub-gateway.mjs';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const state = { messages: [], people: [], status: 'idle', error: null, recovered: null, client: null };
window.chat = state; // read by the browser tests

function showError(text) {
  state.error = text;
  $('error').textContent = text;
  $('error').hidden = false;
}

function setStatus(s, detail) {
  state.status = s;
  $('status').textContent = detail ? `${s} (${detail})` : s;
  $('status').className = 'status ' + s;
}

async function nodeUrls() {
  // every gateway node of the cluster, this one first, so the client can fail over
  const here = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  try {
    const r = await fetch('/demo/nodes');
    const urls = (await r.json()).urls || [];
    return [here, ...urls.filter((u) => u !== here)];
  } catch (e) {
    return [here];
  }
}

let lastToken = null;
async function fetchToken(user) {
  if (params.get('token')) {
    return params.get('token'); // a token given in the page URL (the bad-token test uses this)
  }
  try {
    const r = await fetch('/demo/token?user=' + encodeURIComponent(user));
    if (!r.ok) {
      throw new Error('token endpoint: HTTP ' + r.status);
    }
    lastToken = (await r.json()).token;
  } catch (e) {
    if (!lastToken) {
      throw e;
    }
    // the page's own node (the token endpoint) may be the one that is gone: the last token (1 h) still serves
  }
  return lastToken;
}

const rendered = new Set(); // offsets already shown: history, recovery and live never duplicate a line

function addMessage(offset, body) {
  if (offset && rendered.has(offset)) {
    return;
  }
  if (offset) {
    rendered.add(offset);
  }
  const entry = { offset: offset || 0, user: String(body.user ?? '?'), text: String(body.text ?? '') };
  state.messages.push(entry);
  state.messages.sort((a, b) => (a.offset || Infinity) - (b.offset || Infinity));
  renderMessages();
}

function renderMessages() {
  const list = $('messages');
  list.replaceChildren(...state.messages.map((m) => {
    const li = document.createElement('li');
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = m.user;
    li.append(who, document.createTextNode(m.text));
    return li;
  }));
  list.scrollTop = list.scrollHeight;
}

function addEvent(text) {
  const li = document.createElement('li');
  li.className = 'event';
  li.textContent = text;
  $('messages').append(li);
}

// Presence queries run concurrently (on connect, on entry, on each join/leave) and may be answered
// out of order: only the answer to the latest one is shown, or an older list could hide a newcomer.
let peopleQueries = 0;

async function refreshPeople(client, channel) {
  const query = ++peopleQueries;
  try {
    const entries = await client.presence(channel);
    if (query !== peopleQueries) {
      return;
    }
    const users = [...new Set(entries.map((p) => p.user))].sort();
    state.people = users;
    $('people').replaceChildren(...users.map((u) => {
      const li = document.createElement('li');
      li.textContent = u;
      return li;
    }));
  } catch (e) {
    // presence is best effort while reconnecting
  }
}

async function enter(user, room) {
  const channel = 'room.' + room;
  $('title').textContent = '#' + room;
  const client = connect({ urls: await nodeUrls(), getToken: () => fetchToken(user) });
  state.client = client;
  let everConnected = false;
  client.on('state', (e) => {
    setStatus(e.state, e.url ? new URL(e.url).host : '');
    state.url = e.url;
    if (e.state === 'connected') {
      everConnected = true;
      $('error').hidden = true;
      refreshPeople(client, channel);
    } else if (!everConnected && (e.state === 'disconnected' || e.state === 'reconnecting')) {
      // browsers do not show a refused WebSocket handshake's status: a first attempt that fails is a refusal
      showError(`Cannot connect to ${e.url ? new URL(e.url).host : 'the gateway'}: the gateway refused the connection`
        + ' (is the token valid?)');
      client.close();
    } else if (e.state === 'closed' && e.reason && !state.error) { // not over the refusal shown above
      showError('Disconnected: ' + e.reason + (e.code ? ` (code ${e.code})` : ''));
    }
  });
  try {
    const sub = await client.subscribe(channel, (msg) => addMessage(msg.offset ?? Number(msg.headers?.offset || 0), msg.body || {}), {
      onJoin: (who) => { addEvent(`${who.user} joined`); refreshPeople(client, channel); },
      onLeave: (who) => { addEvent(`${who.user} left`); refreshPeople(client, channel); },
      onSubscribed: (info) => { state.recovered = info.recovered; },
    });
    state.subscription = sub;
    const page = await client.history(channel, { limit: 50 });
    for (const m of page.messages) {
      addMessage(Number(m.offset ?? m.headers?.offset ?? 0), m.body || {});
    }
    await refreshPeople(client, channel);
    $('join').hidden = true;
    $('chat').hidden = false;
    $('text').focus();
  } catch (e) {
    if (!state.error) {
      showError('Cannot enter the room: ' + (e.code ? e.code + ': ' : '') + e.message);
    }
  }
  $('say').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const text = $('text').value.trim();
    if (!text) {
      return;
    }
    $('text').value = '';
    try {
      await client.publish(channel, { user, text });
    } catch (e) {
      showError('Not sent: ' + (e.code ? e.code + ': ' : '') + e.message);
    }
  });
}

$('join').addEventListener('submit', (ev) => {
  ev.preventDefault();
  $('error').hidden = true;
  enter($('name').value.trim(), $('room').value.trim());
});
if (params.get('name')) {
  $('name').value = params.get('name');
}
if (params.get('room')) {
  $('room').value = params.get('room');
}
