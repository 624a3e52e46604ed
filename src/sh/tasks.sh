# shellcheck shell=bash
# Task mode and standalone mode: how Claude gets its system prompt, and, in task mode, the coder
# MCP server through which it reports status to the Coder dashboard.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_configure_tasks: Task mode: has the coder CLI configure Claude to report status to Coder. Standalone: keeps the system prompt in CLAUDE.md.
step_configure_tasks() {
  local md project withhold_key quiet_key_warning=false out line status=0
  claude_md_path
  md=${CLAUDE_MD}
  if [[ "${ARG_REPORT_TASKS}" == false ]]; then
    sync_prompt_block "${md}" "${ARG_SYSTEM_PROMPT}"
    note "mode" "standalone"
    if [[ -n "${ARG_SYSTEM_PROMPT}" ]]; then
      note "system prompt" "in ${md} (${PROMPT_BLOCK})"
    fi
    return 0
  fi

  need_cmd coder "report_tasks = true uses 'coder exp mcp configure'; the Coder agent provides it (or set report_tasks = false)"
  # The coder CLI writes the prompt to CLAUDE.md itself; a block left by standalone mode would repeat it.
  sync_prompt_block "${md}" ""
  # The coder CLI writes the project entry Claude reads: the git work tree's root when there is one.
  claude_project_dir "${WORKDIR}"
  project=${PROJECT_DIR}
  # Claude reads the key from ANTHROPIC_API_KEY (approved in ~/.claude.json); without
  # CLAUDE_API_KEY the coder CLI does not also store the key itself in ~/.claude.json.
  withhold_key=false
  if [[ -n "${ANTHROPIC_API_KEY:-}" && "${CLAUDE_API_KEY:-}" == "${ANTHROPIC_API_KEY}" ]]; then
    withhold_key=true
  fi
  # The CLI warns when CLAUDE_API_KEY is missing, which matters only when Claude has no credentials.
  auth_method
  if [[ "${AUTH_METHOD}" != none ]]; then
    quiet_key_warning=true
  fi
  tasks_configured "${project}" "${md}" "${withhold_key}"
  if [[ "${TASKS_CONFIGURED}" == true ]]; then
    log "task reporting is configured as this start would configure it (${TASKS_STAMP}); coder exp mcp configure not run again"
    note "mode" "task (status reported as app '${ARG_APP_SLUG}')"
    return 0
  fi
  log "configuring task reporting: coder exp mcp configure claude-code ${project}"
  [[ ! -e "${TASKS_STAMP}" ]] || rm -f -- "${TASKS_STAMP}"
  # The CLI rewrites ~/.claude.json.
  claude_json_lock
  out=$(
    # With hooks alone, the coder MCP server neither reports nor tells the model to (no slug, no
    # AgentAPI to watch), and the CLI adds no reporting instructions to CLAUDE.md.
    if [[ "${ARG_STATUS_SOURCE}" != hooks ]]; then
      export CODER_MCP_APP_STATUS_SLUG="${ARG_APP_SLUG}"
      export CODER_MCP_AI_AGENTAPI_URL="http://localhost:${ARG_AGENTAPI_PORT}"
    fi
    export CODER_MCP_CLAUDE_MD_PATH="${md}"
    export CODER_MCP_CLAUDE_SYSTEM_PROMPT="${ARG_SYSTEM_PROMPT}"
    # The CLI prefers SYSTEM_PROMPT, when set at all (even empty), to the module's prompt; an image may
    # set it for something else, so this call alone goes without it.
    unset SYSTEM_PROMPT
    if [[ "${withhold_key}" == true ]]; then
      unset CLAUDE_API_KEY
    fi
    exec coder exp mcp configure claude-code "${project}" 2>&1
  ) || status=$?
  claude_json_unlock
  # The CLI's lines (CRLF-terminated), except its warning about a key that Claude does not need (it
  # has credentials: the key withheld on purpose above, a token, a cloud provider), which would
  # contradict the summary.
  if [[ -n "${out}" ]]; then
    while IFS= read -r line; do
      line=${line%$'\r'}
      if [[ "${quiet_key_warning}" == true && "${line}" == "WARN: CLAUDE_API_KEY is not set." ]]; then
        continue
      fi
      printf '%s\n' "${line}"
    done <<<"${out}"
  fi
  if ((status != 0)); then
    die "'coder exp mcp configure claude-code' failed (output above), so Claude cannot report task status to Coder; fix the coder CLI or set report_tasks = false"
  fi
  tasks_stamp_text "${project}" "${md}" "${withhold_key}"
  printf '%s' "${TASKS_STAMP_TEXT}" >"${TASKS_STAMP}"
  note "mode" "task (status reported as app '${ARG_APP_SLUG}')"
}

# tasks_configured PROJECT CLAUDE_MD WITHHOLD_KEY: sets TASKS_CONFIGURED to true when the coder CLI
# already configured task reporting with these inputs (and the same CLI on PATH), and what it wrote
# is as it left it: CLAUDE_MD, and its entries in ~/.claude.json. A restart then saves the CLI's
# start, a few hundred ms. Sets TASKS_STAMP and TASKS_INPUTS for tasks_stamp_text.
tasks_configured() {
  local stamp=""
  TASKS_CONFIGURED=false
  TASKS_STAMP="${INSTANCE_DIR}/tasks-configured"
  # hash (a builtin) finds the CLI's path without a process.
  hash coder
  TASKS_INPUTS="coder: ${BASH_CMDS[coder]}"$'\n'"project: $1"$'\n'"CLAUDE.md: $2"$'\n'"key withheld: $3"
  TASKS_INPUTS+=$'\n'"key set: ${CLAUDE_API_KEY:+yes}"
  if [[ "${ARG_STATUS_SOURCE}" != hooks ]]; then
    TASKS_INPUTS+=$'\n'"app: ${ARG_APP_SLUG} on port ${ARG_AGENTAPI_PORT}"
  fi
  TASKS_INPUTS+=$'\n'"system prompt: ${ARG_SYSTEM_PROMPT}"
  [[ -f "${TASKS_STAMP}" && ! "${BASH_CMDS[coder]}" -nt "${TASKS_STAMP}" && ! "$2" -nt "${TASKS_STAMP}" ]] || return 0
  IFS= read -r -d '' stamp <"${TASKS_STAMP}" || true
  [[ "${stamp}" == "${TASKS_INPUTS}"$'\n'* ]] || return 0
  tasks_stamp_text "$@"
  [[ -n "${TASKS_STAMP_TEXT}" && "${stamp}" == "${TASKS_STAMP_TEXT}" ]] || return 0
  TASKS_CONFIGURED=true
}

