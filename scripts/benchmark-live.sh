#!/usr/bin/env bash
# Live-monitoring benchmark: builds scripts/benchmarks/Cloner.Benchmarks in Release and runs
# it. 100 clones x 3 sleeping components run under the real supervisor and resource monitor;
# it prints Cloner's CPU with the monitor sampling every second, the time of one sampling
# round, the latency from an outside SIGKILL to the exit reaching a feed subscriber, and log
# lines per second from one flooding component, with a check that no line was lost.
#   scripts/benchmark-live.sh [--clones 100] [--window 10] [--windows 3] [--rounds 100]
#                             [--kills 50] [--lines 1000000] [--floods 3]
# Exits 0 when every target is met, 1 when one is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
project=scripts/benchmarks/Cloner.Benchmarks

work="$(mktemp -d /tmp/cloner-bench-live.XXXXXX)"
bench_pid=""
cleanup() {
  if [[ -n "$bench_pid" ]] && kill -0 "$bench_pid" 2>/dev/null; then
    kill -TERM "$bench_pid" 2>/dev/null || true
    wait "$bench_pid" 2>/dev/null || true
  fi
  # Whatever a failed run left: every process group led by a process of this work folder.
  for environ in /proc/[0-9]*/environ; do
    pid="${environ#/proc/}"; pid="${pid%/environ}"
    if grep -qsz "^CLONER_DATA_DIR=$work/data\$" "$environ" 2>/dev/null; then
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dotnet build "$project/Cloner.Benchmarks.csproj" -c Release -warnaserror -v quiet -nologo \
  >/dev/null
dotnet "$project/bin/Release/net10.0/Cloner.Benchmarks.dll" --work "$work" "$@" &
bench_pid=$!
status=0
wait "$bench_pid" || status=$?
bench_pid=""
exit "$status"
