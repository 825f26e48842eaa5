#!/usr/bin/env bash
# The interleaved benchmark of issue 4: Switchboard against the tutorial's server and peerjs-server.
#
# Each server runs pinned to CPU 0 and the load generator to CPU 1. Every scenario is run against every
# server in turn, round after round (the order of the servers rotates each round), and each run gets a
# fresh server process. The machine's speed drifts between runs, so the report compares medians and
# per-round ratios to the tutorial's server rather than absolute numbers. With --baseline-ref, a second
# Switchboard build runs in the same rounds as the server "baseline", and the report adds switchboard ÷ baseline.
#
#   bench/run.sh                 # the full run: 3 rounds, ~17 minutes
#   bench/run.sh --quick         # a smoke run: 1 round, small sizes, ~3 minutes
#   bench/run.sh --scenarios relay,idle --servers switchboard,tutorial --rounds 5
#   bench/run.sh --baseline-ref main --scenarios relay,saturation,idle --servers switchboard --rounds 5
#
# Results (one JSON per run, logs, and the table as text and Markdown) go to bench/results/<time>/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench

rounds=3
scenarios=idle,relay,saturation,paced,setup,fanout,mixed
servers=switchboard,tutorial,peerjs
idle_connections=15000
mixed_idle=16000
mixed_pairs=1000
mixed_rate=5
hold=20s
warmup=10s
duration=8s
build=1
switchboard_ref=""
baseline_ref=""
switchboard_env=""
out=""
sb_port=${SWITCHBOARD_BENCH_PORT:-18080}
tutorial_port=${TUTORIAL_BENCH_PORT:-18081}
peerjs_port=${PEERJS_BENCH_PORT:-18082}
floor_port=${FLOOR_BENCH_PORT:-18083}
baseline_port=${BASELINE_BENCH_PORT:-18084}
tls_port=${SWITCHBOARD_TLS_BENCH_PORT:-18085}
pipeline_port=${SWITCHBOARD_PIPELINE_BENCH_PORT:-18086}

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  cat <<EOF

Options:
  --quick                  1 round, 2 000 idle connections, 4 s windows: checks that everything works
  --rounds N               rounds of the whole set (default $rounds)
  --scenarios LIST         of idle,relay,saturation,paced,setup,fanout,mixed (default: all)
  --servers LIST           of switchboard,tutorial,peerjs (default: all), and floor: the kernel floor
                           (bench/peers/floor-server), relay/saturation/paced/mixed only, never by default;
                           and baseline (see --baseline-ref); and switchboard-tls: the same build serving
                           HTTPS/WSS from a self-signed certificate (SWITCHBOARD_TLS_BENCH_PORT, default
                           $tls_port), loaded over wss://, never by default; and switchboard-pipeline: the
                           same build, plain, with DirectWebSockets=false (SWITCHBOARD_PIPELINE_BENCH_PORT,
                           default $pipeline_port), so TLS's cost splits into the pipeline's and its own
  --idle-connections N     for the idle scenario (default $idle_connections)
  --mixed-idle N           idle connections of the mixed scenario (default $mixed_idle)
  --mixed-pairs N          relaying pairs of the mixed scenario (default $mixed_pairs)
  --warmup T --duration T  of each measured window (default $warmup, $duration)
  --hold T                 how long idle connections are held (default $hold)
  --out DIR                results folder (default bench/results/<time>)
  --switchboard-ref REF    benchmark Switchboard as committed at REF (git archive into the results
                           folder) instead of the working tree, e.g. HEAD or a branch to compare
  --baseline-ref REF       also benchmark Switchboard as committed at REF, as the server "baseline": exported
                           and built like --switchboard-ref, started exactly like switchboard (same environment
                           and flags, port BASELINE_BENCH_PORT, default $baseline_port), run in every scenario
                           switchboard runs; added to --servers if not listed. The table gets a column
                           switchboard ÷ baseline (median of per-round ratios), e.g. main before a change
  --switchboard-env "K=V …" extra environment for Switchboard (and the baseline), e.g. "DOTNET_gcServer=0"
  --no-build               use the existing Release build
EOF
}

