# shellcheck shell=bash
# Keeping Claude Code at the version the module installed.
#
# Claude Code 2.1.x reads DISABLE_AUTOUPDATER from its environment and from the env block of
# ~/.claude/settings.json; it migrates the older autoUpdates: false of ~/.claude.json into that same
# block, and ignores autoUpdates for native installs. The environment comes from the module's
# coder_env; the settings key also covers a claude started where that variable is missing (cron, a
# login shell that resets the environment, an IDE extension).
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# reconcile_update_setting: sets or (when the module set it before) removes env.DISABLE_AUTOUPDATER in ~/.claude/settings.json.
reconcile_update_setting() {
  local file="${HOME}/.claude/settings.json" marker="${MODULE_DIR}/claude-updates-blocked"
  local updated
  if [[ "${ARG_BLOCK_CLAUDE_UPDATES}" == false && ! -e "${marker}" ]]; then
    note "auto-update" "left to Claude Code"
    return 0
  fi
  need_cmd jq "to update ~/.claude/settings.json; install the jq package in the workspace image"
  [[ -d "${HOME}/.claude" ]] || mkdir -p -- "${HOME}/.claude"
  read_json_file "${file}"
  if [[ ! -e "${JSON_TARGET}" && "${ARG_BLOCK_CLAUDE_UPDATES}" == false ]]; then
    rm -f -- "${marker}"
    note "auto-update" "left to Claude Code"
    return 0
  fi
  if [[ -z "${JSON_TEXT}" ]]; then
    updated=""
  elif [[ "${ARG_BLOCK_CLAUDE_UPDATES}" == true ]]; then
    if jq -e '.env.DISABLE_AUTOUPDATER == "1"' <<<"${JSON_TEXT}" >/dev/null 2>&1; then
      note "auto-update" "off"
      return 0
    fi
    updated=$(jq '.env = ((.env // {}) + {DISABLE_AUTOUPDATER: "1"})' <<<"${JSON_TEXT}" 2>/dev/null) || updated=""
  else
    # Only a value the module wrote is taken back.
    updated=$(jq 'if .env.DISABLE_AUTOUPDATER == "1" then del(.env.DISABLE_AUTOUPDATER) | if .env == {} then del(.env) else . end else . end' <<<"${JSON_TEXT}" 2>/dev/null) || updated=""
  fi
  if [[ -z "${updated}" ]]; then
    warn "${file} is not valid JSON; left it untouched, so only the DISABLE_AUTOUPDATER environment variable controls updates"
    note "auto-update" "settings.json malformed, left untouched"
    return 0
  fi
  write_json "${updated}"
  if [[ "${ARG_BLOCK_CLAUDE_UPDATES}" == true ]]; then
    : >"${marker}"
    log "turned Claude Code's auto-updater off in ${file}"
    note "auto-update" "off"
  else
    rm -f -- "${marker}"
    log "handed updates back to Claude Code in ${file}"
    note "auto-update" "left to Claude Code"
  fi
}
