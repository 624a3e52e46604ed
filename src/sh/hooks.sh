# shellcheck shell=bash
# The template author's pre_install_script and post_install_script.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_pre_install_hook: Runs pre_install_script before anything is installed.
step_pre_install_hook() {
  run_hook pre_install "${ARG_PRE_INSTALL_SCRIPT}"
}

# step_post_install_hook: Runs post_install_script after the installs, before Claude is configured and started.
step_post_install_hook() {
  run_hook post_install "${ARG_POST_INSTALL_SCRIPT}"
}

# run_hook NAME BODY: writes BODY to the instance's NAME.sh (~/.claude-module/NAME.sh for the default one) and runs it with bash; its failure stops the start.
run_hook() {
  local file="${INSTANCE_DIR}/$1.sh" status=0
  write_text "${file}" 700 "$2"
  log "running $1_script (${file})"
  # The user's own files get the user's umask, not this script's private one; a daemon the hook
  # starts must not keep the start lock.
  (umask "${USER_UMASK}" && bash "${file}" </dev/null {START_LOCK_FD}>&-) || status=$?
  ((status == 0)) || die "$1_script failed with exit status ${status}"
  log "$1_script finished"
}
