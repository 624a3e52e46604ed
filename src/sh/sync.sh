# shellcheck shell=bash
# The agent's script sync (`coder exp sync`, Coder >= 2.30 with the agent's socket server on): the
# start waits for the template's units in wait_for_scripts before Claude is configured, and marks
# its own unit (the scripts output) complete once Claude is ready, for scripts that wait for it.
# Coder 2.30's `sync want` takes one dependency per call.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_wait_for_scripts: Declares that the module's unit waits for each unit of wait_for_scripts, and waits until they have all completed.
step_wait_for_scripts() {
  local unit out units=${ARG_WAIT_FOR_SCRIPTS//$'\n'/, }
  local fix="the agent's script sync needs Coder >= 2.30 with the agent's socket server on (CODER_AGENT_SOCKET_SERVER_ENABLED=true, the default from 2.36); or remove wait_for_scripts"
  need_cmd coder "wait_for_scripts uses 'coder exp sync', which the Coder agent provides"
  while IFS= read -r unit; do
    out=$(coder exp sync want "${ARG_SYNC_UNIT}" "${unit}" 2>&1) ||
      die "could not make Claude Code wait for '${unit}': 'coder exp sync want' failed: ${out}. Fix: ${fix}"
  done <<<"${ARG_WAIT_FOR_SCRIPTS}"
  log "waiting for ${units} to complete before Claude Code is configured (coder exp sync)"
  out=$(coder exp sync start --timeout "${SYNC_TIMEOUT}" "${ARG_SYNC_UNIT}" 2>&1) ||
    die "Claude Code was not started: ${units} did not complete within ${SYNC_TIMEOUT} ('coder exp sync start': ${out}). Fix: see the log of the template's script that should mark them complete (coder exp sync complete <name>); ${fix}"
  log "${units} completed"
  note "waited for" "${units}"
}

# step_sync_complete: Marks the module's unit complete (started first when nothing was waited for), so scripts waiting for the scripts output run now.
step_sync_complete() {
  local out
  if ! command -v coder >/dev/null 2>&1; then
    note "script sync" "no coder CLI"
    return 0
  fi
  if [[ -z "${ARG_WAIT_FOR_SCRIPTS}" ]] && ! out=$(coder exp sync start "${ARG_SYNC_UNIT}" 2>&1); then
    # Most templates do not use the sync; one that does learns why from its own script's wait.
    log "the agent's script sync is not available, so scripts that wait for ${ARG_SYNC_UNIT} cannot start: ${out}"
    note "script sync" "unavailable"
    return 0
  fi
  out=$(coder exp sync complete "${ARG_SYNC_UNIT}" 2>&1) ||
    die "could not mark ${ARG_SYNC_UNIT} complete ('coder exp sync complete': ${out}), so the template's scripts that wait for it would not start. Fix: restart the workspace"
  note "script sync" "${ARG_SYNC_UNIT} complete"
}
