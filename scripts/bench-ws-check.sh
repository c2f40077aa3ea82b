#!/usr/bin/env bash
# Cross-checks the benchmark with an independent load generator.
#   scripts/bench-ws-check.sh [--systems bridge] [--subscribers 500] [--size 64] [--workers 2] [--passes 3]
# For each pass, in turn: scripts/bench.sh fanout measures the system's highest delivered rate (zero loss,
# p99 <= 100 ms), then src/test/ws-bench/fanout.mjs (Node.js and the ws npm package, none of the benchmark's code)
# searches the same figure against the same system, started the same way (scripts/bench.sh serve). Prints both
# figures of every pass, their medians and the ratio, and whether they agree within 25 %. Systems: those that speak
# the event-bus bridge's frames (gateway, gateway-N, raw-vertx, bridge, bridge-N). Loopback only; results in
# target/bench-results/ws-check-<time>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

system=bridge subscribers=500 size=64 workers=2 passes=3
while [ $# -gt 0 ]; do
  case "$1" in
    --systems) system="$2" ;;
    --subscribers) subscribers="$2" ;;
    --size) size="$2" ;;
    --workers) workers="$2" ;;
    --passes) passes="$2" ;;
    -h|--help) sed -n 2,9p "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift 2
done
case "$system" in
  *,*|nats) echo "--systems takes one system that speaks the bridge's frames (gateway, gateway-N, raw-vertx, bridge, bridge-N)" >&2; exit 2 ;;
esac

BENCH_JAR=target/pubsub-gateway-bench.jar
[ -f "$BENCH_JAR" ] || { echo "building $BENCH_JAR and $JAR..." >&2; mvn -q -B -DskipTests package >&2; }
ensure_jar
if [ ! -d src/test/ws-bench/node_modules/ws ]; then
  (cd src/test/ws-bench && npm ci --no-audit --no-fund >&2)
fi

results=target/bench-results
mkdir -p "$results/work"
stamp=$(date +%Y%m%d-%H%M%S)
common=(--systems "$system" --subscribers "$subscribers" --size "$size" --workers "$workers")
bench_figures=() ws_figures=()
for pass in $(seq 1 "$passes"); do
  echo "== pass $pass/$passes: scripts/bench.sh" >&2
  scripts/bench.sh fanout "${common[@]}" --passes 1 --fixed-rate 25000 --results "$results/ws-check-$stamp-bench$pass" >&2
  bench_figures+=("$(jq -r '.results[0].throughputPerSec' "$results/ws-check-$stamp-bench$pass/fanout-latest.json")")

  echo "== pass $pass/$passes: the ws client" >&2
  fifo="$results/work/ws-check-$$.in"
  rm -f "$fifo" && mkfifo "$fifo"
  scripts/bench.sh serve --systems "$system" --base-port 19400 < "$fifo" > "$results/work/ws-check-$$.serve" &
  serve=$!
  exec 7> "$fifo" # held open: the system runs until this closes
  for _ in $(seq 1 240); do
    [ -s "$results/work/ws-check-$$.serve" ] && break
    kill -0 "$serve" 2>/dev/null || { echo "bench.sh serve exited before the system was up" >&2; exit 1; }
    sleep 0.5
  done
  line=$(head -n 1 "$results/work/ws-check-$$.serve")
  urls=$(jq -r '.urls | join(",")' <<< "$line")
  pids=$(jq -r '.pids | map(tostring) | join(",")' <<< "$line")
  node src/test/ws-bench/fanout.mjs --urls "$urls" --pids "$pids" --subscribers "$subscribers" --size "$size" \
    --workers "$workers" > "$results/ws-check-$stamp-ws$pass.json"
  exec 7>&-
  wait "$serve" || true
  rm -f "$fifo" "$results/work/ws-check-$$.serve"
  ws_figures+=("$(jq -r '.maxDeliveriesPerSec' "$results/ws-check-$stamp-ws$pass.json")")
  echo "pass $pass: scripts/bench.sh ${bench_figures[-1]} deliveries/s, ws client ${ws_figures[-1]} deliveries/s" >&2
done

node - "$system" "$subscribers" "$size" "${bench_figures[*]}" "${ws_figures[*]}" "$results/ws-check-$stamp.json" <<'EOF'
const [system, subscribers, size, benchList, wsList, out] = process.argv.slice(2);
const nums = (s) => s.split(' ').map(Number);
const median = (a) => { const b = [...a].sort((x, y) => x - y); return b[Math.floor((b.length - 1) / 2)]; };
const bench = nums(benchList), ws = nums(wsList);
const mb = median(bench), mw = median(ws);
const ratio = mw / mb;
const agree = Math.abs(ratio - 1) <= 0.25;
const fmt = (v) => v >= 1e6 ? (v / 1e6).toFixed(2) + 'M' : (v / 1e3).toFixed(1) + 'k';
console.log(`system ${system}, ${subscribers} subscribers, ${size} B: highest delivered rate with zero loss and p99 <= 100 ms`);
bench.forEach((b, i) => console.log(`  pass ${i + 1}: scripts/bench.sh ${fmt(b)}/s, ws client ${fmt(ws[i])}/s (${(ws[i] / b).toFixed(2)}x)`));
console.log(`  medians: scripts/bench.sh ${fmt(mb)}/s, ws client ${fmt(mw)}/s; ws / bench = ${ratio.toFixed(2)}x: `
  + (agree ? 'agree within 25 %' : 'DIFFER by more than 25 %'));
require('node:fs').writeFileSync(out, JSON.stringify({ system, subscribers: +subscribers, size: +size, bench, ws,
  medianBench: mb, medianWs: mw, ratio, agreeWithin25Percent: agree }, null, 2) + '\n');
console.log(`results: ${out}`);
EOF
