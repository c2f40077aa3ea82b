#!/usr/bin/env bash
# Starts one pubsub-gateway node in the foreground on conf/gateway.yaml.
# Builds the jar if missing and creates the dev secret (conf/dev-secret) on first start.
# Extra arguments go to the node, e.g.:  scripts/start-node.sh --set http.port=8081
# JVM options: JAVA_OPTS="-Xmx512m" scripts/start-node.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
ensure_jar
ensure_dev_secret
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -jar "$JAR" "$@"
