// An independent fan-out load generator for pubsub-gateway (and any server speaking the vertx-web event-bus
// bridge's JSON frames: register / publish / rec), written with the `ws` package and none of the code of
// scripts/bench.sh, so that the two can check each other (scripts/bench-ws-check.sh runs both).
//
//   node fanout.mjs --urls ws://127.0.0.1:19100/ws[,ws://...] [--subscribers 500] [--workers 2] [--size 64]
//                   [--trial-seconds 3] [--start-rate 50000] [--max-trials 16] [--channel bench.fan] [--pids 1,2]
//
// Subscribers live in --workers child processes, each on its own 127.0.0.x source address, spread over the URLs;
// one publisher on the first URL sends bodies {"r":trial,"s":seq,"t":send time (ns, CLOCK_MONOTONIC),"x":"xx.."}
// at an even pace. A trial passes with every message delivered to every subscriber exactly once, p99 of
// publish-to-receive latency <= 100 ms and at least 95 % of the offered rate sent. The search doubles the offered
// rate while trials pass, tries a failed rate twice more (one passing trial of three is a pass), then bisects until the gap is below 10 %. Server CPU per
// delivery comes from /proc/<pid>/stat of --pids. Progress goes to stderr, the result (JSON) to stdout.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const MAX_P99_MS = 100;
const RETRIES = 2;
const BUCKET_MS = 0.1; // latency histogram resolution
const BUCKETS = 100_001; // up to 10 s; later goes into the last bucket

function options(argv) {
  const o = {
    urls: null, subscribers: 500, workers: 2, size: 64, trialSeconds: 3, startRate: 50_000, maxTrials: 16,
    channel: 'bench.fan', pids: [], worker: null, quietCpu: 15, quietMaxWait: 10,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`${k} needs a value`);
    switch (k) {
      case '--urls': o.urls = v.split(','); break;
      case '--subscribers': o.subscribers = Number(v); break;
      case '--workers': o.workers = Number(v); break;
      case '--size': o.size = Number(v); break;
      case '--trial-seconds': o.trialSeconds = Number(v); break;
      case '--start-rate': o.startRate = Number(v); break;
      case '--max-trials': o.maxTrials = Number(v); break;
      case '--channel': o.channel = v; break;
      case '--pids': o.pids = v.split(',').filter(Boolean).map(Number); break;
      case '--quiet-cpu': o.quietCpu = Number(v); break;
      case '--quiet-max-wait': o.quietMaxWait = Number(v); break;
      case '--worker': o.worker = Number(v); break; // internal: this process is subscriber worker N
      default: throw new Error(`unknown option ${k}`);
    }
  }
  if (!o.urls) throw new Error('--urls is required');
  return o;
}

const now = () => Number(process.hrtime.bigint());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => process.stderr.write(`[ws-bench] ${a.join(' ')}\n`);

// ---------------------------------------------------------------- subscriber worker (a child process)

const S_KEY = Buffer.from('"s":');
const T_KEY = Buffer.from('"t":');
const R_KEY = Buffer.from('"r":');
const PING = '{"type":"ping"}';

function number(buf, key) {
  let i = buf.indexOf(key);
  if (i < 0) return NaN;
  i += key.length;
  let neg = false;
  if (buf[i] === 45) { neg = true; i++; }
  let n = 0;
  for (let c = buf[i]; c >= 48 && c <= 57; c = buf[++i]) n = n * 10 + (c - 48);
  return neg ? -n : n;
}

