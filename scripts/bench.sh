#!/usr/bin/env bash
# Benchmark driver.
#   scripts/bench.sh setup       scripts/setup.sh: installs nats-server (the comparison's peer) and the other test
#                                tools when missing; needs root (apt-get), then exits.
#   scripts/bench.sh [ARGS...]   builds target/pubsub-gateway.jar and the benchmark's own jar,
#                                target/pubsub-gateway-bench.jar (source set src/bench/java), if missing, then runs
#                                the benchmark (io.pubsubgateway.bench.BenchMain) with ARGS; every server runs as its
#                                own process on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

if [ "${1:-}" = "setup" ]; then
  exec scripts/setup.sh # nats-server (and what the other tests need)
fi

BENCH_JAR=target/pubsub-gateway-bench.jar
if [ ! -f "$BENCH_JAR" ]; then
  echo "building $BENCH_JAR and $JAR..." >&2
  mvn -q -B -DskipTests package >&2
fi
ensure_jar
# the --add-opens are what Hazelcast asks for (the churn scenario joins the cluster to count registrations)
exec java -Xms1g -Xmx1g --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED -cp "$BENCH_JAR:$JAR" io.pubsubgateway.bench.BenchMain "$@"
