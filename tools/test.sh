#!/usr/bin/env bash
# Runs every test: unit, Terraform (both coder provider versions), end-to-end (real Claude Code and
# AgentAPI through the local agent runner), the real-Coder level once per Coder version in
# CODER_VERSIONS (a deployment from tools/coder.sh, workspaces running the real `coder agent`), and
# the browser level (headless Chromium on the dashboard) on the versions in BROWSER_CODER_VERSIONS.
# Sets up everything it needs first (tools/bootstrap.sh), and stops the deployments it started.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${root}"
tools/bootstrap.sh
# shellcheck source=tools/versions.env
. tools/versions.env

bun="${root}/node_modules/.bin/bun"
out=$(mktemp -d)
started=()
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  local v
  for v in "${started[@]}"; do tools/coder.sh down "${v}" || true; done
  rm -rf "${out}"
}
trap cleanup EXIT

total_pass=0
total_fail=0
summary=""
status=0
# run LABEL DIR [ENV...]: one level's bun test run, counted under LABEL.
run() {
  local label=$1 dir=$2 log pass fail
  shift 2
  log="${out}/${label// /_}.log"
  printf '\n=== %s tests ===\n' "${label}"
  # A hung test fails after two minutes; a test that needs longer says so with its own timeout.
  if ! env "$@" "${bun}" test --timeout 120000 "${dir}" 2>&1 | tee "${log}"; then
    status=1
  fi
  pass=$(sed -n 's/^ *\([0-9][0-9]*\) pass$/\1/p' "${log}" | tail -1)
  fail=$(sed -n 's/^ *\([0-9][0-9]*\) fail$/\1/p' "${log}" | tail -1)
  pass=${pass:-0}
  fail=${fail:-0}
  if [[ "${pass}" == 0 ]]; then
    status=1
  fi
  total_pass=$((total_pass + pass))
  total_fail=$((total_fail + fail))
  summary+=$(printf '%-17s %3d passed, %d failed' "${label}:" "${pass}" "${fail}")$'\n'
}

for level in unit terraform e2e; do
  run "${level}" "test/${level}/"
done
for v in ${CODER_VERSIONS}; do
  # grep reads all of status's output: with -q it would stop early, and pipefail would then count a
  # running deployment as stopped, which this script would stop at exit.
  if ! tools/coder.sh status "${v}" | grep 'server  running' >/dev/null; then
    started+=("${v}")
  fi
  if tools/coder.sh up "${v}"; then
    run "coder v${v}" test/coder/ CODER_VERSION="${v}"
    if [[ " ${BROWSER_CODER_VERSIONS} " == *" ${v} "* ]]; then
      run "browser v${v}" test/browser/ CODER_VERSION="${v}"
    fi
  else
    status=1
    summary+=$(printf '%-17s could not start the deployment (output above)' "coder v${v}:")$'\n'
  fi
done
printf '\n%s' "${summary}"
printf '%d passed, %d failed\n' "${total_pass}" "${total_fail}"
exit "${status}"
