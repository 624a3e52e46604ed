#!/usr/bin/env bash
# The demo: sets everything up, then applies examples/demo and runs the module
# through the local agent runner, leaving AgentAPI answering on port 3284.
#   tools/demo.sh        start (again: a warm restart)
#   tools/demo.sh stop   run the module's stop script
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"${root}/tools/bootstrap.sh"
exec "${root}/node_modules/.bin/bun" run "${root}/tools/demo.ts" "$@"
