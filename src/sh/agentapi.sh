# shellcheck shell=bash
# Running AgentAPI with Claude, waiting for it, and stopping it.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files
# shellcheck disable=SC2164 # the scripts run under set -Eeuo pipefail, so a failed cd ends the step

# step_start_agentapi: Starts AgentAPI with Claude in the work dir, detached from this script.
step_start_agentapi() {
  local pid
  if [[ -f "${PID_FILE}" ]]; then
    pid=$(<"${PID_FILE}")
    identify_agentapi "${pid}"
    if [[ "${OUR_AGENTAPI}" == true ]]; then
      log "AgentAPI is already running (pid ${pid}); leaving it as it is"
      note "agentapi" "already running (pid ${pid})"
      return 0
    fi
    log "ignoring a stale pid file: pid ${pid} is not this module's AgentAPI"
    rm -f "${PID_FILE}"
  fi

  if [[ "${ARG_SUBDOMAIN}" == false ]]; then
    # The path-based app URL uses the agent's name, which only the agent knows.
    [[ -n "${CODER_WORKSPACE_AGENT_NAME:-}" ]] ||
      die "CODER_WORKSPACE_AGENT_NAME is not set, so the path-based chat URL cannot be built; run under a Coder agent or set subdomain = true"
    export AGENTAPI_CHAT_BASE_PATH="/@${ARG_WORKSPACE_OWNER}/${ARG_WORKSPACE_NAME}.${CODER_WORKSPACE_AGENT_NAME}/apps/${ARG_APP_SLUG}/chat"
    log "chat base path: ${AGENTAPI_CHAT_BASE_PATH}"
  fi
  # Coder's app proxy forwards requests with the deployment's Host header.
  export AGENTAPI_ALLOWED_HOSTS="*"

  # Anything accepting connections there, HTTP or not, would keep AgentAPI from listening.
  # (A redirection of ":" is tried by bash itself, without a subshell.)
  if : 2>/dev/null <>"/dev/tcp/127.0.0.1/${ARG_AGENTAPI_PORT}"; then
    die "port ${ARG_AGENTAPI_PORT} is already in use by another program; set agentapi_port to a free port"
  fi
  claude_args
  chat_state_args
  launch_command "${BIN_DIR}/claude" "${CLAUDE_ARGS[@]}"
  cd -- "${WORKDIR}"
  log "starting AgentAPI on port ${ARG_AGENTAPI_PORT} in ${WORKDIR}"
  # No --pid-file: PID_FILE is written from $! below, for every AgentAPI version, and AgentAPI
  # would refuse to start on finding its own pid there ("another instance is already running").
  # Claude writes the user's files: with the user's umask.
  umask "${USER_UMASK}"
  setsid "${BIN_DIR}/agentapi" server --type claude --port "${ARG_AGENTAPI_PORT}" \
    --term-width 67 --term-height 1190 "${STATE_ARGS[@]}" \
    -- "${LAUNCH[@]}" >>"${LOG_FILE}" 2>&1 </dev/null {START_LOCK_FD}>&- &
  umask 077
  # setsid execs in place (a background job is no group leader), so $! is AgentAPI itself.
  printf '%s' "$!" >"${PID_FILE}"
}

# step_wait_ready: Waits, bounded, until AgentAPI answers on /status.
step_wait_ready() {
  local url="http://127.0.0.1:${ARG_AGENTAPI_PORT}/status" deadline pid rounds=0
  need_cmd curl "to check that AgentAPI is up"
  deadline=$((SECONDS + READY_TIMEOUT))
  pid=$(<"${PID_FILE}")
  # Liveness first: another program answering on the port must not pass for our AgentAPI.
  while true; do
    kill -0 "${pid}" 2>/dev/null || agentapi_exited
    # Whether anything listens yet is asked by bash itself (no process), and /status only then; every
    # tenth round asks anyway, for a bash built without /dev/tcp.
    if { : 2>/dev/null <>"/dev/tcp/127.0.0.1/${ARG_AGENTAPI_PORT}" || ((++rounds % 10 == 0)); } &&
      curl --silent --fail --max-time 2 --output /dev/null "${url}"; then
      break
    fi
    ((SECONDS < deadline)) || die "AgentAPI did not answer on ${url} within ${READY_TIMEOUT}s"
    # AgentAPI listens within tens of milliseconds; a coarse poll would dominate a warm start.
    sleep 0.01
  done
  log "AgentAPI is ready on port ${ARG_AGENTAPI_PORT}"
  note "listening" "http://127.0.0.1:${ARG_AGENTAPI_PORT}"
}

