#!/usr/bin/env bash
# A multi-host cluster on one machine: each "host" is a Linux network namespace with its own address
# from 198.18.0.0/15 on a bridge this script creates, running one gateway node bound to that address,
# with HAProxy on 127.0.0.1 in front of them. Needs root (ip netns); haproxy and curl from scripts/setup.sh.
#   scripts/netns-cluster.sh up [N] [--run ID] [--lb-port P] [NODE ARGS...]
#                                     N hosts h1..hN (default 3, 1..20); NODE ARGS (e.g. --set api.enabled=true)
#                                     go to every node and are kept for restart; JVM flags from JAVA_OPTS
#                                     (default -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1); prints
#                                     the URLs and writes them to target/netns-cluster/ID/env
#   scripts/netns-cluster.sh down                   stops nodes and HAProxy, removes namespaces, links, state
#   scripts/netns-cluster.sh partition HOST...      cuts the listed hosts off from the others (both ways);
#                                                   the root namespace (HAProxy, clients) still reaches all
#   scripts/netns-cluster.sh heal                   removes every cut
#   scripts/netns-cluster.sh kill HOST              SIGKILL to the host's node
#   scripts/netns-cluster.sh restart HOST           SIGKILL if running, start again with the same arguments,
#                                                   wait until it serves
#   scripts/netns-cluster.sh status                 the run's hosts, nodes, readiness, cuts, HAProxy's view
#   scripts/netns-cluster.sh logs HOST [-f]         the node's log (-f: follow)
#   scripts/netns-cluster.sh exec HOST CMD...       runs CMD inside the host's namespace
# Every command takes --run ID (or NETNS_RUN=ID); without it, the only run there is. Runs are separate:
# names carry the run id (namespaces pgw-ID-hI, bridge pgwIDbr, veths pgwIDhI), each gets its own
# 198.18.K.0/24, cluster name netns-ID and state dir target/netns-cluster/ID/.
# Exit status: 0 ok, 1 failure, 2 bad usage (unknown command or host, N out of range), 3 not root,
# 4 a tool is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

STATE_ROOT=target/netns-cluster
# machine-wide: subnets and interface names are shared by every checkout on this machine
LOCK_FILE=/run/lock/pubsub-gateway-netns-cluster.lock
MAX_HOSTS=20
HTTP_PORT=8080
EVENT_BUS_PORT=5800
HZ_PORT=5701
# small heaps, one GC thread, C1 only: three JVMs start in about 10 s on 2 cores (test hosts, not benchmarks)
DEFAULT_JAVA_OPTS="-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
START_TIMEOUT=90 # seconds, per wait of a node or HAProxy
STOP_TIMEOUT=20  # seconds between SIGTERM and SIGKILL

log() { echo "netns-cluster: $*" >&2; }
die() { log "$*"; exit 1; }
usage_error() { log "$*"; echo "usage: scripts/netns-cluster.sh up|down|partition|heal|kill|restart|status|logs|exec ... (see the script's header)" >&2; exit 2; }

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "'$1' needs root (network namespaces, bridge, veth): run it as root, e.g. sudo scripts/netns-cluster.sh $1"
    exit 3
  fi
}

require_tools() {
  local missing=() t
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "missing: ${missing[*]}; run scripts/setup.sh (as root) to install it"
    exit 4
  fi
}

# --- names of a run (RUN set) ---
ns_name() { echo "pgw-$RUN-h$1"; }
veth_name() { echo "pgw${RUN}h$1"; } # root side; inside the namespace the peer is eth0 (<= 15 characters)
bridge_name() { echo "pgw${RUN}br"; }
host_addr() { echo "$SUBNET_BASE.$((10 + $1))"; }

valid_run_id() { [[ "$1" =~ ^[a-z0-9]{1,8}$ ]]; }

# Runs on this machine for this checkout: state dirs, plus namespaces of runs whose state dir is gone.
list_runs() {
  {
    if [ -d "$STATE_ROOT" ]; then
      find "$STATE_ROOT" -mindepth 1 -maxdepth 1 -type d -printf '%f\n'
    fi
    ip netns list 2>/dev/null | awk '{print $1}' | sed -nE 's/^pgw-([a-z0-9]+)-h[0-9]+$/\1/p'
  } | sort -u
}

