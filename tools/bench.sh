#!/usr/bin/env bash
# Benchmarks: start-up and status figures on the local agent runner (tools/bench.ts; BENCH_RUNS=N
# sets the number of runs), then the status latency on the real Coder (tools/bench-coder-status.ts)
# on the newest of CODER_VERSIONS, whose deployment it starts if it is not running, and stops again.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${root}"
tools/bootstrap.sh
# shellcheck source=tools/versions.env
. tools/versions.env
bun="${root}/node_modules/.bin/bun"
"${bun}" run tools/bench.ts

version=${CODER_VERSIONS##* }
# grep reads all of status's output (see tools/test.sh).
if ! tools/coder.sh status "${version}" | grep 'server  running' >/dev/null; then
  trap 'tools/coder.sh down "${version}"' EXIT
fi
tools/coder.sh up "${version}" >&2
CODER_VERSION="${version}" "${bun}" run tools/bench-coder-status.ts
