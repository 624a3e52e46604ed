# shellcheck shell=bash
# mcp_project_file: the module's MCP servers also in the work dir's .mcp.json, where other clients
# (Coder Agents) read a project's servers, approved for Claude (.claude/settings.local.json) so it
# asks nothing about them.
#
# The file is the user's (often in their repository): it is merged, never replaced. The module
# remembers what it wrote there (~/.claude-module/mcp-project/<sha256 of the work dir>, the name
# and JSON of each entry), so it updates and removes only its own entries, and only while they are
# as it wrote them; an entry the user changed is theirs from then on.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_write_project_mcp: With mcp_project_file, writes the module's MCP servers (as Claude has them) into the work dir's .mcp.json and approves them for Claude; turned off, takes its entries out again. Costs nothing when off and never on.
step_write_project_mcp() {
  local records=("${MODULE_DIR}"/mcp-project/*)
  [[ "${ARG_MCP_PROJECT_FILE}" == true || -e "${records[0]}" ]] || return 0
  run_logged install.log project_mcp_reconcile
}

# project_mcp_reconcile: the work of step_write_project_mcp, in its log.
project_mcp_reconcile() {
  local file="${WORKDIR}/.mcp.json" record project mine="" state merged out kept existed=false names old count
  record="${MODULE_DIR}/mcp-project/${WORKDIR_KEY}"
  [[ -d "${MODULE_DIR}/mcp-project" ]] || mkdir -p -- "${MODULE_DIR}/mcp-project"
  claude_project_dir "${WORKDIR}"
  project=${PROJECT_DIR}
  # The module's servers: those it has records of (mcp.sh), unless the input is off.
  if [[ "${ARG_MCP_PROJECT_FILE}" == true ]]; then
    mcp_read_records "${MODULE_DIR}/mcp/${WORKDIR_KEY}"
    mine=${RECORD_NAMES}
  fi
  read_json_file "${file}"
  if [[ -z "${JSON_TEXT}" ]]; then
    warn "${file} is not valid JSON; left it untouched, so the module's MCP servers are not in it (fix or remove the file)"
    note "mcp.json" "malformed, left untouched"
    return 0
  fi
  state=$(cat -- "${record}" 2>/dev/null || printf '{}')
  [[ ! -e "${JSON_TARGET}" ]] || existed=true
  # One jq run: the file's new content, the new record, and the names kept as the user's.
  if ! merged=$(jq -c --arg dir "${project}" --arg mine "${mine}" --argjson written "${state}" \
    --argjson existed "${existed}" --slurpfile claude "${HOME}/.claude.json" '
      ($mine | split(" ") | map(select(. != "") | @base64d)) as $mine
      | ($claude[0].projects[$dir].mcpServers // {} | with_entries(select(.key | IN($mine[])))) as $want
      | (if (.mcpServers | type) == "object" then .mcpServers else {} end) as $have
      # The module may change an entry while it is missing or as the module wrote it.
      | def ours($n): $have[$n] == null or ($written[$n] != null and ($have[$n] | tojson) == $written[$n]);
      (reduce ($written | keys[]) as $n ($have; if $want[$n] == null and ours($n) then del(.[$n]) else . end)) as $servers
      | (reduce ($want | keys[]) as $n ($servers; if ours($n) then .[$n] = $want[$n] else . end)) as $servers
      | {
          # No file is made just to hold nothing.
          file: (if $existed or ($servers | length) > 0 then . + {mcpServers: $servers} else null end),
          written: ($want | with_entries(select(.key as $n | ours($n)) | .value |= tojson)),
          kept: [$want | keys[] | select(ours(.) | not)]
        }' <<<"${JSON_TEXT}" 2>/dev/null); then
    warn "${file} does not hold an object of the form {\"mcpServers\": {...}}; left it untouched"
    note "mcp.json" "not an MCP config, left untouched"
    return 0
  fi
  out=$(jq '.file' <<<"${merged}")
  if [[ "${out}" != null && "${out}" != "${JSON_TEXT}" ]]; then
    user_file_mode
    write_json "${out}" "${USER_FILE_MODE}"
    log "updated the module's MCP servers in ${file}"
  fi
  kept=$(jq -r '.kept | join(" ")' <<<"${merged}")
  [[ -z "${kept}" ]] || warn "MCP server(s) ${kept} in ${file} differ from what the module wrote there; left as they are (delete them to get the module's again)"
  old=$(jq -c 'keys' <<<"${state}")
  state=$(jq '.written' <<<"${merged}")
  printf '%s\n' "${state}" | atomic_write "${record}" 0600
  names=$(jq -c '.written | keys' <<<"${merged}")
  project_mcp_approve "${names}" "${old}"
  if [[ "${ARG_MCP_PROJECT_FILE}" == true ]]; then
    count=$(jq -r '.written | length' <<<"${merged}")
    note "mcp.json" "${count} server(s) of the module in ${file}${kept:+; yours kept: ${kept}}"
  else
    rm -f -- "${record}"
    note "mcp.json" "the module's servers taken out of ${file}"
  fi
}

# project_mcp_approve NAMES OLD: approves the .mcp.json servers NAMES (a JSON array) for Claude in the
# work dir's .claude/settings.local.json (where Claude keeps such approvals; it moves them there
# from ~/.claude.json), so it asks nothing about them, and takes back the approval of those in OLD
# (the module's earlier ones) no longer among NAMES. The file is merged; a new one is the user's.
project_mcp_approve() {
  local file="${WORKDIR}/.claude/settings.local.json" updated
  read_json_file "${file}"
  if [[ -z "${JSON_TEXT}" ]]; then
    warn "${file} is not valid JSON; left it untouched, so Claude may ask before it uses the servers in .mcp.json"
    return 0
  fi
  updated=$(jq --argjson names "$1" --argjson old "$2" '
    if has("enabledMcpjsonServers") or ($names | length) > 0
    then .enabledMcpjsonServers |= (((. // []) - ($old - $names)) + $names | unique) else . end' <<<"${JSON_TEXT}") ||
    return 0
  [[ "${updated}" != "${JSON_TEXT}" ]] || return 0
  [[ -e "${JSON_TARGET}" ]] || (umask "${USER_UMASK}" && mkdir -p -- "${JSON_TARGET%/*}")
  user_file_mode
  write_json "${updated}" "${USER_FILE_MODE}"
}
