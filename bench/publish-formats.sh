#!/usr/bin/env bash
# Compares published Switchboard binaries (eng/publish.sh --format aot / single-file) as an operator
# meets them: file size, time from exec to the "Server is listening" line, resident memory when idle,
# and server CPU per relayed message under bench/Switchboard.LoadTest's relay scenario. Each binary
# runs pinned to CPU 0 and the load generator to CPU 1, round after round with the order rotating,
# because this machine's speed drifts: compare the binaries within one run, not across runs.
#
#   bench/publish-formats.sh aot=/tmp/aot/linux-x64/switchboard single-file=artifacts/publish/linux-x64/switchboard
#   ROUNDS=5 STARTS=10 bench/publish-formats.sh …
#
# Results (the load generator's JSON per run, server logs, and summary.tsv) go to bench/results/formats-<time>/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${ROUNDS:-3}
starts=${STARTS:-5}
port=${FORMATS_BENCH_PORT:-18090}
warmup=${WARMUP:-3s}
duration=${DURATION:-6s}
out=$root/bench/results/formats-$(date -u +%Y%m%dT%H%M%SZ)
loadtest_dll=$root/bench/Switchboard.LoadTest/bin/Release/net10.0/switchboard-loadtest.dll
[[ $# -gt 0 ]] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ -f $loadtest_dll ]] || dotnet build -c Release "$root/bench/Switchboard.LoadTest" -nologo -v:q
mkdir -p "$out"

names=()
declare -A binaries
for spec in "$@"; do
  names+=("${spec%%=*}")
  binaries[${spec%%=*}]=$(realpath "${spec#*=}")
done

server_pid=""
cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  server_pid=""
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Starts $1 and sets server_pid and startup_ms (exec to the listening line, read as it is printed).
start() {
  local bin=$1 log=$2 line begin
  begin=$(date +%s%N)
  exec 3< <(cd "$out" && exec taskset -c 0 "$bin" --urls "http://127.0.0.1:$port" 2>&1)
  server_pid=$!
  while IFS= read -r -t 30 line <&3; do
    echo "$line" >>"$log"
    if [[ $line == *"Server is listening on port"* ]]; then
      startup_ms=$(( ($(date +%s%N) - begin) / 1000000 ))
      cat <&3 >>"$log" &
      return 0
    fi
  done
  echo "publish-formats.sh: $bin did not print its listening line; see $log" >&2
  exit 1
}

printf 'round\tformat\tbytes\tstartup_ms_median\tidle_rss_kb\trelay_cpu_us_per_msg\trss_after_relay_kb\n' >"$out/summary.tsv"
for ((round = 1; round <= rounds; round++)); do
  for ((i = 0; i < ${#names[@]}; i++)); do
    name=${names[$(((i + round - 1) % ${#names[@]}))]}
    bin=${binaries[$name]}
    log=$out/round$round-$name.server.log
    times=()
    for ((s = 0; s < starts; s++)); do
      start "$bin" "$log"
      times+=("$startup_ms")
      cleanup
    done
    startup=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')

    start "$bin" "$log"
    # Idle: one page load and one WebSocket call set-up have run (what a fresh server has done once
    # the first user came), then nothing.
    curl -fsS "http://127.0.0.1:$port/" >/dev/null
    timeout 60s taskset -c 1 dotnet "$loadtest_dll" setup --concurrency 1 --warmup 0s --duration 1s \
      --server switchboard --target "ws://127.0.0.1:$port/" --no-progress --output "$out/round$round-$name.warm.json" >/dev/null 2>&1 || true
    sleep 2
    idle_rss=$(rss_kb "$server_pid")
    timeout 120s taskset -c 1 dotnet "$loadtest_dll" relay --pairs 50 --in-flight 1 --warmup "$warmup" --duration "$duration" \
      --server switchboard --server-name "$name" --target "ws://127.0.0.1:$port/" --server-pid "$server_pid" \
      --label relay --round "$round" --no-progress --output "$out/round$round-$name.relay.json" >"$out/round$round-$name.load.log" 2>&1
    after_rss=$(rss_kb "$server_pid")
    cpu=$(grep -o '"serverCpuMicrosPerMessage": *[0-9.]*' "$out/round$round-$name.relay.json" | tail -1 | sed 's/.*: *//')
    cleanup
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$(stat -c %s "$bin")" "$startup" "$idle_rss" "$cpu" "$after_rss" | tee -a "$out/summary.tsv"
  done
done
echo "publish-formats.sh: $out/summary.tsv"
