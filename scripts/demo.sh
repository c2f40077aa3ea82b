#!/usr/bin/env bash
# The chat demo: a 2-node local cluster (scripts/start-cluster.sh) with demo.enabled, on ports
# BASE_PORT (8080) and +1. Open both URLs it prints in two browser windows, pick names and the same
# room, chat; stop one node (kill its pid, or scripts/stop-cluster.sh) and the other page carries on.
# The demo's token endpoint (GET /demo/token?user=NAME, enabled only with demo.enabled) signs tokens
# for room.* with the dev secret; scripts/mint-token.sh USER 'room.*' does the same from a shell.
# Stop with scripts/stop-cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${BASE_PORT:-8080}"
scripts/start-cluster.sh 2 --set demo.enabled=true "$@"
echo
echo "chat demo:"
echo "  http://127.0.0.1:$base/demo/?room=lobby"
echo "  http://127.0.0.1:$((base + 1))/demo/?room=lobby"
echo "tokens: curl -s 'http://127.0.0.1:$base/demo/token?user=alice'   (or scripts/mint-token.sh alice 'room.*')"
echo "stop:   scripts/stop-cluster.sh"
