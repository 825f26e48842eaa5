#!/usr/bin/env bash
# Runs Switchboard's whole test suite on a fresh machine: installs the system packages the tests
# drive for real (Chromium for the browser tests), builds, runs every test project, and ends with
# one line "N passed, N failed". Exits non-zero if anything failed or nothing ran.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Publishing the Native AOT binary links with clang; the deploy tests run the real supervisord and
# systemd-analyze.
command -v clang >/dev/null 2>&1 || missing+=(clang)
command -v supervisord >/dev/null 2>&1 || missing+=(supervisor)
command -v systemd-analyze >/dev/null 2>&1 || missing+=(systemd)
# TurnCredentialTests try Switchboard's TURN credentials against a real coturn and its turnutils_uclient.
command -v turnserver >/dev/null 2>&1 || missing+=(coturn)
# AuthDocsTests run docs/auth.md's openssl recipe for minting a token, as written.
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system packages the tests need: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts the coturn it installs as a service on 3478: the tests run their own on a free port,
  # and a test machine must not be left running a TURN relay for anyone.
  if [[ " ${missing[*]} " == *" coturn "* ]] && command -v systemctl >/dev/null 2>&1; then
    $sudo systemctl disable --now coturn >/dev/null 2>&1 || true
  fi
fi

# TypeScriptDeclarationTests compile against switchboard.js's declarations with the TypeScript pinned in
# their package-lock.json (from the npm registry).
typescript=tests/Switchboard.BrowserTests/TypeScript
if [ ! -x "$typescript/node_modules/.bin/tsc" ]; then
  echo "Installing TypeScript for the declaration tests"
  (cd "$typescript" && npm ci --no-audit --no-fund --loglevel=error)
fi

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
dotnet build Switchboard.slnx -warnaserror -nologo -v:q

status=0
dotnet test Switchboard.slnx --no-build --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true || status=$?

passed=0
failed=0
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" || true)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

echo "${passed} passed, ${failed} failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
