# shellcheck shell=bash
# Checks the module's MCP servers with a small MCP client of its own, outside Claude: a server that
# Claude accepts but that cannot start (a missing command, a 401, an empty token) would otherwise
# only show as tools Claude silently lacks.
#
# A server passes when it answers initialize and tools/list within mcp_check_timeout seconds. All
# are checked at once, each in its own subshell, so the start waits for the slowest, not the sum.
# An ok result is remembered (~/.claude-module/mcp-checked/<sha256 of the work dir>/, the server's
# reconciliation entry and its tool count), and an unchanged server is not started again.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh
# shellcheck disable=SC2164 # the scripts run under set -Eeuo pipefail, so a failed cd ends the subshell

# step_check_mcp: Starts each of the module's MCP servers (and the user's own, with mcp_check_user_servers) once and reports per server "ok, N tools" or why not; fatal only for a server named in mcp_required.
step_check_mcp() {
  local state_dir checked_dir work="" project configured name_b64 json_b64 name key result
  local ok=0 failed=0 skipped=0 names=() yours_name=() yours_def=() n
  local -A def=() outcome=() key_by_name=()
  state_dir="${MODULE_DIR}/mcp/${WORKDIR_KEY}"
  checked_dir="${MODULE_DIR}/mcp-checked/${WORKDIR_KEY}"
  # Only the module's servers, known by its records of what it added: a user's own and the coder
  # CLI's are left alone.
  mcp_read_records "${state_dir}"
  if [[ -z "${RECORD_NAMES}" && "${ARG_MCP_CHECK_USER_SERVERS}" != true && -z "${ARG_MCP_REQUIRED}" ]]; then
    # Nothing to check (the common case): no process, but no result kept of a server now gone.
    for key in "${checked_dir}"/*; do
      [[ ! -f "${key}" ]] || rm -f -- "${key}"
    done
    return 0
  fi
  [[ -d "${checked_dir}" ]] || mkdir -p -- "${checked_dir}"
  claude_project_dir "${WORKDIR}"
  project=${PROJECT_DIR}
  # Claude's own copy of each definition: what it will start. The module's names are plain
  # (checked at plan time and by mcp.sh), so they need no decoding.
  configured=$(jq -r --arg dir "${project}" --arg mine "${RECORD_NAMES}" '($mine | split(" ")) as $mine
    | .projects[$dir].mcpServers // {} | to_entries | sort_by(.key)[] | select(.key | @base64 | IN($mine[]))
    | "\(.key | @base64) \(.key) \(.value | tojson | @base64)"' "${HOME}/.claude.json" 2>/dev/null || true)
  while read -r name_b64 name json_b64; do
    [[ -n "${name_b64}" ]] || continue
    key=${RECORD_FILE[${name_b64}]}
    key_by_name["${name}"]=${key}
    names+=("${name}")
    result=""
    [[ ! -f "${checked_dir}/${key}" ]] || read -r result <"${checked_dir}/${key}" || true
    if [[ "${result}" == "${RECORD_ENTRY[${name_b64}]}" ]]; then
      # Not started, so its definition is not needed.
      def["${name}"]=""
      outcome["${name}"]=skipped
      continue
    fi
    def["${name}"]=$(b64d "${json_b64}")
    mcp_check_dir
    work=${MCP_CHECK_DIR}
    mcp_check_server "${def[${name}]}" "${ARG_MCP_CHECK_TIMEOUT}" "${work}/${key}" >"${work}/${key}.result" 2>/dev/null &
  done <<<"${configured}"
  # The user's own servers (the work dir's and user-scope ones; not the coder CLI's `coder`), when
  # the template asks: checked on every start, since the module keeps no record of them.
  if [[ "${ARG_MCP_CHECK_USER_SERVERS}" == true ]]; then
    configured=$(jq -r --arg dir "${project}" --arg mine "${RECORD_NAMES}" '($mine | split(" ")) as $mine
      | (.projects[$dir].mcpServers // {}) as $local
      | [($local | to_entries[]), (.mcpServers // {} | to_entries[] | select(.key | in($local) | not))]
      | sort_by(.key)[] | select((.key | @base64 | IN($mine[])) or .key == "coder" | not)
      | "\(.key | @base64) \(.value | tojson | @base64)"' "${HOME}/.claude.json" 2>/dev/null || true)
    while read -r name_b64 json_b64; do
      [[ -n "${name_b64}" ]] || continue
      name=$(b64d "${name_b64}")
      # A name of the user's may hold anything; logs show it printable.
      yours_name+=("${name//[^[:print:]]/?}")
      yours_def+=("$(b64d "${json_b64}")")
      key="yours-${#yours_def[@]}"
      mcp_check_dir
      work=${MCP_CHECK_DIR}
      mcp_check_server "${yours_def[-1]}" "${ARG_MCP_CHECK_TIMEOUT}" "${work}/${key}" >"${work}/${key}.result" 2>/dev/null &
    done <<<"${configured}"
  fi
  wait

  for name in "${names[@]}"; do
    key=${key_by_name[${name}]}
    if [[ "${outcome[${name}]:-}" == skipped ]]; then
      { read -r _ && read -r result; } <"${checked_dir}/${key}"
      log "MCP server '${name}': check skipped, unchanged since it answered with ${result} tools"
      note "mcp ${name}" "ok, ${result} tools (unchanged, not checked again)"
      skipped=$((skipped + 1))
      continue
    fi
    result=$(cat "${work}/${key}.result" 2>/dev/null || true)
    result=$(mcp_mask "${def[${name}]}" "${result:-failed: the check ended without a result}")
    if [[ "${result}" =~ ^ok\ ([0-9]+)$ ]]; then
      printf '%s\n%s\n' "$(<"${state_dir}/${key}")" "${BASH_REMATCH[1]}" | atomic_write "${checked_dir}/${key}" 0600
      result="ok, ${BASH_REMATCH[1]} tools"
      log "MCP server '${name}': ${result}"
      ok=$((ok + 1))
    else
      rm -f -- "${checked_dir}/${key}"
      outcome["${name}"]=${result}
      warn "MCP server '${name}': ${result}"
      failed=$((failed + 1))
    fi
    note "mcp ${name}" "${result}"
  done
  for n in "${!yours_name[@]}"; do
    result=$(cat "${work}/yours-$((n + 1)).result" 2>/dev/null || true)
    result=$(mcp_mask "${yours_def[n]}" "${result:-failed: the check ended without a result}")
    if [[ "${result}" =~ ^ok\ ([0-9]+)$ ]]; then
      result="ok, ${BASH_REMATCH[1]} tools"
      log "MCP server '${yours_name[n]}' (yours): ${result}"
      ok=$((ok + 1))
    else
      warn "MCP server '${yours_name[n]}' (yours): ${result}"
      failed=$((failed + 1))
    fi
    note "mcp ${yours_name[n]} (yours)" "${result}"
  done
  # Results of servers the module no longer has.
  for key in "${checked_dir}"/*; do
    [[ ! -f "${key}" || -f "${state_dir}/${key##*/}" ]] || rm -f -- "${key}"
  done
  ((${#names[@]} + ${#yours_name[@]} == 0)) || note "mcp check" "${ok} ok, ${failed} failed, ${skipped} unchanged"

  while IFS= read -r name; do
    [[ -n "${name}" ]] || continue
    if [[ -z "${def[${name}]+set}" ]]; then
      die "MCP server '${name}' is named in mcp_required but is not configured (see the MCP lines above: it may be missing from mcp or its remote config, or rejected by Claude Code); add it, or drop it from mcp_required"
    fi
    result=${outcome[${name}]:-}
    if [[ -n "${result}" && "${result}" != skipped ]]; then
      die "MCP server '${name}' is named in mcp_required and failed its check: ${result}; fix its definition, the command or credentials it needs in the workspace, or drop it from mcp_required"
    fi
  done <<<"${ARG_MCP_REQUIRED}"
}

# mcp_check_dir: sets MCP_CHECK_DIR to the directory of this start's checks, made on first use (when
# every server is unchanged, none is) and removed when the shell exits.
mcp_check_dir() {
  if [[ -z "${MCP_CHECK_DIR:-}" ]]; then
    MCP_CHECK_DIR=$(mktemp -d "${MODULE_DIR}/.mcp-check.XXXXXX")
    # shellcheck disable=SC2064 # the path is fixed now
    trap "rm -rf -- '${MCP_CHECK_DIR}'" EXIT
  fi
}

# mcp_check_server JSON TIMEOUT WORK: checks one server (its definition as Claude has it), using
# WORK as a prefix for its temporary files. Prints "ok <tool count>" or a cause starting with
# "failed:" or "not checked"; the caller masks secrets in it.
mcp_check_server() {
  local json=$1 timeout=$2 work=$3 missing type
  # A server that dies must not take the check with it by SIGPIPE.
  trap '' PIPE
  json=$(mcp_expand "${json}")
  missing=$(jq -r '[.. | strings | scan("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}") | .[0]] | unique | join(", ")' <<<"${json}")
  type=$(jq -r '.type // (if .url then "http" else "stdio" end)' <<<"${json}")
  DEADLINE=$((${EPOCHREALTIME/./} + timeout * 1000000))
  if [[ -n "${missing}" ]]; then
    printf 'failed: environment variable %s not set (Claude passes the reference on literally)' "${missing}"
  elif [[ "${type}" == stdio ]]; then
    mcp_check_stdio "${json}" "${timeout}" "${work}"
  elif [[ "${type}" == http ]]; then
    mcp_check_http "${json}" "${timeout}" "${work}"
  elif [[ "${type}" == sse ]]; then
    mcp_check_sse "${json}" "${timeout}" "${work}"
  else
    printf 'not checked (%s)' "${type:0:20}"
  fi
}

# mcp_expand JSON: JSON with ${VAR} and ${VAR:-default} replaced in command, args, env, url and
# headers, as Claude Code does: a set variable's value (even empty), else the default; a reference
# to an unset variable without a default stays as it is.
mcp_expand() {
  jq '(.command, .args, .env, .url, .headers) |= (if . == null then . else walk(if type == "string" then
      gsub("\\$\\{(?<n>[A-Za-z_][A-Za-z0-9_]*)(?<d>:-[^}]*)?\\}"; $ENV[.n] // (.d // null | if . then .[2:] else null end) // "${\(.n)}")
    else . end) end)' <<<"$1"
}

# mcp_remaining: prints the seconds (with microseconds) left until DEADLINE; fails when none are.
mcp_remaining() {
  local left=$((DEADLINE - ${EPOCHREALTIME/./}))
  ((left > 0)) || return 1
  printf '%d.%06d' $((left / 1000000)) $((left % 1000000))
}

# mcp_request ID METHOD: a JSON-RPC request line of the MCP client (ID empty: a notification).
mcp_request() {
  jq -cn --arg id "$1" --arg method "$2" --arg version 2025-06-18 '{jsonrpc: "2.0", method: $method}
    + (if $id == "" then {} else {id: ($id | tonumber)} end)
    + (if $method == "initialize" then {params: {protocolVersion: $version, capabilities: {},
        clientInfo: {name: "claude-code-module-check", version: "1"}}} else {} end)'
}

# mcp_answer ID: from JSON-RPC messages on stdin, the tool count of the answer with ID (tools/list),
# "initialized" for an answer to initialize, or "error: <message>"; nothing when none is there.
mcp_answer() {
  jq -nrR --argjson id "$1" 'first(inputs | fromjson? | select(type == "object" and .id == $id))
    | if .error then "error: \(.error.message // .error | tostring)"
      elif $id == 1 then "initialized" else (.result.tools // [] | length | tostring) end' 2>/dev/null || true
}

# mcp_check_stdio JSON TIMEOUT WORK: starts the server as Claude would (its env on top of the
# workspace's, in the work dir), sends initialize, the initialized notification and tools/list, and
# reads line-delimited answers until the deadline. The server is killed afterwards, with anything
# it started (it runs in a session of its own).
# shellcheck disable=SC2310 # its helpers fail as answers (no time left, no HTTP status), not as errors to stop at
mcp_check_stdio() {
  local json=$1 timeout=$2 work=$3 command shown line left answer="" id=1 pid in out result status=0 read_status
  local -a args=() env=()
  command=$(jq -r '.command // ""' <<<"${json}")
  shown=$(jq -r '.command // "" | .[0:80]' <<<"${json}")
  mapfile -d '' -t args < <(jq -j '.args // [] | .[] | tostring + "\u0000"' <<<"${json}" || true)
  mapfile -d '' -t env < <(jq -j '.env // {} | to_entries[] | "\(.key)=\(.value | tostring)\u0000"' <<<"${json}" || true)
  if ! (
    cd -- "${WORKDIR}" && for line in "${env[@]}"; do export "${line?}"; done
    command -v -- "${command}" >/dev/null
  ); then
    printf 'failed: command not found: %s' "${shown}"
    return 0
  fi
  mkfifo "${work}.in" "${work}.out"
  # Values reach the server through its environment, never its command line. Whatever it leaves
  # running must not hold the start lock.
  (
    cd -- "${WORKDIR}"
    for line in "${env[@]}"; do export "${line?}"; done
    if command -v setsid >/dev/null; then exec setsid -- "${command}" "${args[@]}"; fi
    exec "${command}" "${args[@]}"
  ) <"${work}.in" >"${work}.out" 2>"${work}.err" {START_LOCK_FD}>&- &
  pid=$!
  exec {in}>"${work}.in" {out}<"${work}.out"
  mcp_request 1 initialize >&"${in}" || true
  while [[ -z "${answer}" ]]; do
    read_status=142
    if left=$(mcp_remaining); then
      read_status=0
      IFS= read -r -t "${left}" -u "${out}" line || read_status=$?
    fi
    if ((read_status != 0)); then
      if ((read_status > 128)); then
        result="failed: timeout, no answer to $([[ "${id}" == 1 ]] && echo initialize || echo tools/list) within ${timeout}s"
      else
        # The server closed its output: it exited, or is about to.
        wait "${pid}" || status=$?
        result="failed: exit status ${status} before answering $([[ "${id}" == 1 ]] && echo initialize || echo tools/list)"
        line=$(grep -m 1 '[^[:space:]]' "${work}.err" 2>/dev/null || true)
        [[ -z "${line}" ]] || result+=": ${line:0:200}"
      fi
      break
    fi
    answer=$(mcp_answer "${id}" <<<"${line}")
    if [[ "${answer}" == error:* ]]; then
      result="failed: ${answer:0:200}"
    elif [[ "${answer}" == initialized ]]; then
      answer="" id=2
      { mcp_request "" notifications/initialized && mcp_request 2 tools/list; } >&"${in}" || true
      continue
    elif [[ -n "${answer}" ]]; then
      result="ok ${answer}"
    fi
  done
  exec {in}>&- {out}<&-
  kill -TERM -- "-${pid}" 2>/dev/null || kill -TERM "${pid}" 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "-${pid}" 2>/dev/null || kill -KILL "${pid}" 2>/dev/null || true
  printf '%s' "${result}"
}

# mcp_check_http JSON TIMEOUT WORK: the streamable HTTP transport: each message is a POST, the
# answer is JSON or an SSE stream, and a Mcp-Session-Id header from initialize goes on every later
# request. URL and headers reach curl on stdin, never on its command line.
# shellcheck disable=SC2310 # its helpers fail as answers (no time left, no HTTP status), not as errors to stop at
mcp_check_http() {
  local json=$1 timeout=$2 work=$3 config session="" code answer
  command -v curl >/dev/null || {
    printf "not checked ('curl' was not found on PATH)"
    return 0
  }
  if ! config=$(mcp_curl_config "${json}"); then
    printf 'failed: a control character in the url or a header value'
    return 0
  fi
  code=$(mcp_post "${config}" "${work}" 1 initialize) || {
    printf 'failed: %s' "${code}"
    return 0
  }
  answer=$(mcp_http_answer "${work}" 1)
  if [[ "${code}" != 2?? ]]; then
    printf 'failed: HTTP %s' "${code}"
    return 0
  elif [[ "${answer}" != initialized ]]; then
    printf 'failed: %s' "${answer:-no answer to initialize}"
    return 0
  fi
  session=$(sed -n 's/^[Mm][Cc][Pp]-[Ss][Ee][Ss][Ss][Ii][Oo][Nn]-[Ii][Dd]:[[:space:]]*\([!-~]*\).*/\1/p' "${work}.headers")
  session=${session%%$'\n'*}
  # The version mcp_request asks for.
  config+=$'\n''header = "MCP-Protocol-Version: 2025-06-18"'
  [[ ! "${session}" =~ ^[!-~]+$ ]] || config+=$'\n'"header = \"Mcp-Session-Id: ${session//\"/}\""
  mcp_post "${config}" "${work}" "" notifications/initialized >/dev/null || true
  code=$(mcp_post "${config}" "${work}" 2 tools/list) || {
    printf 'failed: %s (tools/list)' "${code}"
    return 0
  }
  answer=$(mcp_http_answer "${work}" 2)
  if [[ "${code}" != 2?? ]]; then
    printf 'failed: HTTP %s (tools/list)' "${code}"
  elif [[ "${answer}" =~ ^[0-9]+$ ]]; then
    printf 'ok %s' "${answer}"
  else
    printf 'failed: %s' "${answer:-no answer to tools/list}"
  fi
}

# mcp_check_sse JSON TIMEOUT WORK: the older HTTP+SSE transport: a GET opens an event stream whose
# first "endpoint" event says where to POST messages, and the answers come back on that stream.
# The endpoint must be on the server's own origin: the POSTs carry the server's headers.
# shellcheck disable=SC2310 # its helpers fail as answers (no time left, no HTTP status), not as errors to stop at
mcp_check_sse() {
  local json=$1 timeout=$2 work=$3 config url origin left stream pid line event="" data endpoint="" id=0 answer
  local result="" read_status status waiting="the endpoint event"
  command -v curl >/dev/null || {
    printf "not checked ('curl' was not found on PATH)"
    return 0
  }
  if ! config=$(mcp_curl_config "${json}"); then
    printf 'failed: a control character in the url or a header value'
    return 0
  fi
  url=$(jq -r .url <<<"${json}")
  [[ "${url}" =~ ^https?://[^/?#]+ ]] && origin=${BASH_REMATCH[0]}
  left=$(mcp_remaining) || left=0.1
  # The config (headers may hold tokens) reaches curl on stdin; curl is the substitution's process,
  # so $! is curl's pid.
  exec {stream}< <(exec curl --config - --silent --show-error --no-buffer --proto '=http,https' \
    --max-time "${left}" --header 'Accept: text/event-stream' --dump-header "${work}.stream-headers" \
    2>"${work}.err" <<<"${config}" || true)
  pid=$!
  while [[ -z "${result}" ]]; do
    read_status=142
    if left=$(mcp_remaining); then
      read_status=0
      IFS= read -r -t "${left}" -u "${stream}" line || read_status=$?
    fi
    if ((read_status > 128)); then
      result="failed: timeout, no ${waiting} within ${timeout}s"
    elif ((read_status != 0)); then
      # The stream ended: an HTTP error, a failed connection, or a server that closed it.
      status=$(sed -n '1s/^HTTP\/[0-9.]* \([0-9]*\).*/\1/p' "${work}.stream-headers" 2>/dev/null || true)
      if [[ -n "${status}" && "${status}" != 2?? ]]; then
        result="failed: HTTP ${status}"
      elif [[ -z "${status}" ]]; then
        result="failed: connection failed: $(head -c 200 "${work}.err" 2>/dev/null || true)"
      else
        result="failed: the event stream ended before ${waiting}"
      fi
    fi
    [[ -z "${result}" ]] || break
    line=${line%$'\r'}
    case ${line} in
      event:*) event=${line#event:} event=${event# } ;;
      data:*)
        data=${line#data:} data=${data# }
        if [[ "${event}" == endpoint && -z "${endpoint}" ]]; then
          if [[ "${data}" == /* ]]; then
            endpoint=${origin}${data}
          elif [[ "${data}" == "${origin}"/* ]]; then
            endpoint=${data}
          else
            result="failed: the endpoint event names another server: ${data:0:80}"
            break
          fi
          id=1 waiting="answer to initialize"
          mcp_sse_post "${json}" "${endpoint}" "${work}" 1 initialize || result="failed: $(<"${work}.post")"
          continue
        fi
        ((id > 0)) || continue
        answer=$(mcp_answer "${id}" <<<"${data}")
        if [[ "${answer}" == error:* ]]; then
          result="failed: ${answer:0:200}"
        elif [[ "${answer}" == initialized ]]; then
          id=2 waiting="answer to tools/list"
          mcp_sse_post "${json}" "${endpoint}" "${work}" "" notifications/initialized || true
          mcp_sse_post "${json}" "${endpoint}" "${work}" 2 tools/list || result="failed: $(<"${work}.post") (tools/list)"
        elif [[ -n "${answer}" ]]; then
          result="ok ${answer}"
        fi
        ;;
      "") event="" ;;
      *) ;;
    esac
  done
  exec {stream}<&-
  kill "${pid}" 2>/dev/null || true
  printf '%s' "${result}"
}

# mcp_sse_post JSON ENDPOINT WORK ID METHOD: POSTs a message to an SSE server's endpoint, with the
# server's headers. Fails, with the cause in WORK.post, unless the server accepts it (HTTP 2xx).
# shellcheck disable=SC2310 # its helpers' failures are causes to report, not errors to stop at
mcp_sse_post() {
  local config code
  if ! config=$(mcp_curl_config "$1" "$2"); then
    printf 'a control character in the endpoint' >"$3.post"
    return 1
  fi
  if ! code=$(mcp_post "${config}" "$3" "$4" "$5"); then
    printf '%s' "${code}" >"$3.post"
    return 1
  fi
  if [[ "${code}" != 2?? ]]; then
    printf 'HTTP %s' "${code}" >"$3.post"
    return 1
  fi
}

# mcp_curl_config JSON [URL]: curl config lines for the server's url (or URL) and headers; fails on
# a control character, which a config line cannot hold.
mcp_curl_config() {
  jq -r --arg url "${2:-}" '(if $url == "" then .url else $url end) as $u
    | "url = \"\($u | gsub("(?<c>[\"\\\\])"; "\\\(.c)"))\"",
      (.headers // {} | to_entries[] | "header = \"\(.key): \(.value | tostring | gsub("(?<c>[\"\\\\])"; "\\\(.c)"))\""),
      (if [$u, (.headers // {} | .[] | tostring)] | any(test("[[:cntrl:]]")) then error("control") else empty end)' <<<"$1" 2>/dev/null
}

# mcp_post CONFIG WORK ID METHOD: POSTs a request within the time left; the answer lands in
# WORK.body and its headers in WORK.headers. Prints the HTTP status, or the cause when there is none.
# shellcheck disable=SC2310 # its helpers fail as answers (no time left, no HTTP status), not as errors to stop at
mcp_post() {
  local config=$1 work=$2 left code rc=0
  mcp_request "$3" "$4" >"${work}.request"
  left=$(mcp_remaining) || {
    printf 'timeout'
    return 1
  }
  code=$(printf '%s\n' "${config}" | curl --config - --silent --show-error --proto '=http,https' \
    --max-time "${left}" --request POST --header 'Content-Type: application/json' \
    --header 'Accept: application/json, text/event-stream' --data-binary "@${work}.request" \
    --dump-header "${work}.headers" --output "${work}.body" --write-out '%{http_code}' 2>"${work}.err") || rc=$?
  # An SSE stream the server keeps open ends in curl's timeout, after the answer arrived.
  if ((rc == 28)); then
    code=$(mcp_http_answer "${work}" "$3")
    [[ -z "${code}" ]] || rc=0
    code=200
  fi
  case ${rc} in
    0) printf '%s' "${code}" ;;
    28) printf 'timeout, no answer to %s within the time left' "$4" ;;
    *) printf 'connection failed (curl exit %s)' "${rc}" ;;
  esac
  ((rc == 0))
}

# mcp_http_answer WORK ID: mcp_answer for the last HTTP answer, plain JSON or SSE "data:" lines.
mcp_http_answer() {
  [[ -n "$2" ]] || return 0
  if grep -qi '^content-type:[[:space:]]*text/event-stream' "$1.headers" 2>/dev/null; then
    { sed -n 's/^data:[[:space:]]\{0,1\}//p' "$1.body" 2>/dev/null || true; } | mcp_answer "$2"
  else
    { jq -c . "$1.body" 2>/dev/null || true; } | mcp_answer "$2"
  fi
}

# mcp_mask JSON TEXT: TEXT with the values of the server's env and headers, its URL's query, and
# the expanded forms of all of them masked.
# shellcheck disable=SC2310 # a failed expansion masks nothing more, and the text is still printed
mcp_mask() {
  local text=$2 secret
  while IFS= read -r secret; do
    [[ ${#secret} -lt 3 ]] || text=${text//"${secret}"/***}
  done < <({
    printf '%s' "$1"
    mcp_expand "$1"
  } | jq -r '(((.env // {}), (.headers // {})) | .[] | tostring), (.url // "" | capture("[?#](?<q>.*)").q)' 2>/dev/null || true)
  printf '%s' "${text:0:300}"
}
