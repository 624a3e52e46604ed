# shellcheck shell=bash
# The command line Claude Code is started with under AgentAPI, and what launches it (boundary,
# when it is enabled): the one place that decides it.
# shellcheck disable=SC2034 # sets globals that functions in other files read
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# claude_args: fills the global array CLAUDE_ARGS with Claude's command-line arguments.
claude_args() {
  choose_session
  CLAUDE_ARGS=("${SESSION_ARGS[@]}")
  # Settings given on the command line: no settings file of the user's is written for them.
  FLAG_SETTINGS='{}'
  permission_args
  tool_args --allowedTools "allowed tools" "${ARG_ALLOWED_TOOLS}"
  tool_args --disallowedTools "denied tools" "${ARG_DISALLOWED_TOOLS}"
  if [[ "${ARG_STATUS_SOURCE}" == hooks || "${ARG_STATUS_SOURCE}" == both ]]; then
    with_status_hooks
  fi
  if [[ "${FLAG_SETTINGS}" != '{}' ]]; then
    CLAUDE_ARGS+=(--settings "${FLAG_SETTINGS}")
  fi
  local shown=""
  if ((${#CLAUDE_ARGS[@]} > 0)); then
    printf -v shown ' %q' "${CLAUDE_ARGS[@]}"
  fi
  log "Claude's arguments (the prompt not shown):${shown}"
  # Last, after "--": the tool flags take every word up to the next option.
  if [[ "${SEND_PROMPT}" == true && -n "${ARG_AI_PROMPT}" ]]; then
    CLAUDE_ARGS+=(-- "${ARG_AI_PROMPT}")
    note "prompt" "sent (a new session)"
  elif [[ -n "${ARG_AI_PROMPT}" ]]; then
    note "prompt" "not sent (the session was resumed)"
  fi
}

# permission_args: appends the permission flags to CLAUDE_ARGS. A task runs unattended, so with
# report_tasks and no explicit permission_mode Claude skips permission prompts (as upstream);
# an explicit permission_mode is passed alone and never overridden.
permission_args() {
  local mode=${ARG_PERMISSION_MODE} skip=false why=""
  if [[ "${ARG_DANGEROUSLY_SKIP_PERMISSIONS}" == true ]]; then
    skip=true
    why="dangerously_skip_permissions"
  elif [[ "${ARG_REPORT_TASKS}" == true && -z "${mode}" ]]; then
    skip=true
    why="the task default; set permission_mode to choose another"
  fi
  if [[ "${skip}" == true ]]; then
    CLAUDE_ARGS+=(--dangerously-skip-permissions)
    note "permissions" "skipped (${why})"
  fi
  if [[ -n "${mode}" ]]; then
    CLAUDE_ARGS+=(--permission-mode "${mode}")
    note "permissions" "${mode} (permission_mode)"
  fi
  if [[ "${skip}" == false && -z "${mode}" ]]; then
    note "permissions" "Claude's default"
  fi
  if [[ "${skip}" == false && "${mode}" != bypassPermissions ]]; then
    return 0
  fi
  # Choosing bypass in the template is the consent Claude's "accept all responsibility" dialog asks
  # for; unanswered, that dialog would hold an unattended task (and its prompt) forever.
  FLAG_SETTINGS='{"skipDangerousModePermissionPrompt":true}'
  # Claude refuses to bypass permissions as root unless told it runs in a sandbox; a workspace is one.
  if [[ "${EUID}" -eq 0 && "${IS_SANDBOX:-}" != 1 ]]; then
    export IS_SANDBOX=1
    warn "running as root: set IS_SANDBOX=1 for Claude, which otherwise refuses to bypass permissions as root"
    note "root" "IS_SANDBOX=1 set so Claude accepts bypassing permissions"
  fi
}

# tool_args FLAG LABEL RULES: appends FLAG and each rule (one per line in RULES) as its own argument.
tool_args() {
  local rules=()
  [[ -n "$3" ]] || return 0
  mapfile -t rules <<<"$3"
  CLAUDE_ARGS+=("$1" "${rules[@]}")
  note "$2" "${#rules[@]} rule(s)"
}

# launch_command CMD...: fills the global array LAUNCH with the command AgentAPI runs. With
# boundary enabled, CMD runs inside it; without a successful boundary set-up (or the explicit
# boundary_fail_open), nothing is launched.
launch_command() {
  local state_file="${INSTANCE_DIR}/boundary/state" state=""
  LAUNCH=("$@")
  [[ "${ARG_ENABLE_BOUNDARY}" == true ]] || return 0
  if [[ -f "${state_file}" ]]; then
    state=$(<"${state_file}")
  fi
  case "${state}" in
    filtered) LAUNCH=("${INSTANCE_BIN}/boundary-run" "$@") ;;
    unfiltered) warn "boundary is enabled but could not start: launching Claude Code WITHOUT network filtering (boundary_fail_open)" ;;
    *) die "boundary is enabled but was not set up in this start, so Claude Code is not launched; see ${INSTANCE_DIR}/boundary.log" ;;
  esac
}