while (($#)); do
  case $1 in
    --quick) rounds=1; idle_connections=2000; mixed_idle=2000; mixed_pairs=50; hold=16s; warmup=2s; duration=4s ;;
    --rounds) rounds=$2; shift ;;
    --scenarios) scenarios=$2; shift ;;
    --servers) servers=$2; shift ;;
    --idle-connections) idle_connections=$2; shift ;;
    --mixed-idle) mixed_idle=$2; shift ;;
    --mixed-pairs) mixed_pairs=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --duration) duration=$2; shift ;;
    --hold) hold=$2; shift ;;
    --out) out=$2; shift ;;
    --switchboard-ref) switchboard_ref=$2; shift ;;
    --baseline-ref) baseline_ref=$2; shift ;;
    --switchboard-env) switchboard_env=$2; shift ;;
    --no-build) build=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [[ -n $baseline_ref ]]; then
  git -C "$root" rev-parse --verify --quiet "$baseline_ref^{commit}" >/dev/null || { echo "run.sh: --baseline-ref $baseline_ref is not a commit" >&2; exit 2; }
  [[ ,$servers, == *,baseline,* ]] || servers=$servers,baseline
elif [[ ,$servers, == *,baseline,* ]]; then
  echo "run.sh: the server baseline needs --baseline-ref REF" >&2
  exit 2
fi

