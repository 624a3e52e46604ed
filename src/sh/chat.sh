# shellcheck shell=bash
# The web chat's history (AgentAPI's /messages): kept across restarts in AgentAPI's state file.
#
# The history is kept per Claude session, in ~/.claude-module/chat/<session id>.json. Claude's
# transcript is the conversation itself; the chat only shows it. So the chat comes back exactly when
# Claude resumes the same session (--resume, --continue): a new session (continue = false, a
# transcript that was unusable, another resume_session_id) starts with an empty chat, never with
# the history of a conversation Claude no longer has. AgentAPI keeps the restored messages as they
# were and ignores the screen the resumed Claude redraws until the next message, so nothing shows
# twice.
# shellcheck disable=SC2034 # sets globals that functions in other files read
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# chat_state_args: sets STATE_ARGS, AgentAPI's arguments that keep the chat of session SESSION_ID.
chat_state_args() {
  local dir="${MODULE_DIR}/chat" mode=${ARG_STATE_PERSISTENCE} help file
  STATE_ARGS=()
  if [[ "${mode}" == off ]]; then
    # Turned off: no history of earlier runs stays behind to come back later.
    rm -rf -- "${dir}"
    note "chat history" "not kept (enable_state_persistence = false)"
    return 0
  fi
  if [[ "${mode}" == check ]]; then
    # "latest" or a binary of the image: only the binary knows whether it can.
    help=$("${BIN_DIR}/agentapi" server --help 2>&1) || true
    mode=unsupported
    if [[ "${help}" == *--state-file* ]]; then
      mode=on
    fi
  fi
  if [[ "${mode}" != on ]]; then
    log "the chat history will not survive a restart: this AgentAPI has no --state-file (it needs v0.12.0 or later; set agentapi_version)"
    note "chat history" "not kept (AgentAPI older than v0.12.0)"
    return 0
  fi
  mkdir -p -- "${dir}"
  # Only the running session's chat can come back; older ones would only grow.
  for file in "${dir}"/*.json; do
    if [[ -f "${file}" && "${file}" != "${dir}/${SESSION_ID}.json" ]]; then
      rm -f -- "${file}"
    fi
  done
  STATE_ARGS=(--state-file "${dir}/${SESSION_ID}.json")
  note "chat history" "kept in ${dir}/${SESSION_ID}.json"
}

