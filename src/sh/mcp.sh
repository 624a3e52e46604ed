# shellcheck shell=bash
# MCP servers from the template, reconciled in the work dir.
#
# The module remembers what it added (~/.claude-module/mcp/<sha256 of the work dir>/, one file per
# server: "<sha256 of the definition> <base64 name>", then " <sha256 of its URL>" for a server from
# a remote config), so on every start it can tell an unchanged server from a changed one, and a
# server the template dropped from one the user added by hand (which it never touches).
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files
# shellcheck disable=SC2164 # the scripts run under set -Eeuo pipefail, so a failed cd ends the step

# step_configure_mcp: Reconciles the template's MCP servers (mcp, then the remote configs of mcp_config_remote_path) with Claude's config in the work dir; a rejected server or unreadable config is skipped and reported.
step_configure_mcp() {
  local state_dir project name_b64 json_b64 source name json key want entry out existing fingerprint
  local added=0 unchanged=0 skipped=0 removed=0 skipped_names="" servers=${ARG_MCP_SERVERS}
  local -A keep=() present=() present_b64=() seen=() unreadable=()
  need_cmd jq "to read Claude's MCP configuration; install the jq package in the workspace image"
  state_dir="${MODULE_DIR}/mcp/${WORKDIR_KEY}"
  [[ -d "${state_dir}" ]] || mkdir -p -- "${state_dir}"
  # No servers, and no record of one added earlier to take back: nothing to ask (and no process).
  local records=("${state_dir}"/*)
  if [[ -z "${servers}" && -z "${MCP_CONFIG_URLS_B64}" && ! -e "${records[0]}" ]]; then
    note "mcp" "0 added, 0 unchanged, 0 removed, 0 skipped"
    return 0
  fi
  cd -- "${WORKDIR}"
  # Servers Claude has for this work dir now; one the user deleted by hand is added again.
  # Claude files local-scope servers under the git work tree's root when there is one.
  claude_project_dir "${WORKDIR}"
  project=${PROJECT_DIR}
  # (Each name also in base64, as the servers' lines carry it. A user's name may hold any character,
  # but the module's names are plain and match exactly.)
  existing=$(jq -r --arg dir "${project}" '.projects[$dir].mcpServers // {} | keys[] | "\(@base64) \(.)"' "${HOME}/.claude.json" 2>/dev/null || true)
  while read -r name_b64 name; do
    [[ -z "${name_b64}" ]] || present_b64["${name_b64}"]=1 present["${name}"]=1
  done <<<"${existing}"
  [[ -z "${MCP_CONFIG_URLS_B64}" ]] || mcp_read_remote_configs "${state_dir}"
  # The same servers as when every one was last configured, and Claude still has them all: nothing
  # to do, and no process per server (a warm restart stays as fast as without servers).
  mcp_fingerprint "${state_dir}" "${servers}"
  fingerprint=${SHA256}
  if [[ ${#unreadable[@]} == 0 && -f "${state_dir}/.fingerprint" && "$(<"${state_dir}/.fingerprint")" == "${fingerprint}" ]]; then
    while read -r name_b64 _; do
      [[ -z "${name_b64}" ]] || unchanged=$((unchanged + 1))
      [[ -z "${name_b64}" || -n "${present_b64[${name_b64}]:-}" ]] || fingerprint=""
    done <<<"${servers}"
    if [[ -n "${fingerprint}" ]]; then
      note "mcp" "0 added, ${unchanged} unchanged, 0 removed, 0 skipped"
      return 0
    fi
    unchanged=0
  fi
  rm -f -- "${state_dir}/.fingerprint"

  # A remote server's line carries its config's source (sha256 of its URL); mcp's lines carry none.
  while read -r name_b64 json_b64 source; do
    [[ -n "${name_b64}" ]] || continue
    name=$(b64d "${name_b64}")
    # mcp's names are checked at plan time; a remote config's only here.
    if [[ ! "${name}" =~ ^[A-Za-z0-9_.-]{1,64}$ ]]; then
      name=${name//[^[:alnum:]_.-]/?}
      warn "MCP server '${name:0:80}' from a remote config was skipped: a name must be 1-64 letters, digits, '_', '.' or '-'"
      skipped=$((skipped + 1))
      skipped_names+=" ${name:0:80}"
      continue
    fi
    # The first definition of a name wins: mcp's, then the earlier URL's.
    if [[ -n "${seen[${name}]:-}" ]]; then
      warn "MCP server '${name}' from a remote config was skipped: mcp or an earlier config defines it, and that definition is used"
      skipped=$((skipped + 1))
      skipped_names+=" ${name}"
      continue
    fi
    seen["${name}"]=1
    json=$(b64d "${json_b64}")
    sha256_of "${name}"
    key=${SHA256}
    keep["${key}"]=1
    sha256_of "${json}"
    want=${SHA256}
    entry="${want} ${name_b64}${source:+ ${source}}"
    if [[ -n "${present[${name}]:-}" && -f "${state_dir}/${key}" && "$(<"${state_dir}/${key}")" == "${entry}" ]]; then
      unchanged=$((unchanged + 1))
      continue
    fi
    # add-json refuses an existing name, so a changed definition replaces the old one.
    if [[ -n "${present[${name}]:-}" ]]; then
      "${BIN_DIR}/claude" mcp remove --scope local "${name}" >/dev/null 2>&1 || true
    fi
    # Claude's own output is not logged: it can echo the definition, secrets included.
    if out=$("${BIN_DIR}/claude" mcp add-json --scope local "${name}" "${json}" 2>&1); then
      printf '%s' "${entry}" | atomic_write "${state_dir}/${key}" 0600
      log "MCP server '${name}' configured"
      added=$((added + 1))
    else
      rm -f "${state_dir}/${key}"
      out=$(mcp_reason "${json}" "${out}")
      warn "MCP server '${name}' was rejected by Claude Code and skipped: ${out}"
      skipped=$((skipped + 1))
      skipped_names+=" ${name}"
    fi
  done <<<"${servers}"

  # Servers this module added earlier that the template no longer lists. One from a remote config
  # that could not be read this time stays: a network outage must not take a user's tools away.
  local file
  for file in "${state_dir}"/*; do
    [[ -f "${file}" ]] || continue
    key=${file##*/}
    [[ -z "${keep[${key}]:-}" ]] || continue
    entry=$(<"${file}")
    read -r want name_b64 source <<<"${entry}"
    name=$(b64d "${name_b64}")
    if [[ -n "${source}" && -n "${unreadable[${source}]:-}" ]]; then
      log "MCP server '${name}' kept: its remote config could not be read"
      unchanged=$((unchanged + 1))
      continue
    fi
    "${BIN_DIR}/claude" mcp remove --scope local "${name}" >/dev/null 2>&1 || true
    rm -f "${file}"
    log "MCP server '${name}' removed (no longer in the template)"
    removed=$((removed + 1))
  done
  note "mcp" "${added} added, ${unchanged} unchanged, ${removed} removed, ${skipped} skipped${skipped_names:+ (${skipped_names# })}"
  # Only a start that configured every server may let the next one skip them all.
  if ((skipped == 0 && ${#unreadable[@]} == 0)); then
    mcp_fingerprint "${state_dir}" "${servers}"
    fingerprint=${SHA256}
    printf '%s' "${fingerprint}" | atomic_write "${state_dir}/.fingerprint" 0600
  fi
}

# mcp_read_records STATE_DIR: reads the module's records of the servers it added, with builtins
# only (an unchanged server costs no process): RECORD_FILE and RECORD_ENTRY map each server's base64
# name to its record's file name and to its entry; RECORD_NAMES lists the base64 names, each after a space.
# shellcheck disable=SC2034 # sets globals that functions in other files read
mcp_read_records() {
  local file entry name_b64
  declare -gA RECORD_FILE=() RECORD_ENTRY=()
  RECORD_NAMES=""
  for file in "$1"/*; do
    [[ -f "${file}" ]] || continue
    read -r entry <"${file}" || [[ -n "${entry}" ]] || continue
    read -r _ name_b64 _ <<<"${entry}"
    RECORD_FILE["${name_b64}"]=${file##*/}
    RECORD_ENTRY["${name_b64}"]=${entry}
    RECORD_NAMES+=" ${name_b64}"
  done
}

# mcp_fingerprint STATE_DIR SERVERS: sets SHA256 to a digest of the servers wanted and of the
# module's records of what it added.
mcp_fingerprint() {
  local records=("$1"/*)
  sha256_of "$2"$'\n\n'"${records[*]##*/}"
}

# mcp_read_remote_configs STATE_DIR: fetches each remote config and appends its servers to the
# caller's `servers` as "<base64 name> <base64 definition> <sha256 of the URL>" lines. A config that
# cannot be fetched or read is reported and skipped, and its URL's sha256 put in the caller's
# `unreadable`. Only the URL's shown form (mcp_url_shown) is ever printed.
mcp_read_remote_configs() {
  local state_dir=$1 urls url shown source body pairs reason err ok=0 failed=0 failures=""
  urls=$(b64d "${MCP_CONFIG_URLS_B64}")
  err=$(mktemp "${state_dir}/.fetch-error.XXXXXX")
  while IFS= read -r url; do
    [[ -n "${url}" ]] || continue
    shown=$(mcp_url_shown "${url}")
    sha256_of "${url}"
    source=${SHA256}
    reason=""
    # shellcheck disable=SC2310 # mcp_fetch is one pipeline whose status is curl's
    if ! command -v curl >/dev/null 2>&1; then
      reason="'curl' was not found on PATH; install curl in the workspace image"
    elif ! body=$(mcp_fetch "${url}" 2>"${err}"); then
      IFS= read -r reason <"${err}" || true
      reason=${reason//"${url}"/"${shown}"}
      reason=${reason:-the download failed}
    # input fails on an empty body, and the if on anything but an object of servers.
    elif ! pairs=$(printf '%s' "${body}" | jq -nr --arg source "${source}" 'input | if (.mcpServers | type) == "object" then .mcpServers | to_entries[] | "\(.key | @base64) \(.value | tojson | @base64) \($source)" else error("no mcpServers") end' 2>/dev/null); then
      reason='not JSON of the form {"mcpServers": {"<name>": {...}}}'
    fi
    if [[ -n "${reason}" ]]; then
      unreadable["${source}"]=1
      warn "MCP config ${shown} was skipped (the servers it added before stay): ${reason:0:300}"
      failed=$((failed + 1))
      failures+="; ${shown}"
      continue
    fi
    log "MCP config ${shown} read"
    ok=$((ok + 1))
    [[ -z "${pairs}" ]] || servers+=$'\n'"${pairs}"
  done <<<"${urls}"
  rm -f "${err}"
  note "mcp configs" "${ok} read, ${failed} skipped${failures:+ (${failures#; })}"
}

# mcp_fetch URL: prints the document at URL, within a bounded time and size. The URL reaches curl
# on stdin as a config line, never on a command line, where any local user could read its token.
mcp_fetch() {
  local url=${1//\\/\\\\}
  printf 'url = "%s"\n' "${url//\"/\\\"}" | curl --config - --fail --silent --show-error --location \
    --proto '=http,https' --proto-redir '=http,https' --connect-timeout 10 --max-time 30 --max-filesize 1048576
}

# mcp_url_shown URL: URL as logs show it: without credentials, query or fragment, any of which may
# carry a token ("?***" says a query or fragment was there).
mcp_url_shown() {
  local url=$1 rest host
  rest=${url#*://}
  host=${rest%%[/?#]*}
  rest=${rest#"${host}"}
  printf '%s://%s%s' "${url%%://*}" "${host##*@}" "${rest%%[?#]*}"
  [[ "${rest}" != *[?#]* ]] || printf '?***'
}

# mcp_reason JSON OUTPUT: the first non-empty line of Claude's complaint (some start with an empty
# line), with the server's env and header values masked.
mcp_reason() {
  local reason="" line secret
  while IFS= read -r line; do
    if [[ -n "${line//[[:space:]]/}" ]]; then
      reason=${line}
      break
    fi
  done <<<"$2"
  while IFS= read -r secret; do
    [[ -n "${secret}" ]] && reason=${reason//"${secret}"/***}
  done < <(jq -r '((.env // {}), (.headers // {})) | .[] | tostring' <<<"$1" 2>/dev/null || true)
  printf '%s' "${reason:0:300}"
}
