#!/usr/bin/env bash
# Starts N local nodes (default 3) as background processes on consecutive HTTP ports from
# BASE_PORT (default 8080), clustered through Hazelcast on loopback. Logs and pids go to
# target/cluster/ (node-1.log, node-1.pid, ...). Extra arguments go to every node.
#   scripts/start-cluster.sh 3
#   BASE_PORT=9000 scripts/start-cluster.sh 2 --set limits.maxConnections=50000
# Stop them with scripts/stop-cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
n="${1:-3}"
shift || true
base="${BASE_PORT:-8080}"
dir=target/cluster
ensure_jar
ensure_dev_secret
mkdir -p "$dir"
for i in $(seq 1 "$n"); do
  if [ -f "$dir/node-$i.pid" ] && kill -0 "$(cat "$dir/node-$i.pid")" 2>/dev/null; then
    echo "node $i already running (pid $(cat "$dir/node-$i.pid")); run scripts/stop-cluster.sh first" >&2
    exit 1
  fi
done
for i in $(seq 1 "$n"); do
  port=$((base + i - 1))
  log="$dir/node-$i.log"
  # shellcheck disable=SC2086
  nohup java ${JAVA_OPTS:-} -jar "$JAR" --set http.port="$port" "$@" > "$log" 2>&1 &
  echo $! > "$dir/node-$i.pid"
  # wait until the node serves (so members join one after the other)
  for _ in $(seq 1 120); do
    if grep -q "listening on" "$log"; then break; fi
    if ! kill -0 "$(cat "$dir/node-$i.pid")" 2>/dev/null; then
      echo "node $i failed to start:" >&2
      tail -n 5 "$log" >&2
      exit 1
    fi
    sleep 0.5
  done
  grep -q "listening on" "$log" || { echo "node $i did not start within 60 s (see $log)" >&2; exit 1; }
  echo "node $i: ws://127.0.0.1:$port/ws  (pid $(cat "$dir/node-$i.pid"), log $log)"
done
