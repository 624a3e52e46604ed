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
  log "configuring task reporting: coder exp mcp configure claude-code ${project}"
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
  note "mode" "task (status reported as app '${ARG_APP_SLUG}')"
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
