#!/usr/bin/env bash
# Start-up benchmark (see tools/bench.ts); BENCH_RUNS=N sets the number of runs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"${root}/tools/bootstrap.sh"
exec "${root}/node_modules/.bin/bun" run "${root}/tools/bench.ts"
