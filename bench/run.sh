#!/usr/bin/env bash
# pushhub benchmark driver. Runs one scenario against the bare Netty reference server (started and stopped
# here, once per repetition) and, if --hub-url is given, against an already running hub, alternating
# ref/hub for each repetition; then writes medians, hub/ref ratios and a latency plot.
#
#   bench/run.sh <fanout|burst|idle|user|stalled|waves> [--reps 3] [--hub-url http://127.0.0.1:9080 --hub-pid PID --api-key KEY]
#                [--no-ref] [--ref-port 9180] [--hub-ws-url URL] [--hub-push-url URL] [--out DIR] [--quiet-wait 60]
#                [--retry-disturbed 0] [--no-nostall]
#                [any load generator option, e.g. --warmup 10 --duration 30 --conns 2000 --rate 50 --payload 0]
#   waves is hub-only (needs --hub-url; 1 repetition by default): per repetition the same run without stalled
#   clients (label nostall, --stalled-per-wave 0) and then the run with them (label hub); --no-nostall skips the first.
#
# Env: REF_JVM (reference server JVM options), LG_JVM (load generator JVM options),
#      REF_ARGS (reference server options, e.g. REF_ARGS=--coalesce for hub-style batch frames).
set -euo pipefail

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
SCENARIO=$1; shift
case "$SCENARIO" in fanout|burst|idle|user|stalled|waves) ;; -h|--help) usage ;; *) echo "unknown scenario: $SCENARIO" >&2; usage ;; esac

QUIET_WAIT=${QUIET_WAIT:-60}; QUIET_PCT=${QUIET_PCT:-25}; RETRY_DISTURBED=${RETRY_DISTURBED:-0}
REPS=""; NO_NOSTALL=0; HUB_URL=""; HUB_PID=""; API_KEY=""; REF_PORT_BASE=9180; REF_PORT=9180; HUB_WS=""; HUB_PUSH=""; OUT=""; NO_REF=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) REPS=$2; shift 2 ;;
    --hub-url) HUB_URL=${2%/}; shift 2 ;;
    --hub-pid) HUB_PID=$2; shift 2 ;;
    --api-key) API_KEY=$2; shift 2 ;;
    --ref-port) REF_PORT_BASE=$2; shift 2 ;;
    --hub-ws-url) HUB_WS=$2; shift 2 ;;
    --hub-push-url) HUB_PUSH=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --no-ref) NO_REF=1; shift ;;
    --no-nostall) NO_NOSTALL=1; shift ;;
    --quiet-wait) QUIET_WAIT=$2; shift 2 ;;
    --retry-disturbed) RETRY_DISTURBED=$2; shift 2 ;;
    *) EXTRA+=("$1"); shift ;;
  esac
done

if [ "$SCENARIO" = waves ]; then
  # hub-only: the reference server has no topics/history like the hub's; the baseline is the run without stalled clients
  [ -n "$HUB_URL" ] || { echo "waves is hub-only: give --hub-url (and --hub-pid, --api-key)" >&2; exit 2; }
  NO_REF=1; REPS=${REPS:-1}
fi
REPS=${REPS:-3}

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
JAR="$BENCH_DIR/target/pushhub-bench.jar"
if [ ! -f "$JAR" ]; then
  echo "building $JAR ..."
  mvn -q -f "$BENCH_DIR/pom.xml" package
fi
JAVA=${JAVA:-java}
REF_JVM=${REF_JVM:-"-Xms256m -Xmx2g -XX:+UseParallelGC"}
LG_JVM=${LG_JVM:-"-Xms256m -Xmx2g -XX:+UseParallelGC"}
REF_ARGS=${REF_ARGS:-}   # extra reference server options, e.g. "--coalesce"
REF_KEY=bench-ref-key
OUT=${OUT:-"$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)-$SCENARIO"}
mkdir -p "$OUT"

if [ -n "$HUB_URL" ]; then
  case "$HUB_URL" in http://127.*|http://localhost*) ;; *) echo "--hub-url must be on 127.0.0.0/8" >&2; exit 2 ;; esac
  [ -n "$HUB_WS" ] || HUB_WS="ws://${HUB_URL#http://}/ws"
  [ -n "$HUB_PUSH" ] || HUB_PUSH="$HUB_URL/api/push"
  if [ -z "$HUB_PID" ]; then echo "warning: no --hub-pid: server CPU/RSS/heap figures for the hub are skipped" >&2; fi
elif [ "$NO_REF" = 1 ]; then
  echo "--no-ref needs --hub-url" >&2; exit 2
fi

# Busy CPU % of the whole machine (100 = one core) over 2 s, from /proc/stat.
machine_busy_pct() {
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  sleep 2
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  awk -v a="$a" -v b="$b" -v n="$(nproc)" 'BEGIN{split(a,x," "); split(b,y," "); t=y[2]-x[2]; if (t<=0) t=1; printf "%d", 100*n*(y[1]-x[1])/t}'
}
# This machine is shared (builds, test servers): wait up to QUIET_WAIT seconds for it to be quiet before a run.
wait_quiet() {
  local waited=0 busy
  while :; do
    busy=$(machine_busy_pct)
    if [ "$busy" -le "$QUIET_PCT" ] || [ "$waited" -ge "$QUIET_WAIT" ]; then break; fi
    echo "machine busy (${busy}% CPU used by other processes), waiting... (${waited}/${QUIET_WAIT} s)"
    sleep 3; waited=$((waited + 5))
  done
  [ "$busy" -le "$QUIET_PCT" ] || echo "warning: machine still busy (${busy}% CPU); results will be flagged DISTURBED if it stays so"
}

