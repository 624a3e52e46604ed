# shellcheck shell=bash
# The web chat's history (AgentAPI's /messages): kept across restarts in AgentAPI's state file, and
# handed to Coder as a task's log snapshot when the workspace stops.
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
  [[ -d "${dir}" ]] || mkdir -p -- "${dir}"
  # Only the running session's chat can come back; older ones would only grow.
  for file in "${dir}"/*.json; do
    if [[ -f "${file}" && "${file}" != "${dir}/${SESSION_ID}.json" ]]; then
      rm -f -- "${file}"
    fi
  done
  STATE_ARGS=(--state-file "${dir}/${SESSION_ID}.json")
  note "chat history" "kept in ${dir}/${SESSION_ID}.json"
}

# step_task_log_snapshot: Uploads the chat to Coder as the task's log snapshot (what Coder shows of
# a task whose workspace is stopped), before AgentAPI stops. Best effort: never fails the stop.
step_task_log_snapshot() {
  if [[ -z "${ARG_TASK_ID}" ]]; then
    return 0
  fi
  # A subshell for its EXIT trap; under || errexit is off inside, so every failure is checked.
  # shellcheck disable=SC2310 # the snapshot is best effort: a failure is reported, not fatal
  (upload_task_log_snapshot) || warn "the chat was not uploaded as the task's log snapshot (cause above); the stop goes on"
}

# upload_task_log_snapshot: POSTs AgentAPI's /messages, the newest that fit Coder's 64 KiB limit, to
# the agent API's log-snapshot endpoint. The agent's token reaches curl on stdin, never in its
# arguments. Fails (with a message) only on an error worth a warning; Coder without the endpoint
# (404) is skipped.
upload_task_log_snapshot() {
  local pid count status base url body
  [[ -f "${PID_FILE}" ]] || return 0
  pid=$(<"${PID_FILE}")
  identify_agentapi "${pid}"
  [[ "${OUR_AGENTAPI}" == true ]] || return 0
  if [[ -z "${CODER_AGENT_TOKEN:-}" ]]; then
    log "CODER_AGENT_TOKEN is not set (not run by a Coder agent?), so the task's log snapshot is skipped"
    return 0
  fi
  if ! command -v curl >/dev/null 2>&1 || ! command -v jq >/dev/null 2>&1; then
    log "the task's log snapshot needs curl and jq; skipped"
    return 0
  fi
  # dir is global (to the subshell): the EXIT trap reads it after this function has returned.
  dir=$(mktemp -d "${MODULE_DIR}/.snapshot.XXXXXX") || return 1
  trap 'rm -rf -- "${dir}"' EXIT
  curl --silent --show-error --fail --max-time 5 --output "${dir}/messages" \
    "http://127.0.0.1:${ARG_AGENTAPI_PORT}/messages" || return 1
  # AgentAPI pads each line of a message to the terminal's width: trimmed, a screenful costs little.
  # The newest message gets at most half the budget (its end, when longer), older ones the rest.
  jq -c --argjson max 65000 '
    def size: tojson | utf8bytelength;
    def tail($n): if size <= $n then . else .[(length / 10 | floor) + 1:] | tail($n) end;
    def trim: split("\n") | map(sub("\\s+$"; "")) | join("\n") | sub("\\s+$"; "");
    [.messages[] | .content |= trim]
    | if length > 0 and (last | size) > $max / 2
      then .[length - 1].content |= "[earlier part cut to fit]\n" + tail($max / 2 - 200) else . end
    | reduce reverse[] as $m ({keep: [], size: 20, full: false};
        if .full then .
        else ($m | size + 1) as $s
          | if .size + $s > $max then .full = true else .keep = [$m] + .keep | .size += $s end
        end)
    | {messages: .keep}' <"${dir}/messages" >"${dir}/payload" || return 1
  count=$(jq '.messages | length' <"${dir}/payload") || return 1
  if [[ "${count}" == 0 ]]; then
    log "the chat is empty, so there is no log snapshot to upload"
    return 0
  fi
  base=${CODER_AGENT_URL:-${ARG_ACCESS_URL}}
  url="${base%/}/api/v2/workspaceagents/me/tasks/${ARG_TASK_ID}/log-snapshot?format=agentapi"
  status=$(printf 'header = "Coder-Session-Token: %s"\n' "${CODER_AGENT_TOKEN}" |
    curl --silent --show-error --max-time 10 --config - --request POST \
      --header 'Content-Type: application/json' --data-binary "@${dir}/payload" \
      --output "${dir}/response" --write-out '%{http_code}' -- "${url}") || return 1
  case "${status}" in
    2??) log "uploaded the chat (${count} messages) as the task's log snapshot" ;;
    404) log "Coder has no log snapshot endpoint for task ${ARG_TASK_ID} (404: Coder before v2.30, or no such task); skipped" ;;
    *)
      body=$(head -c 300 -- "${dir}/response") || body=""
      warn "Coder answered ${status} to the log snapshot upload: ${body}"
      return 1
      ;;
  esac
}
