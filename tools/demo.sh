#!/usr/bin/env bash
# The demo: a real Coder on loopback with a Claude Code task answered by the scripted model.
#   tools/demo.sh        set up and start (again: reuses everything)
#   tools/demo.sh down   stop everything the demo started
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"${root}/tools/bootstrap.sh"
exec "${root}/node_modules/.bin/bun" run "${root}/tools/demo.ts" "$@"