REF_PID=""; LG_PID=""
stop_ref() {
  if [ -n "$REF_PID" ]; then
    kill "$REF_PID" 2>/dev/null || true     # our own child, by PID
    wait "$REF_PID" 2>/dev/null || true
    REF_PID=""
  fi
}
on_signal() {
  if [ -n "$LG_PID" ]; then kill "$LG_PID" 2>/dev/null || true; fi   # our own load generator, by PID
  stop_ref
  exit 130
}
trap stop_ref EXIT
trap on_signal INT TERM

# Runs the load generator in the background and waits for it, so a signal can stop it (by its PID).
loadgen() {
  # shellcheck disable=SC2086
  "$JAVA" $LG_JVM -jar "$JAR" run "$@" 9>&- &
  LG_PID=$!
  local rc=0
  wait "$LG_PID" || rc=$?
  LG_PID=""
  return "$rc"
}

# One benchmark at a time on this machine: two would measure each other. Waits up to LOCK_WAIT seconds.
LOCK_FILE=${LOCK_FILE:-/tmp/pushhub-bench.lock}
LOCK_WAIT=${LOCK_WAIT:-900}
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  echo "another benchmark holds $LOCK_FILE; waiting up to $LOCK_WAIT s for it..."
  flock -w "$LOCK_WAIT" 9 || { echo "gave up waiting for $LOCK_FILE" >&2; exit 1; }
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_ref() {
  local log="$OUT/ref-server-r$1.log" p
  for p in $(seq "$REF_PORT_BASE" $((REF_PORT_BASE + 20))); do
    if port_free "$p"; then REF_PORT=$p; break; fi
  done
  # shellcheck disable=SC2086
  "$JAVA" $REF_JVM -jar "$JAR" ref --port "$REF_PORT" --api-key "$REF_KEY" --max-seconds 900 $REF_ARGS >"$log" 2>&1 9>&- &
  REF_PID=$!
  for _ in $(seq 1 150); do
    if grep -q '^READY' "$log" 2>/dev/null; then return 0; fi
    if ! kill -0 "$REF_PID" 2>/dev/null; then echo "reference server died:" >&2; cat "$log" >&2; exit 1; fi
    sleep 0.1
  done
  echo "reference server did not start in 15 s" >&2; cat "$log" >&2; exit 1
}

# 0 if the run's result file says other processes used > 20% CPU during its measured window
disturbed() {
  awk -F= '$1=="other_cpu_pct" && $2+0 > 20 {found=1} END {exit !found}' "$1" 2>/dev/null
}

run_ref() {  # rep
  if [ "$QUIET_WAIT" -gt 0 ]; then wait_quiet; fi
  start_ref "$1"
  loadgen "$SCENARIO" --label ref --rep "$1" --out "$OUT" \
    --ws-url "ws://127.0.0.1:$REF_PORT/ws" --push-url "http://127.0.0.1:$REF_PORT/api/push" \
    --api-key "$REF_KEY" --server-pid "$REF_PID" "--server-args=$REF_ARGS" "${EXTRA[@]}"
  stop_ref
  sleep 1
}

run_hub() {  # rep
  if [ "$QUIET_WAIT" -gt 0 ]; then wait_quiet; fi
  local args=(--ws-url "$HUB_WS" --push-url "$HUB_PUSH")
  if [ -n "$API_KEY" ]; then args+=(--api-key "$API_KEY"); fi
  if [ -n "$HUB_PID" ]; then args+=(--server-pid "$HUB_PID"); fi
  loadgen "$SCENARIO" --label hub --rep "$1" --out "$OUT" "${args[@]}" "${EXTRA[@]}"
  sleep 1
}

run_nostall() {  # rep: waves without stalled clients, the reference for the readers' p99
  if [ "$QUIET_WAIT" -gt 0 ]; then wait_quiet; fi
  local args=(--ws-url "$HUB_WS" --push-url "$HUB_PUSH")
  if [ -n "$API_KEY" ]; then args+=(--api-key "$API_KEY"); fi
  if [ -n "$HUB_PID" ]; then args+=(--server-pid "$HUB_PID"); fi
  loadgen "$SCENARIO" --label nostall --rep "$1" --out "$OUT" "${args[@]}" "${EXTRA[@]}" --stalled-per-wave 0
  sleep 1
}

run_with_retry() {  # label rep
  local f="$OUT/$1-$SCENARIO-r$2.txt" tries=0
  while :; do
    "run_$1" "$2"
    if [ "$tries" -ge "$RETRY_DISTURBED" ] || ! disturbed "$f"; then break; fi
    tries=$((tries + 1))
    echo "run $1 r$2 was disturbed by other processes; repeating it ($tries/$RETRY_DISTURBED)"
    mv "$f" "$f.disturbed$tries"; rm -f "${f%.txt}.hist"
  done
}

T0=$(date +%s)
echo "scenario=$SCENARIO reps=$REPS out=$OUT hub=${HUB_URL:-none}"
for rep in $(seq 1 "$REPS"); do
  if [ "$NO_REF" = 0 ]; then run_with_retry ref "$rep"; fi
  if [ "$SCENARIO" = waves ] && [ "$NO_NOSTALL" = 0 ]; then run_with_retry nostall "$rep"; fi
  if [ -n "$HUB_URL" ]; then run_with_retry hub "$rep"; fi
done
"$JAVA" -jar "$JAR" report "$OUT"
echo "total $(( $(date +%s) - T0 )) s; results in $OUT/results.md"