# tasks_stamp_text PROJECT CLAUDE_MD WITHHOLD_KEY: sets TASKS_STAMP_TEXT to what TASKS_STAMP holds
# after the coder CLI ran with TASKS_INPUTS: those, whether CLAUDE_MD is there, and the entries the
# CLI writes in ~/.claude.json as they are now (the key only as whether it is the one given); empty
# when ~/.claude.json cannot be read.
tasks_stamp_text() {
  local entries there=no
  # shellcheck disable=SC2016 # a jq filter: $dir is jq's
  entries=$(
    if [[ "$3" == true ]]; then
      unset CLAUDE_API_KEY
    fi
    exec jq -c --arg dir "$1" '[.projects[$dir].mcpServers.coder, .projects[$dir].allowedTools,
      (if env.CLAUDE_API_KEY then .primaryApiKey == env.CLAUDE_API_KEY else true end)]' "${HOME}/.claude.json" 2>/dev/null
  ) || entries=""
  TASKS_STAMP_TEXT=""
  [[ -n "${entries}" ]] || return 0
  [[ ! -e "$2" ]] || there=yes
  TASKS_STAMP_TEXT="${TASKS_INPUTS}"$'\n'"CLAUDE.md there: ${there}"$'\n'"entries: ${entries}"
}

# claude_md_path: sets CLAUDE_MD to the CLAUDE.md the system prompt goes to (Claude's user-level one
# by default).
claude_md_path() {
  expand_home "${ARG_CLAUDE_MD_PATH:-${HOME}/.claude/CLAUDE.md}"
  CLAUDE_MD=${EXPANDED}
}

# sync_prompt_block FILE TEXT: makes FILE hold TEXT in the module's marked block (TEXT empty: no
# block), leaving every other line as it is. Writes only when something changes, through
# symlinks, keeping the file's mode (0600 for a new file). Sets PROMPT_BLOCK to what it did
# (updated, unchanged or malformed); it is never called as a condition, so errexit holds inside.
sync_prompt_block() {
  local file=$1 text=$2 begin='<!-- claude-code module: system_prompt begin (replaced on every start; edit the template instead) -->' end='<!-- claude-code module: system_prompt end -->' target mode=600 state=outside placed=false line wanted current
  local -a lines=() out=() block=()
  PROMPT_BLOCK=unchanged
  while [[ "${text}" == *$'\n' ]]; do
    text=${text%$'\n'}
  done
  if [[ -n "${text}" ]]; then
    block=("${begin}" "${text}" "${end}")
  fi
  target=${file}
  if [[ -L "${file}" ]]; then
    target=$(readlink -m -- "${file}")
  fi
  if [[ -e "${target}" ]]; then
    mapfile -t lines <"${target}"
  elif [[ -z "${text}" ]]; then
    return 0
  fi
  for line in "${lines[@]}"; do
    if [[ "${state}" == inside ]]; then
      [[ "${line}" != "${end}" ]] || state=outside
      continue
    fi
    if [[ "${line}" == "${begin}" ]]; then
      state=inside
      # The blank line the module put before its block goes with it.
      if [[ -z "${text}" ]] && ((${#out[@]} > 0)) && [[ -z "${out[-1]}" ]]; then
        unset 'out[-1]'
      fi
      if [[ "${placed}" == false ]]; then
        out+=("${block[@]}")
        placed=true
      fi
      continue
    fi
    out+=("${line}")
  done
  if [[ "${state}" == inside ]]; then
    warn "${file} has the module's begin marker but no end marker; left it untouched (remove the marker line to let the module manage its block again)"
    PROMPT_BLOCK=malformed
    return 0
  fi
  # No block wanted and none there (placed is true once a begin marker was met): the file stays as
  # it is, even when it lacks a final newline (as the coder CLI leaves it).
  [[ -n "${text}" || "${placed}" == true ]] || return 0
  if [[ "${placed}" == false && -n "${text}" ]]; then
    if ((${#out[@]} > 0)) && [[ -n "${out[-1]}" ]]; then
      out+=("")
    fi
    out+=("${block[@]}")
  fi
  # Builtins only, so that an unchanged file costs no process.
  wanted=""
  if ((${#out[@]} > 0)); then
    printf -v wanted '%s\n' "${out[@]}"
  fi
  current=""
  if [[ -e "${target}" ]]; then
    IFS= read -r -d '' current <"${target}" || true
  fi
  [[ "${wanted}" != "${current}" ]] || return 0
  if [[ -e "${target}" ]]; then
    mode=$(stat -c %a -- "${target}")
  fi
  [[ -d "${target%/*}" ]] || mkdir -p -- "${target%/*}"
  printf '%s' "${wanted}" | atomic_write "${target}" "${mode}"
  PROMPT_BLOCK=updated
  log "updated the system prompt block in ${file}"
}
