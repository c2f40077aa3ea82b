#!/usr/bin/env bash
# Stops the nodes started by scripts/start-cluster.sh: SIGTERM (clients get close 1001, the node
# leaves the cluster), SIGKILL after 20 s if a node has not exited.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=target/cluster
shopt -s nullglob
pids=("$dir"/node-*.pid)
if [ ${#pids[@]} -eq 0 ]; then
  echo "no nodes recorded in $dir"
  exit 0
fi
for f in "${pids[@]}"; do
  pid=$(cat "$f")
  kill -TERM "$pid" 2>/dev/null || true
done
for f in "${pids[@]}"; do
  pid=$(cat "$f")
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$(basename "$f" .pid) (pid $pid) did not stop in 20 s: killing" >&2
    kill -KILL "$pid" 2>/dev/null || true
  else
    echo "$(basename "$f" .pid) (pid $pid) stopped"
  fi
  rm -f "$f"
done
