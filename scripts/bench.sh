#!/usr/bin/env bash
# Benchmark driver.
#   scripts/bench.sh setup       installs what the comparison needs besides Java: nats-server (Debian package),
#                                only when it is not on PATH yet; needs root (apt-get), then exits.
#   scripts/bench.sh [ARGS...]   builds target/pubsub-gateway.jar if missing, then runs the benchmark
#                                (io.pubsubgateway.bench.BenchMain) with ARGS; every server runs as its own process
#                                on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if [ "${1:-}" = "setup" ]; then
  if command -v nats-server >/dev/null 2>&1; then
    echo "nats-server already installed: $(command -v nats-server) ($(nats-server --version 2>&1 | head -n1))"
  else
    echo "installing nats-server from the Debian packages: apt-get update && apt-get install nats-server" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server
    echo "installed nats-server: $(command -v nats-server || echo /usr/sbin/nats-server)"
  fi
  exit 0
fi

ensure_jar
# the --add-opens are what Hazelcast asks for (the churn scenario joins the cluster to count registrations)
exec java -Xms1g -Xmx1g --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED -cp "$JAR" io.pubsubgateway.bench.BenchMain "$@"
