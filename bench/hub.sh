#!/usr/bin/env bash
# Starts or stops a hub for the benchmarks: the given WAR on Open Liberty (the runtime `mvn verify` unpacked into
# target/liberty/wlp), with the root server.xml, on 127.0.0.1:PORT, with a known API key.
#   bench/hub.sh start target/pushhub.war 9280 [server-name]   -> prints "PID=<pid> KEY=<key> URL=http://127.0.0.1:9280"
#   bench/hub.sh stop [server-name]
# HUB_VARS="pushhub.delivery.threads=1 pushhub.outbox.max-bytes=262144" sets more server.xml variables (config keys).
# Only the server it names is stopped (Liberty's own `server stop`).
set -euo pipefail
cd "$(dirname "$0")/.."
WLP=${WLP:-target/liberty/wlp}
[ -x "$WLP/bin/server" ] || { echo "no Liberty runtime at $WLP: run 'mvn verify' (or 'mvn pre-integration-test') once" >&2; exit 1; }
cmd=${1:?start|stop}
if [ "$cmd" = stop ]; then
  "$WLP/bin/server" stop "${2:-bench-hub}" >/dev/null
  exit 0
fi
war=${2:?WAR}; port=${3:?PORT}; name=${4:-bench-hub}
key=${BENCH_API_KEY:-bench-key}
dir="$WLP/usr/servers/$name"
rm -rf "$dir"; mkdir -p "$dir/dropins" "$dir/configDropins/overrides"
cp server.xml "$dir/server.xml"
cp "$war" "$dir/dropins/pushhub.war"
cat > "$dir/configDropins/overrides/bench.xml" <<XML
<server>
  <variable name="http.port" value="$port"/>
  <variable name="https.port" value="$((port + 1))"/>
  <variable name="pushhub.api-keys" value="$key"/>
  <variable name="pushhub.demo.enabled" value="false"/>
$(for kv in ${HUB_VARS:-}; do printf '  <variable name="%s" value="%s"/>\n' "${kv%%=*}" "${kv#*=}"; done)
</server>
XML
printf -- '-Xms512m\n-Xmx2g\n' > "$dir/jvm.options"
"$WLP/bin/server" start "$name" >/dev/null
for _ in $(seq 1 240); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then
    echo "PID=$(cat "$WLP/usr/servers/.pid/$name.pid") KEY=$key URL=http://127.0.0.1:$port"
    exit 0
  fi
  sleep 0.5
done
echo "hub $name did not become ready on port $port; see $dir/logs/messages.log" >&2
exit 1
