#!/usr/bin/env bash
# Builds Switchboard as one self-contained executable per platform, the file an operator copies to a
# server: artifacts/publish/<rid>/switchboard. The web app is embedded in it, no .NET needs to be
# installed where it runs, and nothing else has to travel with it (every Switchboard setting has a
# built-in default; --config, Switchboard__* variables or an appsettings.json beside it override them).
#
#   eng/publish.sh                          # linux-x64 and linux-arm64, each in its default format
#   eng/publish.sh linux-x64                # one platform
#   eng/publish.sh --format single-file linux-x64
#   eng/publish.sh --out /tmp/sb linux-x64  # another output folder (the tests use one of their own)
#
# Formats (docs/performance.md, "Publish formats", has the measurements behind the default):
#   aot          Native AOT: machine code compiled ahead of time, no JIT. Needs clang (apt-get install
#                clang). The default for linux-x64: a third of the size, starts in a fraction of the
#                time, less memory when idle, and it can run under MemoryDenyWriteExecute=yes.
#   single-file  the .NET runtime and Switchboard's assemblies bundled into one file and JIT-compiled
#                as they run. The default for linux-arm64, because Native AOT cannot cross-compile to
#                arm64 on an x64 machine without an arm64 sysroot (a C library and zlib for arm64,
#                and clang/lld targeting it), which this build does not assume. Building on an arm64
#                machine, --format aot works there too.
# The debug symbols of each build go to artifacts/symbols/<rid>/, not next to the binary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

out=$root/artifacts/publish
format=""
rids=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --format) format=$2; shift ;;
    --out) out=$2; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    linux-x64|linux-arm64) rids+=("$1") ;;
    *) echo "publish.sh: unknown argument $1 (platforms: linux-x64 linux-arm64; see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ ${#rids[@]} -gt 0 ]] || rids=(linux-x64 linux-arm64)
case $format in
  ""|aot|single-file) ;;
  *) echo "publish.sh: --format must be aot or single-file (was $format)" >&2; exit 2 ;;
esac

host_arch=$(uname -m)
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

for rid in "${rids[@]}"; do
  rid_format=$format
  if [[ -z $rid_format ]]; then
    if [[ $rid == linux-arm64 && $host_arch != aarch64 ]]; then rid_format=single-file; else rid_format=aot; fi
  fi
  if [[ $rid_format == aot ]] && ! command -v clang >/dev/null; then
    echo "publish.sh: Native AOT needs clang to link (apt-get install -y clang), or use --format single-file" >&2
    exit 1
  fi

  case $rid_format in
    aot) properties=(-p:PublishAot=true) ;;
    # Not compressed: a compressed bundle is inflated into memory at every start, which costs start-up
    # time and ~30 MB of resident memory to save disk space nobody is short of.
    single-file) properties=(-p:PublishSingleFile=true) ;;
  esac

  staging=$root/artifacts/obj/publish/$rid-$rid_format
  rm -rf "$staging"
  echo "publish.sh: $rid ($rid_format)…"
  dotnet publish "$root/src/Switchboard.Host/Switchboard.Host.csproj" -c Release -r "$rid" --self-contained \
    "${properties[@]}" -p:PublishDocumentationFiles=false -warnaserror -nologo -v:q -o "$staging"

  rm -rf "$root/artifacts/symbols/$rid"
  mkdir -p "$out/$rid" "$root/artifacts/symbols/$rid"
  install -m 0755 "$staging/switchboard" "$out/$rid/switchboard"
  find "$staging" -maxdepth 1 \( -name '*.dbg' -o -name '*.pdb' \) -exec cp {} "$root/artifacts/symbols/$rid/" \;
  echo "publish.sh: $out/$rid/switchboard ($rid_format, $(du -h "$out/$rid/switchboard" | cut -f1))"
done