out=${out:-$bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out/logs"

# Whatever happens (an error, Ctrl-C, a kill), the server and the load generator of the current run
# are stopped: by their process ids, never by name, since other work may be running on this machine.
server_pid=""
load_pid=""
stop_process() {
  local pid=$1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  stop_process "$load_pid"; load_pid=""
  stop_process "$server_pid"; server_pid=""
}
trap cleanup EXIT
trap 'echo "run.sh: interrupted" >&2; exit 130' INT TERM

for tool in node dotnet taskset timeout; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
if (( $(nproc) < 2 )); then
  echo "run.sh: needs 2 CPUs (server on CPU 0, load on CPU 1)" >&2
  exit 1
fi

# A read-only export of the committed tree at $1 into $2: nothing in the repository changes.
export_ref() {
  mkdir -p "$2"
  git -C "$root" archive "$1" src Directory.Build.props Directory.Packages.props global.json .editorconfig | tar -x -C "$2"
}

switchboard_root=$root
if [[ -n $switchboard_ref ]]; then
  switchboard_root=$out/switchboard-$(git -C "$root" rev-parse --short "$switchboard_ref")
  export_ref "$switchboard_ref" "$switchboard_root"
  build=1
fi
baseline_root=""
if [[ -n $baseline_ref ]]; then
  baseline_root=$out/baseline-$(git -C "$root" rev-parse --short "$baseline_ref")
  export_ref "$baseline_ref" "$baseline_root"
fi

if ((build)); then
  echo "building Release…"
  dotnet build -c Release "$switchboard_root/src/Switchboard.Host" -v quiet -nologo >"$out/logs/build.log" 2>&1 || { cat "$out/logs/build.log"; exit 1; }
  dotnet build -c Release "$bench/Switchboard.LoadTest" -v quiet -nologo >>"$out/logs/build.log" 2>&1 || { cat "$out/logs/build.log"; exit 1; }
fi
if [[ -n $baseline_root ]]; then
  # A fresh export: built whatever --no-build says.
  echo "building the baseline (Release)…"
  dotnet build -c Release "$baseline_root/src/Switchboard.Host" -v quiet -nologo >>"$out/logs/build.log" 2>&1 || { cat "$out/logs/build.log"; exit 1; }
fi
"$bench/peers/install.sh" >"$out/logs/install.log" 2>&1 || { cat "$out/logs/install.log"; exit 1; }

switchboard_dll=$switchboard_root/src/Switchboard.Host/bin/Release/net10.0/switchboard.dll
baseline_dll=${baseline_root:+$baseline_root/src/Switchboard.Host/bin/Release/net10.0/switchboard.dll}
loadtest_dll=$bench/Switchboard.LoadTest/bin/Release/net10.0/switchboard-loadtest.dll

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ports=("$sb_port" "$tutorial_port" "$peerjs_port")
[[ ,$servers, != *,floor,* ]] || ports+=("$floor_port")
[[ ,$servers, != *,baseline,* ]] || ports+=("$baseline_port")
[[ ,$servers, != *,switchboard-tls,* ]] || ports+=("$tls_port")
[[ ,$servers, != *,switchboard-pipeline,* ]] || ports+=("$pipeline_port")
for port in "${ports[@]}"; do
  if port_in_use "$port"; then
    echo "run.sh: port $port is already in use; set SWITCHBOARD_BENCH_PORT / TUTORIAL_BENCH_PORT / PEERJS_BENCH_PORT / FLOOR_BENCH_PORT / BASELINE_BENCH_PORT" >&2
    exit 1
  fi
done

{
  echo "date: $(date -u +%FT%TZ)"
  if [[ -n $switchboard_ref ]]; then
    echo "switchboard: $switchboard_ref = $(git -C "$root" rev-parse --short "$switchboard_ref") (exported; the working tree is not used)"
  else
    echo "switchboard: working tree at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet -- src 2>/dev/null || echo ' with uncommitted changes in src/')"
  fi
  [[ -z $baseline_ref ]] || echo "baseline: $baseline_ref = $(git -C "$root" rev-parse --short "$baseline_ref") (exported; started like switchboard)"
  echo "cpus: $(nproc); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "dotnet: $(dotnet --version); node: $(node --version)"
  echo "rounds: $rounds; scenarios: $scenarios; servers: $servers"
  echo "idle connections: $idle_connections; hold: $hold; warmup: $warmup; duration: $duration"
  echo "mixed: $mixed_pairs pairs at $mixed_rate round trips/s each + $mixed_idle idle"
  [[ -z $switchboard_env ]] || echo "switchboard environment: $switchboard_env${baseline_ref:+ (baseline too)}"
} | tee "$out/environment.txt"

# Switchboard and the baseline are started the same way; only the build and the port differ. The TLS
# kind adds its certificate and https:// (and so every connection goes through Kestrel's TLS and the pipeline).
start_switchboard() {
  local dll=$1 port=$2 scheme=${3:-http} kind_env=()
  [[ $scheme == http ]] || kind_env=(Switchboard__Tls__CertificatePath="$out/tls/fullchain.pem" Switchboard__Tls__KeyPath="$out/tls/privkey.pem")
  [[ ${4:-} != pipeline ]] || kind_env=(Switchboard__DirectWebSockets=false)
  # The load generator is 8 addresses opening thousands of connections within seconds, which the
  # per-address connection limits would refuse: they are raised far above it but stay on, so what they
  # cost is in the figures. MaxConnections stays derived from the open-file limit. (Older builds ignore the keys.)
  local limits_env=(Switchboard__ConnectionLimits__PerAddress=100000 Switchboard__ConnectionLimits__NewPerSecond=100000
    Switchboard__ConnectionLimits__NewBurst=100000 Switchboard__ConnectionLimits__PendingHandshakesPerAddress=100000
    # The saturating scenarios send as fast as one connection can: the message budget is checked on every
    # message as at the defaults (the same arithmetic), but sized so that it never refuses one.
    Switchboard__MessageLimits__MessagesPerSecond=10000 Switchboard__MessageLimits__MessageBurst=1000000)
  # shellcheck disable=SC2086 # $switchboard_env is a list of K=V words
  env Logging__LogLevel__Default=Warning Switchboard__KeepAliveInterval=00:00:15 "${limits_env[@]}" "${kind_env[@]}" $switchboard_env \
    taskset -c 0 dotnet "$dll" --urls "$scheme://127.0.0.1:$port" >"$log_base.server.log" 2>&1 &
}

# A self-signed certificate for 127.0.0.1, made once per run, for the switchboard-tls server.
if [[ ,$servers, == *,switchboard-tls,* ]]; then
  command -v openssl >/dev/null || { echo "run.sh: openssl is required for switchboard-tls" >&2; exit 1; }
  mkdir -p "$out/tls"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=switchboard-bench \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$out/tls/privkey.pem" -out "$out/tls/fullchain.pem" \
    >"$out/logs/openssl.log" 2>&1 || { cat "$out/logs/openssl.log"; exit 1; }
fi

start_server() {
  local server=$1 port
  case $server in
    switchboard)
      port=$sb_port
      start_switchboard "$switchboard_dll" "$port"
      ;;
    baseline)
      port=$baseline_port
      start_switchboard "$baseline_dll" "$port"
      ;;
    switchboard-tls)
      port=$tls_port
      start_switchboard "$switchboard_dll" "$port" https
      ;;
    switchboard-pipeline)
      port=$pipeline_port
      start_switchboard "$switchboard_dll" "$port" http pipeline
      ;;
    tutorial)
      port=$tutorial_port
      taskset -c 0 node "$bench/peers/tutorial-server/server.js" "$port" >"$log_base.server.log" 2>&1 &
      ;;
    peerjs)
      port=$peerjs_port
      # The default limit of 5 000 clients would refuse the idle scenario; nothing else is changed.
      taskset -c 0 node "$bench/peers/node_modules/peer/dist/bin/peerjs.js" --port "$port" -H 127.0.0.1 --concurrent_limit 100000 \
        >"$log_base.server.log" 2>&1 &
      ;;
    floor)
      port=$floor_port
      taskset -c 0 "$bench/peers/floor-server/floor-server" "$port" >"$log_base.server.log" 2>&1 &
      ;;
    *)
      echo "run.sh: unknown server $server" >&2
      return 1
      ;;
  esac
  server_pid=$!
  target_port=$port
  for _ in $(seq 150); do
    port_in_use "$port" && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "run.sh: $server did not start; see $log_base.server.log" >&2
  return 1
}

