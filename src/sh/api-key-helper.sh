# shellcheck shell=bash
# The template's api_key_helper: a script Claude Code runs for its API key (its apiKeyHelper
# setting), written under ~/.claude-module and registered in the user's settings.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_configure_api_key_helper: Writes api_key_helper to ~/.claude-module/api-key-helper.sh (0700) and sets apiKeyHelper in ~/.claude/settings.json (merged), or takes both back once it is unset.
step_configure_api_key_helper() {
  local file="${HOME}/.claude/settings.json" helper="${MODULE_DIR}/api-key-helper.sh" command updated action body
  [[ -n "${API_KEY_HELPER}" || -e "${helper}" ]] || return 0
  need_cmd jq "to update ~/.claude/settings.json; install the jq package in the workspace image"
  # Claude Code runs the setting as a shell command.
  printf -v command '%q' "${helper}"
  if [[ -n "${API_KEY_HELPER}" ]]; then
    # The body is never an argument nor a log line: printf is a shell builtin.
    body=$(b64d "${API_KEY_HELPER}")
    printf '%s\n' "${body}" | atomic_write "${helper}" 700
  fi
  [[ -d "${HOME}/.claude" ]] || mkdir -p -- "${HOME}/.claude"
  read_json_file "${file}"
  if [[ -z "${JSON_TEXT}" ]]; then
    warn "${file} is not valid JSON; left it untouched, so Claude Code does not run the api_key_helper. Fix: repair or remove the file and restart the workspace"
    note "key helper" "settings.json malformed, not registered"
    return 0
  fi
  if [[ -n "${API_KEY_HELPER}" ]]; then
    updated=$(jq --arg cmd "${command}" '.apiKeyHelper = $cmd' <<<"${JSON_TEXT}")
    action="registered ${helper} as apiKeyHelper"
    note "key helper" "${helper}"
  else
    # Only the module's own entry is taken back.
    updated=$(jq --arg cmd "${command}" 'if .apiKeyHelper == $cmd then del(.apiKeyHelper) else . end' <<<"${JSON_TEXT}")
    rm -f -- "${helper}"
    action="removed the module's apiKeyHelper"
    note "key helper" "removed"
  fi
  if [[ "${updated}" != "${JSON_TEXT}" ]]; then
    write_json "${updated}"
    log "${action} in ${file}"
  fi
}
