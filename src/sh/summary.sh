# shellcheck shell=bash
# The start-up summary: what each step did, one line each, printed at the end.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# note KEY VALUE: one line for the start-up summary.
note() {
  printf '%-14s %s\n' "$1:" "$2" >>"${SUMMARY_FILE}"
}

# step_summary: Prints what this start did, and keeps it in the instance's summary.txt (~/.claude-module/summary.txt for the default one).
step_summary() {
  local line
  log "summary:"
  while IFS= read -r line; do
    log "  ${line}"
  done <"${SUMMARY_FILE}"
}
