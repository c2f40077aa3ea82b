#!/usr/bin/env bash
# Command-line client (wraps the Java SDK):
#   scripts/pubsub.sh sub CHANNEL... [--url URL]... [--token JWT] [--count N]   one JSON line per message
#   scripts/pubsub.sh pub CHANNEL [JSON] [--url URL]... [--token JWT]          one body, or one per stdin line
# Token: --token, else $PUBSUB_TOKEN, else a dev token minted from conf/gateway.yaml for the channels.
# wss:// URLs: --trust PEM trusts the node's certificate or CA in that file; --insecure (dev only) trusts any.
# Exit status: 0 ok, 1 other error, 2 bad JSON body, 3 refused (e.g. access_denied), 4 token rejected,
# 5 no node reachable (or its certificate refused).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
case "${1:-}" in
  sub|pub) ;;
  *) echo "usage: scripts/pubsub.sh sub CHANNEL... | pub CHANNEL [JSON]   (see --help of each)" >&2; exit 1 ;;
esac
ensure_jar
exec java -jar "$JAR" "$@"
