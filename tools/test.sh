#!/usr/bin/env bash
# Runs every test: unit, Terraform (both coder provider versions) and
# end-to-end (real Claude Code, real AgentAPI, through the local agent runner).
# Sets up everything it needs first (tools/bootstrap.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${root}"
tools/bootstrap.sh

bun="${root}/node_modules/.bin/bun"
out=$(mktemp -d)
trap 'rm -rf "${out}"' EXIT
total_pass=0
total_fail=0
summary=""
status=0
for level in unit terraform e2e; do
  printf '\n=== %s tests ===\n' "${level}"
  if ! "${bun}" test --timeout 600000 "test/${level}/" 2>&1 | tee "${out}/${level}.log"; then
    status=1
  fi
  pass=$(sed -n 's/^ *\([0-9][0-9]*\) pass$/\1/p' "${out}/${level}.log" | tail -1)
  fail=$(sed -n 's/^ *\([0-9][0-9]*\) fail$/\1/p' "${out}/${level}.log" | tail -1)
  pass=${pass:-0}
  fail=${fail:-0}
  if [[ "${pass}" == 0 ]]; then
    status=1
  fi
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  summary+=$(printf '%-10s %3d passed, %d failed' "${level}:" "${pass}" "${fail}")$'\n'
done
printf '\n%s' "${summary}"
printf '%d passed, %d failed\n' "${total_pass}" "${total_fail}"
exit "${status}"
