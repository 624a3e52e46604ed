# shellcheck shell=bash
# session_app = "tmux": Claude in a tmux session of the module's own (its socket under
# ~/.claude-module), which outlives the browser and the start script, opened by the session app.
# Coder v2.37 removed Tasks, and with them the callers of AgentAPI's chat; a terminal session works
# on every Coder version.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2312 # the scripts run under set -Eeuo pipefail, so a pipeline's failure is not masked
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_start_tmux_session: Starts Claude in the module's tmux session (detached), unless it runs there already, and writes the app's launcher.
step_start_tmux_session() {
  local pid
  claude_session_text
  write_text "${INSTANCE_BIN}/claude-session" 0755 "${FILE_TEXT}"
  write_text "${INSTANCE_DIR}/session-name" 0600 "${ARG_APP_SLUG}"$'\n'
  if tmux -S "${TMUX_SOCKET}" has-session -t "=${ARG_APP_SLUG}" 2>/dev/null; then
    log "Claude is already running in the tmux session '${ARG_APP_SLUG}'; leaving it as it is"
    note "session" "tmux, already running (tmux -S ${TMUX_SOCKET} attach -t ${ARG_APP_SLUG})"
    return 0
  fi
  claude_args
  launch_command "${BIN_DIR}/claude" "${CLAUDE_ARGS[@]}"
  log "starting Claude in the tmux session '${ARG_APP_SLUG}' in ${WORKDIR}"
  # Several words after the options are run as they are, without a shell. The server keeps this
  # script's environment for its sessions, and its umask: the user's, as Claude writes their files.
  (umask "${USER_UMASK}" && tmux -S "${TMUX_SOCKET}" new-session -d -s "${ARG_APP_SLUG}" -c "${WORKDIR}" \
    -x 200 -y 50 -- "${LAUNCH[@]}" {START_LOCK_FD}>&-)
  pid=$(tmux -S "${TMUX_SOCKET}" list-panes -t "=${ARG_APP_SLUG}" -F '#{pane_pid}' 2>/dev/null) ||
    die "Claude exited at once in its tmux session; run ${BIN_DIR}/claude in ${WORKDIR} to see why"
  log "Claude runs in the tmux session '${ARG_APP_SLUG}' (pid ${pid})"
  note "session" "tmux (tmux -S ${TMUX_SOCKET} attach -t ${ARG_APP_SLUG})"
}

# step_stop_tmux_session: Ends the module's tmux server, and Claude in it, when one runs.
step_stop_tmux_session() {
  [[ -S "${TMUX_SOCKET}" ]] || return 0
  command -v tmux >/dev/null 2>&1 || return 0
  if tmux -S "${TMUX_SOCKET}" kill-server 2>/dev/null; then
    log "stopped the tmux session (and Claude in it)"
  fi
}
