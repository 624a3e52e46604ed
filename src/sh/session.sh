# shellcheck shell=bash
# Which Claude Code session a start continues, and whether it gets the prompt.
#
# Claude keeps one transcript per session in ~/.claude/projects/<folder>/<id>.jsonl. The folder name
# is an encoding of the work dir that has changed between Claude versions (and differs for symlinks
# and long paths), so transcripts are always found by searching every folder, never by computing it.
# shellcheck disable=SC2034 # sets globals that functions in other files read
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# choose_session: sets SESSION_ARGS (Claude's session arguments), SESSION_ID (the session Claude
# runs) and SEND_PROMPT (true only when a new session starts, so the prompt is never sent twice into
# one conversation).
choose_session() {
  local id file
  SESSION_ARGS=()
  SESSION_ID=""
  SEND_PROMPT=false
  CLAUDE_PROJECTS="${HOME}/.claude/projects"
  need_cmd jq "to read Claude's session transcripts; install the jq package in the workspace image"

  if [[ -n "${ARG_RESUME_SESSION_ID}" ]]; then
    id=${ARG_RESUME_SESSION_ID}
    transcripts_of "${id}"
    ((${#TRANSCRIPTS[@]} > 0)) ||
      die "resume_session_id ${id} has no transcript (${CLAUDE_PROJECTS}/*/${id}.jsonl) in this workspace, so Claude cannot resume it; restore the transcript or clear resume_session_id"
    for file in "${TRANSCRIPTS[@]}"; do
      # shellcheck disable=SC2310 # is_session_id and message_cwd are tests: their status is the answer
      if [[ -s "${file}" ]] && message_cwd "${file}" "${id}" >/dev/null; then
        SESSION_ARGS=(--resume "${id}")
        SESSION_ID=${id}
        note "session" "resumed ${id} (resume_session_id)"
        return 0
      fi
    done
    die "the transcript of resume_session_id ${id} (${TRANSCRIPTS[0]}) is empty or unreadable, so Claude cannot resume it; restore it or clear resume_session_id"
  fi

  if [[ "${ARG_CONTINUE}" == false ]]; then
    id=$(new_session_id)
    SESSION_ARGS=(--session-id "${id}")
    SESSION_ID=${id}
    SEND_PROMPT=true
    note "session" "new ${id} (continue = false)"
    return 0
  fi
  if [[ "${ARG_REPORT_TASKS}" == true ]]; then
    task_session
    return 0
  fi
  latest_session_in_workdir
  if [[ -n "${LATEST_SESSION}" ]]; then
    SESSION_ARGS=(--continue)
    SESSION_ID=${LATEST_SESSION}
    note "session" "continued the most recent in the work dir (${LATEST_SESSION})"
  else
    id=$(new_session_id)
    SESSION_ARGS=(--session-id "${id}")
    SESSION_ID=${id}
    SEND_PROMPT=true
    note "session" "new ${id} (no earlier session in the work dir)"
  fi
}

# task_session: the module's own session for the work dir and the task: --resume while its
# transcript is usable, else a new session (a new id when an unusable transcript was moved aside,
# since Claude refuses --session-id for an id that has a transcript). Another task in the same work
# dir (a home that outlived a deleted task) gets a new session, with its prompt.
task_session() {
  local state id="" task="" file dest usable=false moved="" old earlier=""
  [[ -d "${MODULE_DIR}/sessions" ]] || mkdir -p -- "${MODULE_DIR}/sessions"
  state="${MODULE_DIR}/sessions/${WORKDIR_KEY}"
  if [[ -f "${state}" ]]; then
    # The session id, and the task it belongs to (no line when no task id was known).
    { IFS= read -r id && IFS= read -r task; } <"${state}" || true
  fi
  if [[ -n "${task}" && -n "${ARG_TASK_ID}" && "${task}" != "${ARG_TASK_ID}" ]]; then
    log "this work dir's session ${id} belongs to task ${task}; task ${ARG_TASK_ID} starts a session of its own"
    earlier=${id}
    id=""
  fi
  # shellcheck disable=SC2310 # is_session_id and message_cwd are tests: their status is the answer
  if ! is_session_id "${id}"; then
    if [[ -n "${id}" ]]; then
      warn "${state} does not hold a session id; starting a new session"
    fi
    id=$(new_session_id)
    keep_task_session "${state}" "${id}"
    log "new session id ${id} for ${WORKDIR} (kept in ${state})"
  elif [[ -z "${task}" && -n "${ARG_TASK_ID}" ]]; then
    # Kept before the task's id was known (an earlier module version, or Coder before tasks had ids).
    keep_task_session "${state}" "${id}"
  fi

  transcripts_of "${id}"
  for file in "${TRANSCRIPTS[@]}"; do
    # shellcheck disable=SC2310 # is_session_id and message_cwd are tests: their status is the answer
    if [[ -s "${file}" ]] && message_cwd "${file}" "${id}" >/dev/null; then
      usable=true
      continue
    fi
    dest=$(quarantine "${file}")
    warn "the transcript of session ${id} is empty or unreadable, so Claude could not resume it; moved ${file} to ${dest}"
    moved+="${moved:+, }${dest}"
  done

  SESSION_ID=${id}
  if [[ "${usable}" == true ]]; then
    SESSION_ARGS=(--resume "${id}")
    note "session" "resumed ${id}${moved:+ (an unusable copy was moved to ${moved})}"
    return 0
  fi
  if [[ -n "${moved}" ]]; then
    old=${id}
    id=$(new_session_id)
    SESSION_ID=${id}
    keep_task_session "${state}" "${id}"
    log "new session id ${id} for ${WORKDIR} replaces ${old}"
    note "session" "new ${id} (the transcript of ${old} was unusable and moved to ${moved})"
  elif [[ -n "${earlier}" ]]; then
    note "session" "new ${id} (task ${ARG_TASK_ID}; ${earlier} was task ${task}'s)"
  else
    note "session" "new ${id}"
  fi
  SESSION_ARGS=(--session-id "${id}")
  SEND_PROMPT=true
}

# keep_task_session STATE ID: records ID in STATE as the work dir's session, for this task when its id
# is known.
keep_task_session() {
  printf '%s\n' "$2" ${ARG_TASK_ID:+"${ARG_TASK_ID}"} | atomic_write "$1" 0600
}

# latest_session_in_workdir: sets LATEST_SESSION to the id of the most recently written session
# whose transcript records the work dir (as given, or with symlinks resolved), or to "".
latest_session_in_workdir() {
  local real file id cwd newest=""
  LATEST_SESSION=""
  real=$(cd -- "${WORKDIR}" && pwd -P && printf x)
  real=${real%$'\n'x}
  for file in "${CLAUDE_PROJECTS}"/*/*.jsonl; do
    # Only a transcript newer than the best match so far can change the answer.
    if [[ ! -s "${file}" || ( -n "${newest}" && ! "${file}" -nt "${newest}" ) ]]; then
      continue
    fi
    id=${file##*/}
    id=${id%.jsonl}
    # shellcheck disable=SC2310 # is_session_id and message_cwd are tests: their status is the answer
    if ! is_session_id "${id}" || ! cwd=$(message_cwd "${file}" "${id}"); then
      continue
    fi
    cwd=${cwd%x}
    if [[ "${cwd}" == "${WORKDIR}" || "${cwd}" == "${real}" ]]; then
      LATEST_SESSION=${id}
      newest=${file}
    fi
  done
}

# is_session_id ID: succeeds when ID is a session id as Claude writes it (a lowercase UUID).
is_session_id() {
  [[ "$1" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]]
}

# message_cwd FILE ID: prints the work dir recorded in the first message of session ID in FILE,
# followed by "x" so trailing newlines survive. It fails when FILE holds no readable message of that
# session before any corrupt line, which is when Claude answers --resume with "No conversation found"
# (an empty file, a corrupt one, one without messages). jq stops reading at that first message, so
# big transcripts cost little. (No "fromjson?" to skip bad lines: jq 1.6's try swallows first's break.)
message_cwd() {
  jq -e -j -n --arg id "$2" 'first(inputs | objects | select((.type == "user" or .type == "assistant") and .sessionId == $id)) | (.cwd // "") + "x"' <"$1" 2>/dev/null
}

# new_session_id: prints a fresh random UUID.
new_session_id() {
  local id
  if [[ -r /proc/sys/kernel/random/uuid ]]; then
    id=$(</proc/sys/kernel/random/uuid)
  elif command -v uuidgen >/dev/null 2>&1; then
    id=$(uuidgen)
  else
    die "cannot generate a session id: neither /proc/sys/kernel/random/uuid nor uuidgen is available"
  fi
  printf '%s' "${id,,}"
}

# transcripts_of ID: fills the global array TRANSCRIPTS with every transcript of session ID.
transcripts_of() {
  local file
  TRANSCRIPTS=()
  for file in "${CLAUDE_PROJECTS}"/*/"$1".jsonl; do
    if [[ -f "${file}" ]]; then
      TRANSCRIPTS+=("${file}")
    fi
  done
}

# quarantine FILE: renames an unusable transcript out of Claude's way (never deletes it); prints the new name.
quarantine() {
  local base dest n=1
  base="$1.unusable-$(date -u +%Y%m%dT%H%M%SZ)"
  dest=${base}
  while [[ -e "${dest}" ]]; do
    dest="${base}.${n}"
    n=$((n + 1))
  done
  mv -- "$1" "${dest}"
  printf '%s' "${dest}"
}