target_url() {
  case $1 in
    peerjs) echo "ws://127.0.0.1:$target_port/peerjs" ;;
    switchboard-tls) echo "wss://127.0.0.1:$target_port/" ;;
    *) echo "ws://127.0.0.1:$target_port/" ;;
  esac
}

# The load generator's arguments for one scenario; empty when the scenario does not apply to the server.
# The baseline is a Switchboard build and runs whatever switchboard runs.
scenario_args() {
  local scenario=$1 server=$2
  local windows=(--warmup "$warmup" --duration "$duration")
  # The floor server relays pairs and nothing else; in mixed it shows what the machine alone adds to the tail.
  [[ $server != floor || $scenario == @(relay|saturation|paced|mixed) ]] || return 0
  case $scenario in
    idle) echo idle --connections "$idle_connections" --hold "$hold" --warm-pass --warm-hold 10s ;;
    relay) echo relay --pairs 50 --in-flight 1 "${windows[@]}" ;;
    saturation) echo relay --pairs 100 --in-flight 8 "${windows[@]}" ;;
    paced) echo relay --pairs 50 --in-flight 1 --rate 20 "${windows[@]}" ;;
    setup) echo setup --concurrency 16 "${windows[@]}" ;;
    fanout-*) [[ $server == @(switchboard|baseline|switchboard-tls|switchboard-pipeline) ]] && echo fanout --room-size "${scenario#fanout-}" --rooms 20 "${windows[@]}" ;;
    mixed) [[ $server == @(switchboard|baseline|switchboard-tls|switchboard-pipeline|floor) ]] && echo mixed --pairs "$mixed_pairs" --rate "$mixed_rate" --idle-connections "$mixed_idle" --settle "$hold" "${windows[@]}" ;;
  esac
  return 0
}

run_cell() {
  local round=$1 scenario=$2 server=$3 args
  args=$(scenario_args "$scenario" "$server")
  [[ -n $args ]] || return 0
  log_base=$out/logs/round$round-$scenario-$server
  printf '[round %s] %-11s %-12s ' "$round" "$scenario" "$server"
  if ! start_server "$server"; then
    cleanup
    return 0
  fi
  local rc=0
  # The floor server speaks the tutorial's protocol and the baseline Switchboard's; --server-name files
  # their results under their own names for the report.
  local dialect=$server
  case $server in
    floor) dialect=tutorial ;;
    baseline|switchboard-tls|switchboard-pipeline) dialect=switchboard ;;
  esac
  # shellcheck disable=SC2086 # $args is a list of words by construction
  timeout --kill-after=15s 900s taskset -c 1 dotnet "$loadtest_dll" $args \
    --server "$dialect" --server-name "$server" --target "$(target_url "$server")" --server-pid "$server_pid" \
    --label "$scenario" --round "$round" --no-progress \
    --output "$out/round$round/$scenario-$server.json" >"$log_base.load.log" 2>&1 &
  load_pid=$!
  wait "$load_pid" || rc=$?
  load_pid=""
  stop_process "$server_pid"
  server_pid=""
  case $rc in
    0) echo "ok" ;;
    1) echo "incomplete (see $log_base.load.log)" ;;
    *) echo "failed with $rc (see $log_base.load.log)" ;;
  esac
}

IFS=, read -r -a scenario_list <<<"$scenarios"
IFS=, read -r -a server_list <<<"$servers"
expanded=()
for scenario in "${scenario_list[@]}"; do
  if [[ $scenario == fanout ]]; then expanded+=(fanout-2 fanout-8 fanout-16); else expanded+=("$scenario"); fi
done

started=$SECONDS
for ((round = 1; round <= rounds; round++)); do
  for scenario in "${expanded[@]}"; do
    # Rotate which server goes first, so no server is always the one that runs after a given other.
    for ((i = 0; i < ${#server_list[@]}; i++)); do
      run_cell "$round" "$scenario" "${server_list[$(((i + round - 1) % ${#server_list[@]}))]}"
    done
  done
done
echo "all runs done in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"

dotnet "$loadtest_dll" report --results "$out" --markdown "$out/table.md" | tee "$out/table.txt"
echo "results: $out"
