#!/usr/bin/env bash
# Installs the servers Switchboard is benchmarked against into bench/peers/node_modules (gitignored):
# the `websocket` and `uuid` packages the tutorial's server needs, and peerjs-server (`peer` 1.0.2);
# and builds bench/peers/floor-server and bench/peers/pause-probe (gitignored).
# Idempotent: does nothing when the locked versions are already installed.
set -euo pipefail
cd "$(dirname "$0")"

command -v node >/dev/null || { echo "install.sh: node is required (Node 20 or later)" >&2; exit 1; }

# The floor server (bench/run.sh --servers floor), rebuilt when its source changes. Optional: without gcc
# and the OpenSSL headers only the floor server is missing.
if [[ ! floor-server/floor-server -nt floor-server/floor.c ]]; then
  gcc -O2 -Wall -o floor-server/floor-server floor-server/floor.c -lcrypto ||
    echo "install.sh: could not build floor-server (needs gcc and libssl-dev); --servers floor will not start" >&2
fi

# The pause probe (docs/performance.md, "The p99 tail"): a diagnostic, never run by bench/run.sh.
if [[ ! pause-probe/pause-probe -nt pause-probe/pause-probe.c ]]; then
  gcc -O2 -Wall -o pause-probe/pause-probe pause-probe/pause-probe.c ||
    echo "install.sh: could not build pause-probe (needs gcc)" >&2
fi

stamp=node_modules/.switchboard-bench-installed
if [[ -f $stamp && $stamp -nt package-lock.json && $stamp -nt package.json ]]; then
  exit 0
fi

# The lock pins every version; `npm ci` installs exactly that. The native helpers of `websocket`
# (bufferutil, utf-8-validate) ship prebuilt binaries, so no install script has to run.
npm ci --no-audit --no-fund --loglevel=error
touch "$stamp"
