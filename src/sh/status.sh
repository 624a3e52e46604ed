# shellcheck shell=bash
# The status Coder shows for the module's app (and a task's state), reported by Claude Code's own
# hooks: they fire at the moments that matter (a prompt, a tool, a permission or idle prompt, the
# end or the failure of a turn) and cost the model nothing. Hooks run inside boundary's jail with
# Claude, which reaches neither the agent nor AgentAPI, so they only append to
# the instance's status/events (~/.claude-module/status/events for the default one); a relay started here, outside any jail, sends each line to the
# Coder agent's API.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2312 # the scripts run under set -Eeuo pipefail, so a pipeline's failure is not masked
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# with_status_hooks: adds to FLAG_SETTINGS (a compact JSON object the module wrote) the hooks block
# that makes the chat's Claude run the status hook. Built by bash, not jq, so it costs no process.
with_status_hooks() {
  local command run hooks
  # %q leaves no control character (it writes those as $'\n' and the like), so escaping \ and "
  # makes it a JSON string.
  printf -v command '%q' "${INSTANCE_BIN}/claude-status-hook"
  command=${command//\\/\\\\}
  command=${command//\"/\\\"}
  run="[{\"type\":\"command\",\"command\":\"${command}\"}]"
  hooks="{\"UserPromptSubmit\":[{\"hooks\":${run}}]"
  hooks+=",\"PreToolUse\":[{\"matcher\":\"*\",\"hooks\":${run}}]"
  hooks+=",\"PostToolUse\":[{\"matcher\":\"*\",\"hooks\":${run}}]"
  hooks+=",\"PostToolUseFailure\":[{\"matcher\":\"*\",\"hooks\":${run}}]"
  hooks+=",\"Notification\":[{\"matcher\":\"permission_prompt|idle_prompt\",\"hooks\":${run}}]"
  hooks+=",\"Stop\":[{\"hooks\":${run}}],\"StopFailure\":[{\"hooks\":${run}}]}"
  if [[ "${FLAG_SETTINGS}" == "{}" ]]; then
    FLAG_SETTINGS="{\"hooks\":${hooks}}"
  else
    FLAG_SETTINGS="${FLAG_SETTINGS%\}},\"hooks\":${hooks}}"
  fi
}

# step_start_status_relay: Writes the status hook and relay and starts the relay (once), when hooks report the status; else removes them.
step_start_status_relay() {
  local dir="${INSTANCE_DIR}/status" pid_file="${INSTANCE_DIR}/status/relay.pid" pid reporters="Claude Code hooks"
  if [[ "${ARG_STATUS_SOURCE}" == model ]]; then
    remove_status_relay
    note "status" "reported by the model (coder_report_task)"
    return 0
  fi
  if [[ "${ARG_STATUS_SOURCE}" == off ]]; then
    remove_status_relay
    note "status" "off (web_app = false: there is no app to report to)"
    return 0
  fi
  if [[ "${ARG_STATUS_SOURCE}" == both ]]; then
    reporters+=" and the model"
  fi
  [[ -d "${dir}" ]] || mkdir -p -- "${dir}"
  claude_status_hook_text
  write_text "${INSTANCE_BIN}/claude-status-hook" 0755 "${FILE_TEXT}"
  claude_status_relay_text
  write_text "${INSTANCE_BIN}/claude-status-relay" 0755 "${FILE_TEXT}"
  write_text "${dir}/app-slug" 0600 "${ARG_APP_SLUG}"$'\n'
  write_text "${dir}/agent-url" 0600 "${ARG_ACCESS_URL}"$'\n'
  if [[ -z "${CODER_AGENT_TOKEN:-}" ]]; then
    warn "CODER_AGENT_TOKEN is not set (not started by a Coder agent?), so the app's status cannot reach Coder"
  fi
  if [[ -f "${pid_file}" ]]; then
    pid=$(<"${pid_file}")
    identify_status_relay "${pid}"
    if [[ "${OUR_RELAY}" == true ]]; then
      note "status" "${reporters}, relay already running (pid ${pid})"
      return 0
    fi
  fi
  : >"${dir}/events"
  setsid bash "${INSTANCE_BIN}/claude-status-relay" >>"${INSTANCE_DIR}/status-relay.log" 2>&1 </dev/null {START_LOCK_FD}>&- &
  printf '%s\n' "$!" >"${pid_file}"
  log "started the status relay (pid $!, log ${INSTANCE_DIR}/status-relay.log)"
  note "status" "${reporters}, relayed to Coder (pid $!)"
}

# identify_status_relay PID: sets OUR_RELAY to true when PID is the module's status relay (bash running the instance's bin/claude-status-relay), else false.
identify_status_relay() {
  local pid=$1
  local -a argv=()
  OUR_RELAY=false
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 0
  mapfile -d '' -t argv 2>/dev/null <"/proc/${pid}/cmdline" || return 0
  [[ "${argv[0]:-}" == bash && "${argv[1]:-}" == "${INSTANCE_BIN}/claude-status-relay" ]] || return 0
  OUR_RELAY=true
}

# stop_status_relay: ends the status relay (its whole process group: the relay and its tail) if it runs.
stop_status_relay() {
  local pid_file="${INSTANCE_DIR}/status/relay.pid" pid
  [[ -f "${pid_file}" ]] || return 0
  pid=$(<"${pid_file}")
  identify_status_relay "${pid}"
  if [[ "${OUR_RELAY}" == true ]]; then
    kill -TERM -- "-${pid}" 2>/dev/null || true
    # Gone before the stop ends, so nothing of it outlives the workspace's stop (bounded: 2 s).
    for _ in {1..20}; do
      kill -0 -- "-${pid}" 2>/dev/null || break
      sleep 0.1
    done
    log "stopped the status relay (pid ${pid})"
  fi
  rm -f -- "${pid_file}"
}

# remove_status_relay: stops the relay and removes it, the hook and their files: nothing of a status source turned off stays behind.
remove_status_relay() {
  stop_status_relay
  rm -f -- "${INSTANCE_BIN}/claude-status-hook" "${INSTANCE_BIN}/claude-status-relay"
  rm -rf -- "${INSTANCE_DIR}/status"
}

# step_stop_status_relay: Stops the status relay after AgentAPI, so Claude's last status is sent.
step_stop_status_relay() {
  stop_status_relay
}
