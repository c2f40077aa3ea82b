#!/usr/bin/env bash
# Installs what the tests need besides Java 17 and Maven, each only when it is missing, from the
# Debian packages (apt-get: needs root):
#   nats-server      the benchmark's peer (BenchSmokeIT, SystemsIT)
#   chromium         the browser tests (headless, driven by the npm package playwright-core)
#   nodejs, npm      the JavaScript SDK's tests and the browser tests (npm packages come from the npm registry)
#   haproxy          the load balancer of scripts/netns-cluster.sh (NetnsClusterIT)
# The README's test command and .ci/run run it first: scripts/setup.sh && mvn -B -ntp verify
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: nats-server, chromium, node, npm and haproxy present"
  exit 0
fi
echo "setup: installing ${missing[*]} from the Debian packages (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: installed ${missing[*]}"