async function worker(o) {
  const per = [];
  const mine = [];
  for (let s = o.worker; s < o.subscribers; s += o.workers) mine.push(s);
  const last = new Float64Array(mine.length).fill(-1);
  const warm = new Uint8Array(mine.length);
  let trial = -1;
  let unique = 0;
  let duplicates = 0;
  let hist = new Uint32Array(BUCKETS);
  const localAddress = `127.0.0.${20 + o.worker}`;
  let reconnects = 0;
  // a subscriber the server cuts off (a slow consumer under overload) connects again, as a real client would;
  // the coordinator's warm-up before each trial waits until it receives again
  const connect = (s, k, onOpen, onError) => {
    const ws = new WebSocket(o.urls[s % o.urls.length], { localAddress, perMessageDeflate: false, skipUTF8Validation: true });
    per[k] = ws;
    ws.on('open', () => {
      ws.send(JSON.stringify({ type: 'register', address: o.channel }));
      onOpen();
    });
    ws.on('error', (e) => onError(e));
    ws.on('close', () => {
      warm[k] = 0;
      if (!closing) {
        reconnects++;
        setTimeout(() => connect(s, k, () => {}, () => {}), 100);
      }
    });
    ws.on('message', (data) => {
      const seq = number(data, S_KEY);
      if (seq < 0) { warm[k] = 1; return; }
      if (number(data, R_KEY) !== trial) return; // a straggler of an earlier trial
      if (seq > last[k]) {
        last[k] = seq;
        unique++;
        const ms = (now() - number(data, T_KEY)) / 1e6;
        hist[Math.min(BUCKETS - 1, Math.max(0, Math.floor(ms / BUCKET_MS)))]++;
      } else {
        duplicates++; // a repeat or a reordering: either breaks the exactly-once, in-order contract
      }
    });
  };
  let closing = false;
  await Promise.all(mine.map((s, k) => new Promise((resolve, reject) => connect(s, k, resolve, reject))));
  // the bridge's frames include a client ping: vertx-web's bridge closes a socket that sends none for 10 s; each
  // socket pings every 5 s, the pings spread evenly over those 5 s (clients do not ping in step)
  let nextPing = 0;
  setInterval(() => {
    for (let i = 0; i < Math.ceil(per.length / 100); i++) {
      const ws = per[nextPing++ % per.length];
      if (ws.readyState === WebSocket.OPEN) ws.send(PING);
    }
  }, 50);
  process.on('disconnect', () => process.exit(0)); // the coordinator is gone: never linger, reconnecting forever
  process.on('message', (m) => {
    if (m.cmd === 'reset') {
      trial = m.trial; unique = 0; duplicates = 0; last.fill(-1); hist = new Uint32Array(BUCKETS); warm.fill(0);
      process.send({ cmd: 'reset', ok: true });
    } else if (m.cmd === 'warm') {
      process.send({ cmd: 'warm', seen: warm.reduce((a, b) => a + b, 0), of: mine.length });
    } else if (m.cmd === 'count') {
      process.send({ cmd: 'count', unique, duplicates, reconnects });
    } else if (m.cmd === 'stats') {
      const sparse = [];
      hist.forEach((n, i) => { if (n) sparse.push(i, n); });
      process.send({ cmd: 'stats', unique, duplicates, hist: sparse });
    } else if (m.cmd === 'exit') {
      closing = true;
      per.forEach((ws) => ws.terminate());
      process.exit(0);
    }
  });
  process.send({ cmd: 'ready' });
}

// ---------------------------------------------------------------- coordinator and publisher

class Worker {
  constructor(o, index) {
    const args = [];
    for (const [k, v] of Object.entries({
      '--urls': o.urls.join(','), '--subscribers': o.subscribers, '--workers': o.workers, '--channel': o.channel,
      '--worker': index,
    })) args.push(k, String(v));
    this.child = fork(fileURLToPath(import.meta.url), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.waiting = new Map();
    this.child.on('message', (m) => {
      const w = this.waiting.get(m.cmd);
      if (w) { this.waiting.delete(m.cmd); w(m); }
    });
    this.child.on('exit', (code) => { if (code) log(`worker ${index} exited with ${code}`); });
  }

  call(cmd, extra = {}, expect = cmd) {
    return new Promise((resolve) => {
      this.waiting.set(expect, resolve);
      if (cmd !== null) this.child.send({ cmd, ...extra });
    });
  }
}

function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
  }
  return ticks / 100; // USER_HZ
}

function busy() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return { total: f.reduce((a, b) => a + b, 0), idle };
}

async function quiet(o) {
  const start = Date.now();
  for (;;) {
    const a = busy();
    await sleep(500);
    const b = busy();
    const pct = 100 * (1 - (b.idle - a.idle) / Math.max(1, b.total - a.total));
    if (pct < o.quietCpu || (Date.now() - start) / 1000 >= o.quietMaxWait) return pct;
  }
}

function body(trial, seq, size) {
  const head = `{"r":${trial},"s":${seq},"t":${now()},"x":"`;
  return head + 'x'.repeat(Math.max(0, size - head.length - 2)) + '"}';
}

function percentile(hist, q) {
  let total = 0;
  hist.forEach((n) => { total += n; });
  if (!total) return NaN;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i];
    if (seen >= q * total) return (i + 1) * BUCKET_MS;
  }
  return Infinity;
}

