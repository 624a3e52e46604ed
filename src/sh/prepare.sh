# shellcheck shell=bash
# The start's first steps: its directories, the start lock, and the programs it needs.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_prepare: Creates the module's own directories and the work dir, and takes the start lock.
step_prepare() {
  [[ -d "${MODULE_DIR}" && -d "${BIN_DIR}" && -d "${INSTANCE_BIN}" ]] ||
    mkdir -p -- "${MODULE_DIR}" "${BIN_DIR}" "${INSTANCE_BIN}"
  chmod 0700 "${MODULE_DIR}" "${INSTANCE_DIR}"
  take_start_lock
  : >"${SUMMARY_FILE}"
  if [[ -e "${WORKDIR}" && ! -d "${WORKDIR}" ]]; then
    die "the work dir ${WORKDIR} exists but is not a directory; set workdir to a directory, or move that file away"
  fi
  if [[ ! -d "${WORKDIR}" ]]; then
    log "creating work dir ${WORKDIR}"
    (umask "${USER_UMASK}" && mkdir -p -- "${WORKDIR}")
  fi
}

# step_check_tools: Checks that the programs the start needs are on PATH before it configures or starts anything (the install hooks may provide them; a download checks for curl itself).
step_check_tools() {
  need_cmd curl "to check that AgentAPI is up; install the curl package in the workspace image"
  need_cmd jq "to update Claude's configuration; install the jq package in the workspace image"
  need_cmd sha256sum "to keep track of MCP servers; install coreutils in the workspace image"
  need_cmd setsid "to start AgentAPI detached; install util-linux in the workspace image"
  if [[ "${ARG_SESSION_APP}" == tmux ]]; then
    need_cmd tmux "session_app = \"tmux\" runs Claude in a tmux session; install the tmux package in the workspace image (or set session_app = \"agentapi\")"
  fi
  if [[ "${ARG_REPORT_TASKS}" == true ]]; then
    need_cmd coder "report_tasks = true uses 'coder exp mcp configure'; the Coder agent provides it (or set report_tasks = false)"
  fi
}

# take_start_lock: holds ~/.claude-module/start.lock until this script exits (START_LOCK_FD), so that
# two starts on one home (an agent restart, an admin re-running the script, the instances of
# several module blocks) run one after the other: at once, both launched AgentAPI and the pid file
# could name the one that lost the port, and instances would install into the same place.
# What the start leaves running must not inherit the descriptor: launch it with {START_LOCK_FD}>&-.
take_start_lock() {
  local file="${MODULE_DIR}/start.lock" holder=""
  need_cmd flock "to keep two starts from running at once; install util-linux in the workspace image"
  # Appending, so that opening it never clears the pid of a start that holds it.
  exec {START_LOCK_FD}>>"${file}"
  if ! flock --nonblock "${START_LOCK_FD}"; then
    holder=$(<"${file}")
    log "another start (pid ${holder:-unknown}) is running in this home; waiting up to ${START_LOCK_TIMEOUT}s for it"
    flock --wait "${START_LOCK_TIMEOUT}" "${START_LOCK_FD}" ||
      die "another start of this module (pid ${holder:-unknown}) still holds ${file} after ${START_LOCK_TIMEOUT}s; let it finish (its progress is in the install.log of its instance: ${MODULE_DIR}/install.log or ${MODULE_DIR}/instances/<app_slug>/install.log) or end it, then restart the workspace"
  fi
  printf '%s\n' "$$" >"${file}"
}