# agentapi_exited: dies for an AgentAPI that exited before it answered, with the cause it printed
# into LOG_FILE, and what to change when that cause is its port, taken on an address the start's own
# check does not see.
agentapi_exited() {
  local cause
  # AgentAPI ends a fatal error with its cause on a line of its own, "  - <cause>", which this start
  # printed after its "starting AgentAPI" line. Only that line is shown: AgentAPI's other lines (the
  # command it ran) hold the prompt, which the module never prints.
  cause=$(tail -n 200 -- "${LOG_FILE}" 2>/dev/null |
    awk '/ claude-code: starting AgentAPI on port /{cause=""} sub(/^[[:space:]]+- /, ""){cause=$0} END{print cause}') || true
  if [[ "${cause}" == *"address already in use"* ]]; then
    die "AgentAPI exited during start-up: ${cause}; another program listens on port ${ARG_AGENTAPI_PORT} (on an address other than 127.0.0.1); set agentapi_port to a free port"
  fi
  die "AgentAPI exited during start-up${cause:+: ${cause}}; its own output, at the end of the log, says why"
}

# step_stop_agentapi: Sends SIGTERM to AgentAPI, waits a bounded time, then SIGKILL.
step_stop_agentapi() {
  local pid waited=0
  if [[ ! -f "${PID_FILE}" ]]; then
    log "AgentAPI is not running (no pid file)"
    return 0
  fi
  pid=$(<"${PID_FILE}")
  # A stale pid file may name a process that reused the pid: only signal our AgentAPI.
  identify_agentapi "${pid}"
  if [[ "${OUR_AGENTAPI}" == false ]]; then
    log "AgentAPI is not running"
    rm -f "${PID_FILE}"
    return 0
  fi
  log "stopping AgentAPI (pid ${pid})"
  kill -TERM "${pid}" 2>/dev/null || true
  while kill -0 "${pid}" 2>/dev/null; do
    if ((waited >= STOP_TIMEOUT * 5)); then
      warn "AgentAPI did not exit within ${STOP_TIMEOUT}s; killing it"
      kill -KILL "${pid}" 2>/dev/null || true
      break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  rm -f "${PID_FILE}"
  log "AgentAPI stopped"
}

# identify_agentapi PID: sets OUR_AGENTAPI to true when PID is the AgentAPI this module started (a
# running process of the module's agentapi binary, BIN_DIR/agentapi with links resolved or
# "(deleted)" once an upgrade replaced the file, serving on ARG_AGENTAPI_PORT), else to false.
# The pid file can outlive AgentAPI (a crash, a killed container with a persistent home) and name
# whatever reused the pid, such as a user's "tail -f agentapi-start.log": start and stop must never
# take that for AgentAPI. Never called as a condition, so errexit holds inside.
identify_agentapi() {
  local pid=$1 exe binary arg port=""
  local -a argv=()
  OUR_AGENTAPI=false
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 0
  exe=$(readlink -- "/proc/${pid}/exe" 2>/dev/null) || return 0
  binary=$(readlink -f -- "${BIN_DIR}/agentapi" 2>/dev/null) || return 0
  [[ "${exe}" == "${binary}" || "${exe}" == "${binary} (deleted)" ]] || return 0
  mapfile -d '' -t argv 2>/dev/null <"/proc/${pid}/cmdline" || return 0
  [[ "${argv[1]:-}" == server ]] || return 0
  # AgentAPI's own flags come before "--"; what follows is Claude's command line.
  for arg in "${argv[@]:2}"; do
    case "${arg}" in
      --) break ;;
      --port=*) port=${arg#--port=} ;;
      --port) port=next ;;
      *) [[ "${port}" != next ]] || port=${arg} ;;
    esac
  done
  [[ "${port}" != "${ARG_AGENTAPI_PORT}" ]] || OUR_AGENTAPI=true
}