async function coordinator(o) {
  const workers = Array.from({ length: o.workers }, (_, i) => new Worker(o, i));
  await Promise.all(workers.map((w) => w.call(null, {}, 'ready')));
  const pub = new WebSocket(o.urls[0], { localAddress: '127.0.0.19', perMessageDeflate: false, skipUTF8Validation: true });
  await new Promise((resolve, reject) => { pub.on('open', resolve); pub.on('error', reject); });
  const publish = (text) => pub.send(`{"type":"publish","address":"${o.channel}","body":${text}}`);
  pub.on('message', (d) => log('publisher got', String(d).slice(0, 200)));
  const pinger = setInterval(() => pub.send(PING), 5000);
  // every subscriber receives before each trial (registrations are asynchronous; cut-off subscribers reconnect)
  async function warmUp() {
    for (let round = 0; ; round++) {
      publish(body(-1, -1, o.size));
      await sleep(50);
      const seen = await Promise.all(workers.map((w) => w.call('warm')));
      if (seen.every((x) => x.seen === x.of)) return;
      if (round > 600) throw new Error('subscribers did not receive within 30 s');
    }
  }
  let trialNo = 0;

  async function trial(deliveries) {
    const t = trialNo++;
    await Promise.all(workers.map((w) => w.call('reset', { trial: t })));
    await warmUp();
    const busyPct = await quiet(o);
    const perSecond = deliveries / o.subscribers;
    const total = Math.max(1, Math.round(perSecond * o.trialSeconds));
    const expected = total * o.subscribers;
    const cpu0 = cpuSeconds(o.pids);
    const start = now();
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((now() - start) / 1e9) * perSecond) + 1);
      while (sent < due) publish(body(t, sent++, o.size));
      await sleep(1);
    }
    const sendSeconds = (now() - start) / 1e9;
    // drain: until every delivery arrived, or 2 s without progress
    let lastCount = -1;
    let lastChange = now();
    for (;;) {
      const counts = await Promise.all(workers.map((w) => w.call('count')));
      const got = counts.reduce((a, c) => a + c.unique + c.duplicates, 0);
      if (got >= expected) break;
      if (got !== lastCount) { lastCount = got; lastChange = now(); }
      if ((now() - lastChange) / 1e9 > 2) break;
      await sleep(20);
    }
    const seconds = (now() - start) / 1e9;
    const cpu = cpuSeconds(o.pids) - cpu0;
    const stats = await Promise.all(workers.map((w) => w.call('stats')));
    const hist = new Uint32Array(BUCKETS);
    let unique = 0;
    let duplicates = 0;
    for (const s of stats) {
      unique += s.unique; duplicates += s.duplicates;
      for (let i = 0; i < s.hist.length; i += 2) hist[s.hist[i]] += s.hist[i + 1];
    }
    const p99 = percentile(hist, 0.99);
    const achieved = total / sendSeconds;
    const offeredReached = sendSeconds <= o.trialSeconds / 0.95;
    const r = {
      offered: deliveries, delivered: unique / seconds, loss: expected - unique, duplicates, p99Ms: p99,
      p50Ms: percentile(hist, 0.5), achievedMessagesPerSec: achieved, cpuMicrosPerDelivery: o.pids.length && unique
        ? (cpu * 1e6) / unique : null, machineBusyBeforePct: Math.round(busyPct),
    };
    r.passed = r.loss === 0 && duplicates === 0 && p99 <= MAX_P99_MS && offeredReached;
    log(`trial ${t}: offered ${Math.round(deliveries)} deliveries/s -> loss ${r.loss}, dup ${duplicates}, `
      + `p99 ${p99.toFixed(1)} ms, sent in ${sendSeconds.toFixed(2)} s: ${r.passed ? 'pass' : 'fail'}`);
    return r;
  }

  log(`${o.subscribers} subscribers over ${o.workers} workers connected`);
  await trial(o.startRate); // JIT warm-up of the server, not scored
  let rate = o.startRate;
  let best = null;
  let failed = null;
  let retried = -1;
  let retries = 0;
  const trials = [];
  while (trials.length < o.maxTrials) {
    const r = await trial(rate);
    trials.push(r);
    if (r.passed) {
      best = best && best.offered > r.offered ? best : r;
      rate = failed ? (rate + failed.offered) / 2 : rate * 2;
    } else if (rate !== retried || retries < RETRIES) {
      retries = rate === retried ? retries + 1 : 1; // a failed rate is tried RETRIES more times before it caps the search
      retried = rate;
      continue;
    } else {
      failed = failed && failed.offered < r.offered ? failed : r;
      rate = best ? (best.offered + failed.offered) / 2 : rate / 2;
    }
    if (best && failed && (failed.offered - best.offered) / best.offered < 0.1) break;
  }
  const reconnects = (await Promise.all(workers.map((w) => w.call('count')))).reduce((a, c) => a + c.reconnects, 0);
  clearInterval(pinger);
  pub.terminate();
  await Promise.all(workers.map((w) => { w.child.send({ cmd: 'exit' }); return new Promise((r) => w.child.on('exit', r)); }));
  const result = {
    tool: 'ws-bench (Node.js ' + process.version + ', ws)', subscribers: o.subscribers, size: o.size,
    maxDeliveriesPerSec: best ? Math.round(best.delivered) : 0, maxOfferedPerSec: best ? Math.round(best.offered) : 0,
    reconnects, trials,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

const o = options(process.argv.slice(2));
if (o.worker !== null) {
  worker(o).catch((e) => { log(`worker ${o.worker}: ${e.stack || e}`); process.exit(1); });
} else {
  coordinator(o).catch((e) => { log(e.stack || e); process.exit(1); }); // the workers see the disconnect and exit
}