# Sets RUN from --run / NETNS_RUN, else the only run; 'optional' returns 1 instead of failing when none.
select_run() {
  if [ -n "${RUN:-}" ]; then
    valid_run_id "$RUN" || usage_error "bad run id '$RUN' (1 to 8 of a-z, 0-9)"
    return 0
  fi
  local runs
  mapfile -t runs < <(list_runs)
  if [ ${#runs[@]} -eq 0 ]; then
    [ "${1:-}" = optional ] && return 1
    die "no netns cluster run here (start one: scripts/netns-cluster.sh up)"
  fi
  if [ ${#runs[@]} -gt 1 ]; then
    usage_error "several runs: ${runs[*]}; choose one with --run ID or NETNS_RUN=ID"
  fi
  RUN="${runs[0]}"
}

# Loads the run's env file (written by up): N, SUBNET_BASE, LB_PORT...
load_run() {
  STATE="$STATE_ROOT/$RUN"
  [ -f "$STATE/env" ] || die "run $RUN: no $STATE/env (not up, or up failed); 'down --run $RUN' removes what is left"
  # shellcheck disable=SC1090,SC1091
  . "$STATE/env"
}

# HOST (h1..hN) -> its index; exit 2 for anything else.
host_index() {
  if [[ "$1" =~ ^h([1-9][0-9]?)$ ]] && [ "${BASH_REMATCH[1]}" -le "$N" ]; then
    echo "${BASH_REMATCH[1]}"
  else
    usage_error "unknown host '$1' in run $RUN (hosts: $HOSTS)"
  fi
}

# Polls CMD... every 0.25 s for at most SECONDS; 1 when it never succeeded.
wait_for() {
  local seconds="$1" deadline
  shift
  deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.25
  done
}

http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$1" 2>/dev/null || true; }
ready() { [ "$(http_status "http://$(host_addr "$1"):$HTTP_PORT/health/ready")" = 200 ]; }

node_pid() { cat "$STATE/h$1.pid" 2>/dev/null || true; }
# The recorded pid is a node of this run (not a recycled pid).
node_alive() {
  local pid
  pid=$(node_pid "$1")
  [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q -- "--set cluster.name=netns-$RUN "
}

# Node I logged "listening on" after line SKIP of its log (a restart appends to the same log).
listening_since() {
  local i="$1" skip="$2"
  tail -n +"$((skip + 1))" "$STATE/h$i.log" 2>/dev/null | grep -q "listening on"
}

# Starts node I in its namespace from its saved command line (STATE/hI.cmd, NUL-separated).
start_node() {
  local i="$1" cmd
  mapfile -d '' -t cmd < "$STATE/h$i.cmd"
  echo "=== $(date '+%F %T') starting: ${cmd[*]}" >> "$STATE/h$i.log"
  # setsid: its own session, so a Ctrl-C of this script does not reach it
  setsid ip netns exec "$(ns_name "$i")" "${cmd[@]}" >> "$STATE/h$i.log" 2>&1 < /dev/null &
  echo $! > "$STATE/h$i.pid"
}

# Waits until node I logs "listening on" after line SKIP of its log; exit 1 otherwise (a failing up prints
# the end of every log itself).
await_listening() {
  local i="$1" skip="$2" deadline=$((SECONDS + START_TIMEOUT)) problem=""
  until listening_since "$i" "$skip"; do
    node_alive "$i" || problem="the node exited while starting"
    [ "$SECONDS" -lt "$deadline" ] || problem="not listening after ${START_TIMEOUT} s"
    if [ -n "$problem" ]; then
      log "h$i: $problem (log: $STATE/h$i.log)"
      [ -n "${UP_RUNNING:-}" ] || tail -n 15 "$STATE/h$i.log" >&2
      exit 1
    fi
    sleep 0.25
  done
}

await_ready() {
  wait_for "$START_TIMEOUT" ready "$1" \
    || die "h$1: /health/ready did not answer 200 within ${START_TIMEOUT} s (see $STATE/h$1.log)"
}

# Hazelcast's last membership line of node I lists COUNT members.
members_seen() {
  local last
  last=$(grep -o 'Members {size:[0-9]*' "$STATE/h$1.log" 2>/dev/null | tail -n 1) || true
  [ "${last#Members \{size:}" = "$2" ]
}

# HAProxy's view of server hI: "UP L7OK" once a check passed.
lb_server_state() {
  curl -s --max-time 2 "http://127.0.0.1:$LB_PORT/haproxy-stats;csv" 2>/dev/null \
    | awk -F, -v s="h$1" '$1 == "gateways" && $2 == s {print $18, $37}'
}
lb_server_up() { [ "$(lb_server_state "$1")" = "UP L7OK" ]; }

port_free() { ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# 198.18.K.0/24 overlaps no address or route of the root namespace.
subnet_free() {
  local k="$1"
  { ip -4 -o addr show | awk '{print $4}'; ip -4 route show table all | awk '{print $1; print $2}'; } \
    | awk -v k="$k" -F'[./]' '
        NF >= 4 && $1 ~ /^[0-9]+$/ && $4 ~ /^[0-9]+$/ {
          p = (NF >= 5 && $5 != "") ? $5 : 32
          a = (($1 * 256 + $2) * 256 + $3) * 256 + $4
          size = 2 ^ (32 - p); start = a - a % size
          lo = ((198 * 256 + 18) * 256 + k) * 256
          if (start <= lo + 255 && start + size - 1 >= lo) used = 1
        }
        END { exit used ? 1 : 0 }'
}

# The Hazelcast config of the run: conf/cluster.xml with the hosts as members and the subnet as interface.
write_cluster_xml() {
  local members="" i
  for i in $(seq 1 "$N"); do
    members+="          <member>$(host_addr "$i"):$HZ_PORT</member> <!-- h$i -->"$'\n'
  done
  {
    cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!--
  Hazelcast configuration of a pubsub-gateway cluster on $N hosts, generated by scripts/netns-cluster.sh
  (run $RUN) from conf/cluster.xml: the member list and the interface are this cluster's, every other
  setting is the shipped one (TCP-IP join only, multicast and auto-detection off, the interface pinned,
  phone-home off, the heartbeat and merge timings, the __vertx.* structures).

  The template for real hosts: copy this file (e.g. to conf/cluster-hosts.xml), then
    <member-list>  one <member> per gateway host, address:port (the same list on every host). Give the port:
                   without one Hazelcast tries hazelcast.tcp.join.port.try.count ports per host, and after a
                   partition its split-brain check waits 5 s for each port where nobody listens, so a healed
                   partition merges minutes late instead of seconds,
    <port>         the one port every host listens on ($HZ_PORT, auto-increment off: one node per host),
    <interface>    the hosts' network as a wildcard like 198.18.$SUBNET_K.* (or one line per host address):
                   Hazelcast binds and advertises only the address matching it.
  On each node (conf/gateway.yaml, GATEWAY_* variables or the set option of the jar), as this run does:
    cluster.hazelcastConfig  this file
    cluster.host             that host's address the other hosts reach (the event bus binds it)
    cluster.port             a fixed event-bus port ($EVENT_BUS_PORT here), for the firewall
    http.host                the address clients or the load balancer connect to (port $HTTP_PORT here)
    cluster.minMembers       the majority of the hosts, N/2 + 1 ($MIN_MEMBERS of $N here)
  Open between the hosts TCP $HZ_PORT (Hazelcast) and cluster.port; to the clients http.port.
  The nodes of this run override <cluster-name> with cluster.name=$CLUSTER_NAME. See src/docs/operations.md, "Cluster setup".
-->
EOF
    awk -v members="$members" -v wildcard="$SUBNET_BASE.*" -v hzport="$HZ_PORT" '
      /<hazelcast[ >]/ { body = 1 }
      !body { next }
      /<member-list>/ { print; printf "%s", members; skipping = 1; lists++; next }
      /<\/member-list>/ { skipping = 0; print; next }
      skipping { next }
      /<port auto-increment=/ { sub(/<port auto-increment="[a-z]*"[^>]*>[0-9]*<\/port>/, "<port auto-increment=\"false\">" hzport "</port>"); ports++ }
      /<interfaces enabled="true">/ { print; inInterfaces = 1; next }
      inInterfaces && /<interface>/ { sub(/<interface>[^<]*<\/interface>/, "<interface>" wildcard "</interface>"); ifaces++ }
      /<\/interfaces>/ { inInterfaces = 0 }
      { print }
      END { if (lists != 1 || ifaces != 1 || ports != 1) exit 3 }
    ' conf/cluster.xml
  } > "$STATE/cluster.xml" || die "conf/cluster.xml: expected one <port auto-increment=...>, one <member-list> and one <interfaces enabled=\"true\"> entry"
}

write_haproxy_cfg() {
  local i
  {
    cat <<EOF
# HAProxy in front of the gateway nodes of netns-cluster run $RUN (generated by scripts/netns-cluster.sh)
global
  log stdout format raw local0 info
  # no maxconn: HAProxy derives it from the file-descriptor limit (a fixed one fails when the limit is lower)

defaults
  mode http
  log global
  option httplog
  option dontlognull
  timeout connect 2s
  timeout client 30s
  timeout server 30s
  # an upgraded WebSocket may stay idle this long (clients ping every 20 s; the node's idle timeout is 60 s)
  timeout tunnel 1h
  timeout client-fin 5s
  timeout http-request 10s
  timeout check 2s
  retries 2
  option redispatch

frontend gateway
  bind 127.0.0.1:$LB_PORT
  stats enable
  stats uri /haproxy-stats
  # the script polls the stats page: not logged; every other request (WebSocket sessions at their end) is
  http-request set-log-level silent if { path_beg /haproxy-stats }
  default_backend gateways

backend gateways
  balance leastconn
  # a node answers 503 while starting, shutting down, or outside its cluster; no shutdown-sessions:
  # a node that goes down closes its own clients with a close code they act on
  option httpchk
  http-check send meth GET uri /health/ready ver HTTP/1.1 hdr Host gateway
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
EOF
    for i in $(seq 1 "$N"); do
      echo "  server h$i $(host_addr "$i"):$HTTP_PORT check"
    done
  } > "$STATE/haproxy.cfg"
}

haproxy_alive() {
  local pid
  pid=$(cat "$STATE/haproxy.pid" 2>/dev/null) || return 1
  tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q -- "$STATE/haproxy.cfg"
}

start_haproxy() {
  local attempt
  for attempt in 1 2 3 4 5; do
    if [ -z "$LB_PORT_CHOSEN" ]; then
      LB_PORT=$((20000 + RANDOM % 10000))
      port_free "$LB_PORT" || continue
    fi
    write_haproxy_cfg
    haproxy -c -q -f "$STATE/haproxy.cfg" || die "haproxy rejects $STATE/haproxy.cfg"
    setsid haproxy -db -f "$STATE/haproxy.cfg" >> "$STATE/haproxy.log" 2>&1 < /dev/null &
    echo $! > "$STATE/haproxy.pid"
    if wait_for 10 lb_answers_or_exited && haproxy_alive; then
      return 0
    fi
    haproxy_alive && die "HAProxy does not answer on 127.0.0.1:$LB_PORT"
    [ -z "$LB_PORT_CHOSEN" ] || die "HAProxy could not listen on 127.0.0.1:$LB_PORT (in use?): $(tail -n 3 "$STATE/haproxy.log")"
    log "HAProxy could not start on $LB_PORT (attempt $attempt), another port"
  done
  die "HAProxy did not start (see $STATE/haproxy.log)"
}
lb_answers_or_exited() { ! haproxy_alive || [ "$(http_status "http://127.0.0.1:$LB_PORT/haproxy-stats;csv")" = 200 ]; }

# Everything of run RUN, whatever exists of it: nodes (TERM, KILL after STOP_TIMEOUT), HAProxy, namespaces,
# veths, bridge, state dir. Used by down and by a failing up.
teardown() {
  local state="$STATE_ROOT/$RUN" nss ns pids=() pid f i deadline
  mapfile -t nss < <(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^pgw-$RUN-h[0-9]+$" || true)
  for ns in "${nss[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do pids+=("$pid"); done
  done
  for f in "$state"/h[0-9]*.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q -- "--set cluster.name=netns-$RUN " && pids+=("$pid")
  done
  # HAProxy runs in the root namespace: found by its config path (also when the state dir is gone)
  for f in /proc/[0-9]*/cmdline; do
    tr '\0' ' ' 2>/dev/null < "$f" | grep -q -- "^haproxy .*$state/haproxy.cfg" || continue
    pid="${f#/proc/}"
    pids+=("${pid%/cmdline}")
  done
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    deadline=$((SECONDS + STOP_TIMEOUT))
    for pid in "${pids[@]}"; do
      while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
      if kill -0 "$pid" 2>/dev/null; then
        log "pid $pid did not stop within ${STOP_TIMEOUT} s of SIGTERM: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
    for pid in "${pids[@]}"; do
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
  fi
  for ns in "${nss[@]}"; do
    i="${ns##*-h}"
    ip link del "pgw${RUN}h$i" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || log "could not delete namespace $ns"
  done
  # veths whose namespace is already gone, then the bridge
  for f in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^pgw${RUN}(h[0-9]+|br)$" || true); do
    ip link del "$f" 2>/dev/null || log "could not delete link $f"
  done
  rm -rf "$state"
}

# --- commands ---

cmd_up() {
  local n="" extras=() lb_port="" i k
  require_root up
  # N is the first argument that is not an option; --run and --lb-port anywhere; the rest goes to the nodes
  while [ $# -gt 0 ]; do
    case "$1" in
      --run) RUN="${2:-}"; shift 2 || usage_error "--run needs an id" ;;
      --lb-port) lb_port="${2:-}"; shift 2 || usage_error "--lb-port needs a port" ;;
      --) shift; extras+=("$@"); break ;;
      *)
        if [ -z "$n" ] && [ ${#extras[@]} -eq 0 ] && [[ "$1" != -* ]]; then n="$1"; else extras+=("$1"); fi
        shift ;;
    esac
  done
  n="${n:-3}"
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le "$MAX_HOSTS" ] || usage_error "N must be 1..$MAX_HOSTS, got '$n'"
  if [ -n "$lb_port" ] && ! { [[ "$lb_port" =~ ^[0-9]+$ ]] && [ "$lb_port" -ge 1 ] && [ "$lb_port" -le 65535 ]; }; then
    usage_error "--lb-port must be 1..65535, got '$lb_port'"
  fi
  if [ -z "${RUN:-}" ]; then
    RUN=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
  fi
  valid_run_id "$RUN" || usage_error "bad run id '$RUN' (1 to 8 of a-z, 0-9)"
  require_tools ip haproxy curl flock setsid ss java
  if [ -n "$lb_port" ] && ! port_free "$lb_port"; then
    die "--lb-port $lb_port: the port is in use on this machine"
  fi
  ensure_jar
  ensure_dev_secret

  local started=$SECONDS
  N="$n"
  MIN_MEMBERS=$((N / 2 + 1))
  CLUSTER_NAME="netns-$RUN"
  STATE="$STATE_ROOT/$RUN"
  LB_PORT="$lb_port"
  LB_PORT_CHOSEN="$lb_port"
  mkdir -p "$STATE_ROOT"

  # run id and subnet are chosen under a machine-wide lock, held until the bridge carries the subnet
  exec 9> "$LOCK_FILE"
  flock -w 60 9 || die "another 'up' holds $LOCK_FILE for over 60 s"
  if [ -e "$STATE" ] || [ -n "$(list_runs | grep -x "$RUN" || true)" ] || ip link show "$(bridge_name)" >/dev/null 2>&1; then
    die "run $RUN exists already (scripts/netns-cluster.sh down --run $RUN)"
  fi
  UP_RUNNING=1
  trap 'up_failed $?' EXIT
  trap 'exit 130' INT TERM HUP
  trap 'exit 141' PIPE # e.g. piped into a command that is missing: still clean up
  mkdir -p "$STATE"
  SUBNET_K=""
  for k in $(seq 1 254); do
    if subnet_free "$k"; then SUBNET_K="$k"; break; fi
  done
  [ -n "$SUBNET_K" ] || die "no free 198.18.K.0/24 on this machine"
  SUBNET_BASE="198.18.$SUBNET_K"
  ip link add "$(bridge_name)" type bridge
  ip addr add "$SUBNET_BASE.1/24" dev "$(bridge_name)"
  ip link set "$(bridge_name)" up
  flock -u 9
  exec 9>&-

  HOSTS=$(seq -s, -f 'h%g' 1 "$N")
  {
    echo "# netns-cluster run $RUN (scripts/netns-cluster.sh); KEY=value lines, may be sourced by sh"
    echo "RUN=$RUN"
    echo "STATE_DIR=$PWD/$STATE"
    echo "N=$N"
    echo "HOSTS=$HOSTS"
    echo "CLUSTER_NAME=$CLUSTER_NAME"
    echo "MIN_MEMBERS=$MIN_MEMBERS"
    echo "SUBNET=$SUBNET_BASE.0/24"
    echo "SUBNET_K=$SUBNET_K"
    echo "SUBNET_BASE=$SUBNET_BASE"
    echo "BRIDGE=$(bridge_name)"
    echo "BRIDGE_ADDR=$SUBNET_BASE.1"
    echo "HTTP_PORT=$HTTP_PORT"
    echo "HAZELCAST_CONFIG=$PWD/$STATE/cluster.xml"
  } > "$STATE/env.partial"

  for i in $(seq 1 "$N"); do
    ip netns add "$(ns_name "$i")"
    ip link add "$(veth_name "$i")" type veth peer name eth0 netns "$(ns_name "$i")"
    ip link set "$(veth_name "$i")" master "$(bridge_name)" up
    ip -n "$(ns_name "$i")" addr add "$(host_addr "$i")/24" dev eth0
    ip -n "$(ns_name "$i")" link set lo up
    ip -n "$(ns_name "$i")" link set eth0 up
    {
      echo "H${i}_NS=$(ns_name "$i")"
      echo "H${i}_ADDR=$(host_addr "$i")"
      echo "H${i}_URL=ws://$(host_addr "$i"):$HTTP_PORT/ws"
      echo "H${i}_HTTP=http://$(host_addr "$i"):$HTTP_PORT"
      echo "H${i}_LOG=$PWD/$STATE/h$i.log"
    } >> "$STATE/env.partial"
  done
  log "run $RUN: $N host$([ "$N" = 1 ] || echo s) on $SUBNET_BASE.0/24 (bridge $(bridge_name) $SUBNET_BASE.1), cluster $CLUSTER_NAME, quorum $MIN_MEMBERS"
  write_cluster_xml

  local java_opts=()
  read -ra java_opts <<< "${JAVA_OPTS:-$DEFAULT_JAVA_OPTS}"
  for i in $(seq 1 "$N"); do
    local addr
    addr=$(host_addr "$i")
    printf '%s\0' java "${java_opts[@]}" -jar "$JAR" --conf conf/gateway.yaml \
      --set "http.host=$addr" --set "http.port=$HTTP_PORT" \
      --set "cluster.host=$addr" --set "cluster.port=$EVENT_BUS_PORT" \
      --set "cluster.hazelcastConfig=$STATE/cluster.xml" --set "cluster.name=$CLUSTER_NAME" \
      --set "cluster.minMembers=$MIN_MEMBERS" "${extras[@]}" > "$STATE/h$i.cmd"
  done
  # h1 first, so the others join it rather than forming clusters of their own
  start_node 1
  await_listening 1 0
  for i in $(seq 2 "$N"); do start_node "$i"; done
  for i in $(seq 2 "$N"); do await_listening "$i" 0; done
  for i in $(seq 1 "$N"); do await_ready "$i"; done
  for i in $(seq 1 "$N"); do
    wait_for "$START_TIMEOUT" members_seen "$i" "$N" \
      || die "h$i does not see $N cluster members within ${START_TIMEOUT} s (bridged traffic filtered? see $STATE/h$i.log)"
  done
  log "nodes serving after $((SECONDS - started)) s"

  start_haproxy
  for i in $(seq 1 "$N"); do
    wait_for "$START_TIMEOUT" lb_server_up "$i" || die "HAProxy does not report h$i up (state: $(lb_server_state "$i"))"
  done
  {
    cat "$STATE/env.partial"
    echo "LB_PORT=$LB_PORT"
    echo "LB_URL=ws://127.0.0.1:$LB_PORT/ws"
    echo "LB_HTTP=http://127.0.0.1:$LB_PORT"
    echo "LB_STATS=http://127.0.0.1:$LB_PORT/haproxy-stats"
  } > "$STATE/env"
  rm -f "$STATE/env.partial"
  trap - EXIT INT TERM HUP PIPE

  echo "netns cluster $RUN up in $((SECONDS - started)) s: $N host$([ "$N" = 1 ] || echo s) on $SUBNET_BASE.0/24, cluster $CLUSTER_NAME, quorum $MIN_MEMBERS"
  echo "  lb  ws://127.0.0.1:$LB_PORT/ws  http://127.0.0.1:$LB_PORT  (HAProxy stats: /haproxy-stats)"
  for i in $(seq 1 "$N"); do
    echo "  h$i  ws://$(host_addr "$i"):$HTTP_PORT/ws  http://$(host_addr "$i"):$HTTP_PORT  log $STATE/h$i.log"
  done
  echo "URLs: $STATE/env; Hazelcast config (template for real hosts): $STATE/cluster.xml"
  echo "down: scripts/netns-cluster.sh down --run $RUN"
}

up_failed() {
  local status="$1"
  trap - EXIT INT TERM HUP
  trap '' PIPE
  if [ "$status" -ne 0 ]; then
    local f
    for f in "$STATE"/h[0-9]*.log "$STATE"/haproxy.log; do
      [ -s "$f" ] || continue
      log "the end of $(basename "$f"):"
      tail -n 10 "$f" | sed 's/^/    /' >&2
    done
    log "up failed (status $status): removing what run $RUN made"
    teardown
  fi
  exit "$status"
}

cmd_down() {
  require_root down
  if ! select_run optional; then
    echo "no netns cluster run here: nothing to remove"
    return 0
  fi
  teardown
  echo "netns cluster $RUN down"
}

# Cuts every listed host off from every other host of the run (blackhole routes on both sides).
cmd_partition() {
  require_root partition
  select_run
  load_run
  [ $# -gt 0 ] || usage_error "partition needs at least one host (hosts: $HOSTS)"
  local listed=() i j h
  for h in "$@"; do
    i=$(host_index "$h")
    listed[$i]=1
  done
  [ ${#listed[@]} -lt "$N" ] || usage_error "partition: list some of the hosts, not all ($HOSTS)"
  for i in "${!listed[@]}"; do
    for j in $(seq 1 "$N"); do
      [ -z "${listed[$j]:-}" ] || continue
      ip -n "$(ns_name "$i")" route replace blackhole "$(host_addr "$j")/32"
      ip -n "$(ns_name "$j")" route replace blackhole "$(host_addr "$i")/32"
    done
  done
  echo "partitioned: $* cut off from the other hosts of run $RUN"
}

cmd_heal() {
  require_root heal
  select_run
  load_run
  local i
  for i in $(seq 1 "$N"); do
    ip -n "$(ns_name "$i")" route flush type blackhole
  done
  echo "healed: no cut left in run $RUN"
}

kill_node() {
  local i="$1" pid
  pid=$(node_pid "$i")
  kill -KILL "$pid" 2>/dev/null || true
  wait_for 10 bash -c "! kill -0 $pid 2>/dev/null" || die "h$i (pid $pid) still running after SIGKILL"
  rm -f "$STATE/h$i.pid"
}

cmd_kill() {
  require_root kill
  select_run
  load_run
  [ $# -eq 1 ] || usage_error "kill needs one host (hosts: $HOSTS)"
  local i
  i=$(host_index "$1")
  node_alive "$i" || die "$1: no node running"
  kill_node "$i"
  echo "killed $1 (SIGKILL)"
}

cmd_restart() {
  require_root restart
  select_run
  load_run
  [ $# -eq 1 ] || usage_error "restart needs one host (hosts: $HOSTS)"
  local i lines started=$SECONDS
  i=$(host_index "$1")
  if node_alive "$i"; then kill_node "$i"; fi
  lines=$(wc -l < "$STATE/h$i.log")
  start_node "$i"
  await_listening "$i" "$lines"
  await_ready "$i"
  wait_for "$START_TIMEOUT" lb_server_up "$i" || die "HAProxy does not report $1 up (state: $(lb_server_state "$i"))"
  echo "restarted $1 in $((SECONDS - started)) s: ws://$(host_addr "$i"):$HTTP_PORT/ws"
}

cmd_status() {
  require_root status
  select_run
  load_run
  local i state cuts
  echo "run $RUN: $N host$([ "$N" = 1 ] || echo s) on $SUBNET, cluster $CLUSTER_NAME, quorum $MIN_MEMBERS, state $STATE"
  if haproxy_alive; then
    echo "  lb  $LB_URL  (HAProxy pid $(cat "$STATE/haproxy.pid"))"
  else
    echo "  lb  $LB_URL  (HAProxy not running)"
  fi
  for i in $(seq 1 "$N"); do
    if node_alive "$i"; then state="pid $(node_pid "$i"), ready $(http_status "http://$(host_addr "$i"):$HTTP_PORT/health/ready")"; else state="not running"; fi
    cuts=$(ip -n "$(ns_name "$i")" route show type blackhole 2>/dev/null | awk '{print $2}' | paste -sd' ' -)
    echo "  h$i  $(host_addr "$i")  $state, haproxy: $(lb_server_state "$i" || true)${cuts:+, cut off from $cuts}"
  done
}

cmd_logs() {
  select_run
  load_run
  [ $# -ge 1 ] || usage_error "logs needs a host (hosts: $HOSTS)"
  local i
  i=$(host_index "$1")
  if [ "${2:-}" = "-f" ]; then exec tail -f "$STATE/h$i.log"; fi
  cat "$STATE/h$i.log"
}

cmd_exec() {
  require_root exec
  select_run
  load_run
  [ $# -ge 2 ] || usage_error "exec needs a host and a command (hosts: $HOSTS)"
  local i
  i=$(host_index "$1")
  shift
  exec ip netns exec "$(ns_name "$i")" "$@"
}

# --run ID may come before the command or right after it; NETNS_RUN otherwise
RUN="${NETNS_RUN:-}"
if [ "${1:-}" = "--run" ]; then RUN="${2:-}"; shift 2 || usage_error "--run needs an id"; fi
command="${1:-}"
[ $# -gt 0 ] && shift
if [ "$command" != up ] && [ "${1:-}" = "--run" ]; then RUN="${2:-}"; shift 2 || usage_error "--run needs an id"; fi
case "$command" in
  up) cmd_up "$@" ;;
  down) [ $# -eq 0 ] || usage_error "down takes no argument but --run ID"; cmd_down ;;
  partition) cmd_partition "$@" ;;
  heal) cmd_heal ;;
  kill) cmd_kill "$@" ;;
  restart) cmd_restart "$@" ;;
  status) cmd_status ;;
  logs) cmd_logs "$@" ;;
  exec) cmd_exec "$@" ;;
  -h|--help|help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  "") usage_error "no command" ;;
  *) usage_error "unknown command '$command'" ;;
esac
