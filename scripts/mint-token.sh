#!/usr/bin/env bash
# Prints a signed dev token (HS256, the secret of conf/gateway.yaml: conf/dev-secret by default).
#   scripts/mint-token.sh alice 'chat.*' 'public.*'        subscribe and publish on those patterns
#   scripts/mint-token.sh bob --subscribe 'news.*' --publish 'chat.bob' --ttl 600
# Other options of the node (--conf, --set) are accepted too. Default lifetime: 3600 s.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
if [ $# -lt 1 ] || [[ "$1" == -* ]]; then
  echo "usage: scripts/mint-token.sh USER [PATTERN...] [--subscribe P] [--publish P] [--ttl SECONDS]" >&2
  exit 2
fi
user="$1"
shift
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --*) args+=("$1" "${2:?missing value for $1}"); shift 2 ;;
    *) args+=(--subscribe "$1" --publish "$1"); shift ;;
  esac
done
ensure_jar
ensure_dev_secret
exec java -jar "$JAR" token --sub "$user" "${args[@]}"
