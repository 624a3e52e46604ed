# shellcheck shell=bash
# Claude's own configuration in ~/.claude.json, and how Claude authenticates.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_seed_claude_config: Marks onboarding done, the work dir trusted and the API key (if any) approved in ~/.claude.json (merged, never overwritten), so Claude starts without questions.
step_seed_claude_config() {
  local file="${HOME}/.claude.json" project
  auth_method
  note "auth" "${AUTH_METHOD}"
  if [[ -n "${CLAUDE_API_KEY:-}" && -z "${ANTHROPIC_API_KEY:-}" && "${ARG_REPORT_TASKS}" == false ]]; then
    warn "CLAUDE_API_KEY is set but ANTHROPIC_API_KEY is not, and Claude Code reads only ANTHROPIC_API_KEY; pass the key as the module's claude_api_key instead"
  fi
  need_cmd jq "to update ~/.claude.json; install the jq package in the workspace image"
  claude_project_dir "${WORKDIR}"
  project=${PROJECT_DIR}
  seeded_claude_json "${file}" "${project}"
  if [[ "${JSON_STATE}" == changed ]]; then
    # Read again under the lock: a running Claude may have written since.
    claude_json_lock
    seeded_claude_json "${file}" "${project}"
    if [[ "${JSON_STATE}" == changed ]]; then
      write_json "${JSON_EDITED}"
    fi
    claude_json_unlock
  fi
  if [[ "${JSON_STATE}" == malformed ]]; then
    warn "${file} is not valid JSON or not shaped as Claude Code writes it; left it untouched, so Claude may ask its first-run questions"
    note "claude.json" "malformed, left untouched"
  elif [[ "${JSON_STATE}" == unchanged ]]; then
    note "claude.json" "already set up"
  else
    log "marked onboarding done and ${WORKDIR} trusted in ${file}${ANTHROPIC_API_KEY:+; approved the API key}"
    note "claude.json" "onboarding, work dir trust${ANTHROPIC_API_KEY:+ and API key approval} set"
  fi
}

# seeded_claude_json FILE PROJECT: edit_json_file of FILE with what it must hold: onboarding done,
# the work dir and PROJECT trusted, the API key approved (sets JSON_STATE and JSON_EDITED).
seeded_claude_json() {
  # Claude Code 2.1 drops hasCompletedProjectOnboarding from project entries, so it is only
  # seeded into a new entry (for older versions): setting it again would rewrite the file every start.
  # Claude Code asks "Do you want to use this API key?" for an ANTHROPIC_API_KEY it has not seen
  # and remembers the answer as the last 20 characters of the trimmed key; recording that answer
  # in advance lets it start unattended. jq reads the key from its environment, never from argv.
  # Inside a git work tree Claude files the project under the tree's root, so both are trusted.
  # shellcheck disable=SC2016 # a jq filter: $dir, $root and $key are jq's
  edit_json_file "$1" '
    .hasCompletedOnboarding = true
    | reduce ([$dir, $root] | unique[]) as $d (.;
        .projects[$d] = ((.projects[$d] // {hasCompletedProjectOnboarding: true}) + {hasTrustDialogAccepted: true}))
    | (env.ANTHROPIC_API_KEY // "" | sub("^[[:space:]]+"; "") | sub("[[:space:]]+$"; "") | .[-20:]) as $key
    | if $key == "" then .
      else .customApiKeyResponses.approved |= ((. // []) | if any(.[]; . == $key) then . else . + [$key] end)
      end' --arg dir "${WORKDIR}" --arg root "$2"
}

# claude_json_lock: takes Claude Code's own lock on ~/.claude.json (the directory ~/.claude.json.lock).
# A running Claude (another block's) rewrites the file from what it read under that lock, so a change
# made outside it can be lost. A lock untouched for CLAUDE_JSON_LOCK_STALE seconds is taken over; one
# held for CLAUDE_JSON_LOCK_TIMEOUT is given up on, with a warning. Release with claude_json_unlock.
claude_json_lock() {
  local lock="${HOME}/.claude.json.lock" deadline=$((SECONDS + CLAUDE_JSON_LOCK_TIMEOUT)) mtime waiting=false
  CLAUDE_JSON_LOCK=""
  until mkdir -- "${lock}" 2>/dev/null; do
    if [[ ! -d "${lock}" ]]; then
      warn "cannot create ${lock}; changing ~/.claude.json without it"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      warn "${lock} is still held after ${CLAUDE_JSON_LOCK_TIMEOUT}s; changing ~/.claude.json without it"
      return 0
    fi
    if mtime=$(stat -c %Y -- "${lock}" 2>/dev/null) && ((EPOCHSECONDS - mtime > CLAUDE_JSON_LOCK_STALE)); then
      log "taking over ${lock}, untouched for ${CLAUDE_JSON_LOCK_STALE}s"
      rmdir -- "${lock}" 2>/dev/null || true
      continue
    fi
    if [[ "${waiting}" == false ]]; then
      log "waiting for ${lock} (a Claude is writing ~/.claude.json)"
      waiting=true
    fi
    sleep 0.05
  done
  CLAUDE_JSON_LOCK=${lock}
  # An error ends the shell; the lock must not outlive it.
  trap claude_json_unlock EXIT
}

# claude_json_unlock: releases what claude_json_lock took, if anything.
claude_json_unlock() {
  if [[ -n "${CLAUDE_JSON_LOCK:-}" ]]; then
    rmdir -- "${CLAUDE_JSON_LOCK}" 2>/dev/null || true
    CLAUDE_JSON_LOCK=""
  fi
  trap - EXIT
}

# auth_method: sets AUTH_METHOD to how Claude Code will authenticate, judged from the environment
# the way Claude does (a cloud provider wins over keys): a name, never a secret.
auth_method() {
  # shellcheck disable=SC2310 # env_flag_on is a test: its status is the answer
  if env_flag_on CLAUDE_CODE_USE_BEDROCK; then
    AUTH_METHOD='bedrock'
  elif env_flag_on CLAUDE_CODE_USE_VERTEX; then
    AUTH_METHOD='vertex'
  elif [[ -n "${ANTHROPIC_API_KEY:-}${CLAUDE_API_KEY:-}" ]]; then
    AUTH_METHOD='api key'
  elif [[ -n "${API_KEY_HELPER:-}" ]]; then
    AUTH_METHOD='api key helper'
  elif [[ -n "${CLAUDE_CODE_OAUTH_TOKEN:-}" ]]; then
    AUTH_METHOD='oauth token'
  elif [[ -n "${ANTHROPIC_AUTH_TOKEN:-}" ]]; then
    AUTH_METHOD='auth token'
  else
    AUTH_METHOD='none'
  fi
}

# claude_project_dir DIR: sets PROJECT_DIR to the directory Claude Code keys DIR's project entry by
# in ~/.claude.json (its local-scope MCP servers, trust): the enclosing git work tree's root, else
# DIR itself. Asked when needed, not once: a pre_install_script or the template's clone may create
# the .git after the script started.
claude_project_dir() {
  local dir=$1
  while true; do
    if [[ -e "${dir}/.git" ]]; then
      PROJECT_DIR=${dir}
      return 0
    fi
    [[ "${dir}" == */* && "${dir}" != / ]] || break
    dir=${dir%/*}
    dir=${dir:-/}
  done
  PROJECT_DIR=$1
}
