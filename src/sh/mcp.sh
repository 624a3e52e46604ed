# shellcheck shell=bash
# MCP servers from the template, reconciled in the work dir.
#
# The module remembers what it added (~/.claude-module/mcp/<sha256 of the work dir>/, one file per
# server: "<sha256 of the definition> <base64 name>"), so on every start it can tell an unchanged
# server from a changed one, and a server the template dropped from one the user added by hand
# (which it never touches).
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files
# shellcheck disable=SC2164 # the scripts run under set -Eeuo pipefail, so a failed cd ends the step

# step_configure_mcp: Reconciles the template's MCP servers with Claude's config in the work dir; a rejected server is skipped and reported.
step_configure_mcp() {
  local state_dir project name_b64 json_b64 name json key want out existing
  local added=0 unchanged=0 skipped=0 removed=0 skipped_names=""
  local -A keep=() present=()
  need_cmd jq "to read Claude's MCP configuration; install the jq package in the workspace image"
  state_dir="${MODULE_DIR}/mcp/$(sha256_of "${WORKDIR}")"
  mkdir -p "${state_dir}"
  cd -- "${WORKDIR}"
  # Servers Claude has for this work dir now; one the user deleted by hand is added again.
  # Claude files local-scope servers under the git work tree's root when there is one.
  project=$(claude_project_dir "${WORKDIR}")
  existing=$(jq -r --arg dir "${project}" '.projects[$dir].mcpServers // {} | keys[]' "${HOME}/.claude.json" 2>/dev/null || true)
  while IFS= read -r name; do
    [[ -n "${name}" ]] && present["${name}"]=1
  done <<<"${existing}"

  while read -r name_b64 json_b64; do
    [[ -n "${name_b64}" ]] || continue
    name=$(b64d "${name_b64}")
    json=$(b64d "${json_b64}")
    key=$(sha256_of "${name}")
    keep["${key}"]=1
    want=$(sha256_of "${json}")
    if [[ -n "${present[${name}]:-}" && -f "${state_dir}/${key}" && "$(<"${state_dir}/${key}")" == "${want} ${name_b64}" ]]; then
      unchanged=$((unchanged + 1))
      continue
    fi
    # add-json refuses an existing name, so a changed definition replaces the old one.
    if [[ -n "${present[${name}]:-}" ]]; then
      "${BIN_DIR}/claude" mcp remove --scope local "${name}" >/dev/null 2>&1 || true
    fi
    # Claude's own output is not logged: it can echo the definition, secrets included.
    if out=$("${BIN_DIR}/claude" mcp add-json --scope local "${name}" "${json}" 2>&1); then
      printf '%s %s' "${want}" "${name_b64}" | atomic_write "${state_dir}/${key}" 0600
      log "MCP server '${name}' configured"
      added=$((added + 1))
    else
      rm -f "${state_dir}/${key}"
      out=$(mcp_reason "${json}" "${out}")
      warn "MCP server '${name}' was rejected by Claude Code and skipped: ${out}"
      skipped=$((skipped + 1))
      skipped_names+=" ${name}"
    fi
  done <<<"${ARG_MCP_SERVERS}"

  # Servers this module added earlier that the template no longer lists.
  local file entry
  for file in "${state_dir}"/*; do
    [[ -f "${file}" ]] || continue
    key=${file##*/}
    [[ -z "${keep[${key}]:-}" ]] || continue
    entry=$(<"${file}")
    name=$(b64d "${entry#* }")
    "${BIN_DIR}/claude" mcp remove --scope local "${name}" >/dev/null 2>&1 || true
    rm -f "${file}"
    log "MCP server '${name}' removed (no longer in the template)"
    removed=$((removed + 1))
  done
  note "mcp" "${added} added, ${unchanged} unchanged, ${removed} removed, ${skipped} skipped${skipped_names:+ (${skipped_names# })}"
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
