# shellcheck shell=bash
# Shared helpers: output and errors (log, warn, die, the ERR trap), required programs, retries,
# downloads with checksums, atomic file writes that keep modes, versions, paths and JSON files.
# shellcheck disable=SC2034 # sets globals that functions in other files read
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files
# shellcheck disable=SC2312 # the scripts run under set -Eeuo pipefail, so a pipeline's failure is not masked

# log MESSAGE...: prints one time-stamped line of the module's output.
log() {
  printf '%(%H:%M:%S)T claude-code: %s\n' -1 "$*"
}

# warn MESSAGE...: a log line marked WARNING, on stderr.
warn() {
  log "WARNING: $*" >&2
}

# env_flag_on NAME: succeeds when the environment variable NAME is on the way Claude Code reads
# such flags (1, true, yes or on, in any case). Auth, boundary's host list and the summary must agree
# on what "on" means, so they all ask here.
env_flag_on() {
  local value=${!1:-}
  [[ "${value,,}" =~ ^(1|true|yes|on)$ ]]
}

# exit_reported: ends this shell after its error was printed. A subshell (a step under run_logged,
# a command substitution) exits with 200, which tells the shells above it that the cause is
# already on screen; the script itself exits with 1.
exit_reported() {
  ((BASH_SUBSHELL == 0)) || exit 200
  exit 1
}

# die MESSAGE...: fail closed: prints the error (and the log to read, when there is one) and ends
# the shell.
die() {
  log "ERROR: $*" >&2
  if [[ -n "${LOG_FILE:-}" ]]; then
    log "details: ${LOG_FILE}" >&2
  fi
  exit_reported
}

# on_error STATUS: the ERR trap (set -E carries it into functions and subshells). A plain command
# that fails where errexit ends the script (mkdir, mktemp, cat on a full disk) gets a module error
# line naming it, its step and the log, instead of leaving only the command's own message.
on_error() {
  local status=$1 command=${BASH_COMMAND} where=${FUNCNAME[1]:-main} caller
  # Where errexit is off (a command substitution), a failure is the caller's to handle.
  [[ "$-" == *e* ]] || return 0
  trap - ERR
  for caller in "${FUNCNAME[@]:2}"; do
    if [[ "${caller}" == step_* ]]; then
      where+=" (step ${caller#step_})"
      break
    fi
  done
  if ((status != 200)); then
    log "ERROR: '${command}' failed with exit status ${status} in ${where}; the script stopped here" >&2
    if [[ -n "${LOG_FILE:-}" ]]; then
      log "details: ${LOG_FILE}" >&2
    fi
  fi
  exit_reported
}

# need_cmd NAME [WHY]: dies unless the program NAME is on PATH, saying why it is needed.
need_cmd() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' is required but was not found on PATH${2:+ ($2)}"
}

# b64d TEXT: prints TEXT decoded from base64.
b64d() {
  printf '%s' "$1" | base64 -d
}

# retry MESSAGE ATTEMPTS DELAY CMD...: runs CMD until it succeeds, doubling the delay
# each time; dies with MESSAGE when every attempt failed.
retry() {
  local message=$1 attempts=$2 delay=$3 n=1
  shift 3
  until "$@"; do
    if ((n >= attempts)); then
      die "${message}"
    fi
    warn "attempt ${n}/${attempts} failed: $1; retrying in ${delay}s"
    sleep "${delay}"
    n=$((n + 1))
    delay=$((delay * 2))
  done
}

# download URL DEST [SHA256]: fetches into a temp file next to DEST, verifies, then renames.
download() {
  local url=$1 dest=$2 want=${3:-} tmp got
  need_cmd curl "to download ${url}"
  # Leftovers of an interrupted earlier download are never resumed into.
  rm -f "${dest}".partial.*
  tmp=$(mktemp "${dest}.partial.XXXXXX")
  retry "download failed: ${url}" 4 2 curl --fail --silent --show-error --location \
    --proto '=https,http' --connect-timeout 15 --max-time 600 --output "${tmp}" "${url}"
  if [[ -n "${want}" ]]; then
    need_cmd sha256sum "to verify ${url}"
    got=$(sha256sum "${tmp}")
    got=${got%% *}
    if [[ "${got}" != "${want}" ]]; then
      rm -f "${tmp}"
      die "checksum mismatch for ${url}: expected ${want}, got ${got}"
    fi
    log "verified sha256 of ${url}"
  fi
  mv -f "${tmp}" "${dest}"
}

# atomic_write DEST MODE: replaces DEST with stdin; readers never see a half-written file, and a
# failed write (a full disk, a directory in DEST's place) leaves no temp file behind.
# Unchanged content is not rewritten, so a warm start leaves files (and their mtimes) alone.
atomic_write() {
  local dest=$1 mode=$2 tmp
  tmp=$(mktemp "${dest}.tmp.XXXXXX")
  if ! cat >"${tmp}"; then
    rm -f -- "${tmp}"
    die "could not write ${dest} (is the disk full?)"
  fi
  if [[ -f "${dest}" ]] && cmp -s "${tmp}" "${dest}"; then
    rm -f "${tmp}"
    chmod "${mode}" "${dest}"
    return 0
  fi
  # -T: a directory in DEST's place is an error, not a place to move the file into.
  if ! { chmod "${mode}" "${tmp}" && mv -fT -- "${tmp}" "${dest}"; }; then
    rm -f -- "${tmp}"
    die "could not replace ${dest} (output above)"
  fi
}

# write_text DEST MODE TEXT: atomic_write of TEXT (no NUL bytes), for the module's own files: in its
# directories, which step_prepare keeps at 0700, or not secret (the terminal's claude shim). An
# unchanged DEST is found so with bash builtins and costs no process on a warm start: it keeps its
# mode, except that an executable that lost its x bit gets MODE again.
write_text() {
  local current
  if [[ -f "$1" ]] && { IFS= read -r -d '' current 2>/dev/null <"$1" || true; } && [[ "${current}" == "$3" ]]; then
    ((!(8#$2 & 8#100))) || [[ -x "$1" ]] || chmod "$2" "$1"
    return 0
  fi
  printf '%s' "$3" | atomic_write "$1" "$2"
}

# user_file_mode: sets USER_FILE_MODE to the mode a new file of the user's gets under their umask
# (USER_UMASK), for atomic_write.
user_file_mode() {
  printf -v USER_FILE_MODE '%o' $((0666 & ~8#${USER_UMASK}))
}

# plain_version V: sets PLAIN_VERSION to V without one leading "v" ("v0.11.4" equals "0.11.4").
# Helpers set a variable rather than print: a command substitution costs a process.
plain_version() {
  PLAIN_VERSION=${1#v}
}

# version_of BINARY: sets BINARY_VERSION to the first X.Y.Z the binary reports for --version, or to
# nothing.
version_of() {
  local out
  BINARY_VERSION=""
  out=$("$1" --version 2>/dev/null) || return 0
  if [[ "${out}" =~ ([0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*) ]]; then
    BINARY_VERSION=${BASH_REMATCH[1]}
  fi
}

# installed_version BINARY: version_of, for a binary the start finds again on every restart: what a
# regular file (not a symlink, which can be pointed at an older file) reported is kept in
# ~/.claude-module/versions/ and trusted until the file is newer than that record. Asking claude
# for its --version alone takes about 60 ms.
installed_version() {
  local record="${MODULE_DIR}/versions/${1//\//%}"
  if [[ ! -L "$1" && -f "${record}" && ! "$1" -nt "${record}" ]]; then
    IFS= read -r BINARY_VERSION <"${record}" || BINARY_VERSION=""
    [[ -z "${BINARY_VERSION}" ]] || return 0
  fi
  version_of "$1"
  keep_version "$1" "${BINARY_VERSION}"
}

# keep_version BINARY VERSION: records what BINARY reported for installed_version (nothing for a
# symlink or an empty VERSION).
keep_version() {
  [[ -n "$2" && ! -L "$1" ]] || return 0
  [[ -d "${MODULE_DIR}/versions" ]] || mkdir -p -- "${MODULE_DIR}/versions"
  printf '%s\n' "$2" >"${MODULE_DIR}/versions/${1//\//%}"
}

# sha256_of STRING: sets SHA256 to STRING's hex digest, for change detection of configuration.
sha256_of() {
  SHA256=$(sha256sum < <(printf '%s' "$1"))
  SHA256=${SHA256%% *}
}

# resolved_path FILE: sets RESOLVED to FILE with every symlink resolved (readlink -f), or empty. What
# it resolved to is kept in ~/.claude-module/resolved/ and taken again, without a process, while
# FILE still leads to that same file.
resolved_path() {
  local record="${MODULE_DIR}/resolved/${1//\//%}"
  RESOLVED=""
  if [[ -f "${record}" ]]; then
    IFS= read -r RESOLVED <"${record}" || RESOLVED=""
    [[ -z "${RESOLVED}" || -L "${RESOLVED}" || ! "$1" -ef "${RESOLVED}" ]] || return 0
  fi
  RESOLVED=$(readlink -f -- "$1") || RESOLVED=""
  [[ -n "${RESOLVED}" && -e "${RESOLVED}" ]] || return 0
  [[ -d "${record%/*}" ]] || mkdir -p -- "${record%/*}"
  printf '%s\n' "${RESOLVED}" >"${record}"
}

# workdir_key: sets WORKDIR_KEY, WORKDIR's name in what is kept per work dir: its sha256, kept in
# ~/.claude-module/workdirs/ so that a restart finds it without a process.
workdir_key() {
  local file="${MODULE_DIR}/workdirs/${WORKDIR//\//%}"
  WORKDIR_KEY=""
  if [[ -f "${file}" ]]; then
    IFS= read -r WORKDIR_KEY <"${file}" || true
    [[ ! "${WORKDIR_KEY}" =~ ^[0-9a-f]{64}$ ]] || return 0
  fi
  sha256_of "${WORKDIR}"
  WORKDIR_KEY=${SHA256}
  # Kept at best: this runs before step_prepare, which names a module dir it cannot make.
  if [[ -d "${file%/*}" ]] || mkdir -p -- "${file%/*}" 2>/dev/null; then
    printf '%s\n' "${WORKDIR_KEY}" 2>/dev/null >"${file}" || true
  fi
}

# expand_home PATH: sets EXPANDED to PATH with a leading ~ or $HOME made the user's home; nothing
# else is expanded.
expand_home() {
  case "$1" in
    \~) EXPANDED=${HOME} ;;
    \~/*) EXPANDED=${HOME}/${1#\~/} ;;
    \$HOME) EXPANDED=${HOME} ;;
    \$HOME/*) EXPANDED=${HOME}/${1#\$HOME/} ;;
    *) EXPANDED=$1 ;;
  esac
}

# find_on_path NAME [SKIP_DIR...]: prints the first executable NAME on PATH outside the SKIP_DIRs
# (the module's own link directories, so a link can never be mistaken for a pre-installed binary),
# or nothing.
find_on_path() {
  local name=$1 dir skip entries
  shift
  IFS=: read -r -a entries <<<"${PATH}"
  for dir in "${entries[@]}"; do
    for skip in "$@"; do
      [[ "${dir%/}" != "${skip%/}" ]] || continue 2
    done
    if [[ -n "${dir}" && -x "${dir}/${name}" && ! -d "${dir}/${name}" ]]; then
      printf '%s' "${dir}/${name}"
      return 0
    fi
  done
}

# release_arch WHAT: the Go architecture name of this machine for release downloads, or dies.
release_arch() {
  local machine
  machine=$(uname -m)
  case "${machine}" in
    x86_64 | amd64) printf amd64 ;;
    aarch64 | arm64) printf arm64 ;;
    *) die "$1 has no release for CPU architecture ${machine}" ;;
  esac
}

# json_file_text FILE: sets JSON_TARGET (FILE, or where its symlink points, so that a write goes
# through it, e.g. to a persistent volume) and JSON_RAW (its text; "{}" when it is missing or blank).
json_file_text() {
  JSON_TARGET=$1
  if [[ -L "$1" ]]; then
    JSON_TARGET=$(readlink -f -- "$1") || JSON_TARGET=$1
  fi
  JSON_RAW="{}"
  [[ -e "${JSON_TARGET}" ]] || return 0
  # A builtin read costs no process (the file holds no NUL byte, so it reads to the end).
  IFS= read -r -d '' JSON_RAW <"${JSON_TARGET}" || true
  # A blank file holds no settings yet.
  [[ -n "${JSON_RAW//[[:space:]]/}" ]] || JSON_RAW="{}"
}

# json_jq FILE FILTER [JQ_OPTION...]: json_file_text, then sets JSON_OUT to what FILTER makes of the
# one JSON value FILE holds (the options are jq's, e.g. --arg NAME VALUE), or JSON_OUT empty and
# JSON_OK=false when FILE is not one JSON document or FILTER fails. Needs jq.
json_jq() {
  local filter=$2
  json_file_text "$1"
  shift 2
  JSON_OK=true
  # jq takes one document after another ('{"a":1}{"b":2}' would be edited as two files in one):
  # --slurp collects them, and anything but exactly one counts as malformed, as a torn write leaves.
  JSON_OUT=$(jq --slurp "$@" "if length == 1 then .[0] else error(\"not one JSON document\") end | ${filter}" <<<"${JSON_RAW}" 2>/dev/null) ||
    { JSON_OUT="" && JSON_OK=false; }
}

# read_json_file FILE: json_file_text, and sets JSON_TEXT to the one JSON value FILE holds, as jq
# prints it ("{}" when FILE is missing or blank; empty when it is malformed).
read_json_file() {
  json_jq "$1" .
  JSON_TEXT=${JSON_OUT}
}

# edit_json_file FILE FILTER [JQ_OPTION...]: json_jq, in one jq run. Sets JSON_STATE to unchanged,
# changed (JSON_EDITED holds the new text) or malformed (not one JSON document, or FILTER failed).
edit_json_file() {
  json_jq "$1" ". as \$in | ($2) | if . == \$in then empty else . end" "${@:3}"
  JSON_EDITED=${JSON_OUT}
  if [[ "${JSON_OK}" == false ]]; then
    JSON_STATE=malformed
  elif [[ -n "${JSON_EDITED}" ]]; then
    JSON_STATE=changed
  else
    JSON_STATE=unchanged
  fi
}

# write_json TEXT [MODE]: atomic_write of TEXT to JSON_TARGET, keeping the file's mode (MODE, or
# 600, for a new file).
write_json() {
  local mode=${2:-600}
  if [[ -e "${JSON_TARGET}" ]]; then
    mode=$(stat -c %a -- "${JSON_TARGET}")
  fi
  printf '%s\n' "$1" | atomic_write "${JSON_TARGET}" "${mode}"
}

# link_as LINK TARGET: points LINK at TARGET, touching nothing when it already does.
link_as() {
  local current
  # A link that leads to TARGET's file is left as it is, which bash tells without a process; once
  # TARGET leads elsewhere (Claude's updater repoints its link), LINK is pointed at TARGET again.
  [[ ! -L "$1" || ! "$1" -ef "$2" ]] || return 0
  current=$(readlink -- "$1") || current=""
  if [[ "${current}" != "$2" ]]; then
    [[ -d "${1%/*}" ]] || mkdir -p -- "${1%/*}"
    # -f and -n replace an existing or dangling link in one step.
    ln -sfn -- "$2" "$1"
  fi
}

# save_args FILE NAME...: keeps the encoded CLAUDE_MODULE_ARG_<NAME> values (NAME without a ":gz")
# in FILE for a run by hand, rewriting it only when they changed (a warm restart writes nothing).
# Secrets are never arguments (they come from coder_env), so the file holds none; it is private
# like its directory.
save_args() {
  local file=$1 name var text="" old=""
  shift
  # The launcher creates the directory; a script run some other way has nothing to save.
  [[ -d "${file%/*}" ]] || return 0
  for name in "$@"; do
    var="CLAUDE_MODULE_ARG_${name%:gz}"
    text+="${var}=${!var}"$'\n'
  done
  if [[ -f "${file}" ]]; then
    IFS= read -r -d '' old <"${file}" || true
  fi
  [[ "${old}" != "${text}" ]] || return 0
  printf '%s' "${text}" >"${file}.$$"
  mv -f -- "${file}.$$" "${file}"
}

# load_saved_args FILE: exports the arguments the last start saved in FILE, for a script run again
# by hand; without them it cannot know the template's inputs, so it says where they come from.
load_saved_args() {
  local file=$1 line
  [[ -f "${file}" ]] || die "no arguments: this script gets them from the module's launcher (the claude-code coder_script the Coder agent runs), and no start has saved them in ${file} yet. Fix: restart the workspace; after one start, the script can be run again by hand"
  while IFS= read -r line; do
    [[ "${line}" =~ ^(CLAUDE_MODULE_ARG_[A-Z0-9_]+)=([A-Za-z0-9+/=]*)$ ]] ||
      die "${file} is damaged (a line is not NAME=base64); restart the workspace to write it again"
    export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
  done <"${file}"
  log "run by hand: using the arguments the last start saved in ${file}" >&2
}

# run_logged LOG FUNCTION...: runs a step in a subshell with its output shown and appended to the
# instance's LOG (~/.claude-module/LOG for the default one). Steps in a row with the same log share
# one tee (log_to). The step closes the tee's descriptor first, so that nothing it leaves running
# (AgentAPI, the status relay) holds the tee open.
run_logged() {
  log_to "$1"
  shift
  (
    exec {LOG_FD}>&-
    "$@"
  ) >&"${LOG_FD}" 2>&1
}

# log_to LOG: sets LOG_FILE to the instance's LOG and LOG_FD to a tee that shows what is written to
# it and appends it to LOG, the one already open when it is for the same file.
log_to() {
  local file="${INSTANCE_DIR}/$1"
  if [[ "${LOG_TEE_FILE}" != "${file}" ]]; then
    log_close
    # shellcheck disable=SC2312 # the tee has no status worth a check: it writes what it is given
    exec {LOG_FD}> >(exec tee -a "${file}")
    LOG_TEE_PID=$!
    LOG_TEE_FILE=${file}
  fi
  LOG_FILE=${file}
}

# log_close: ends logging to LOG_FILE: closes the tee log_to opened, if any, and waits until it has
# shown everything written to it, so that what the script prints next comes after it.
log_close() {
  LOG_FILE=""
  [[ -n "${LOG_TEE_FILE}" ]] || return 0
  LOG_TEE_FILE=""
  exec {LOG_FD}>&-
  wait "${LOG_TEE_PID}" || true
}

# script_dir SOURCE: sets SCRIPT_DIR to the directory of the script file SOURCE (BASH_SOURCE[0]),
# where its launcher's arguments are kept (each instance of the module has its own); the default
# instance's scripts dir when the script was not run from a file (bash -c).
script_dir() {
  SCRIPT_DIR="${HOME}/.claude-module/scripts"
  [[ -f "$1" ]] || return 0
  case "$1" in
    */*) SCRIPT_DIR=${1%/*} ;;
    *) SCRIPT_DIR=. ;;
  esac
}

# decode_args FILE NAME...: sets DECODED to the values of CLAUDE_MODULE_ARG_<NAME>, decoded from
# base64 (b64d_all), in order; a NAME ending in ":gz" is base64gzip-encoded, or empty (a long
# text: compressed, more of it fits the 128 KiB the agent can run). The launcher's arguments are
# saved in FILE; run without any (by hand, from a terminal), the script takes them from there.
decode_args() {
  local file=$1 name var given=0 i
  local -a values=()
  shift
  for name in "$@"; do
    var="CLAUDE_MODULE_ARG_${name%:gz}"
    [[ -z "${!var+set}" ]] || given=$((given + 1))
  done
  if ((given == 0)); then
    load_saved_args "${file}"
  elif ((given == $#)); then
    save_args "${file}" "$@"
  fi
  for name in "$@"; do
    var="CLAUDE_MODULE_ARG_${name%:gz}"
    [[ -n "${!var+set}" ]] || die "missing argument ${name%:gz}: the module and its scripts are out of sync"
    # gzip's output holds NUL bytes, which b64d_all's one stream cannot carry.
    if [[ "${name}" == *:gz ]]; then
      values+=("")
    else
      values+=("${!var}")
    fi
  done
  b64d_all "${values[@]}"
  i=0
  for name in "$@"; do
    var="CLAUDE_MODULE_ARG_${name%:gz}"
    if [[ "${name}" == *:gz && -n "${!var}" ]]; then
      # "x" keeps trailing newlines through the command substitution.
      DECODED[i]=$(
        base64 -d <<<"${!var}" | gzip -dc || exit 1
        printf x
      ) || die "argument ${name%:gz} is not base64gzip text: the module and its scripts are out of sync"
      DECODED[i]=${DECODED[i]%x}
    fi
    i=$((i + 1))
  done
}

# b64d_all VALUE...: sets DECODED to the VALUEs decoded from base64, in order, byte for byte
# (trailing newlines included). One base64 process decodes them all: each value is padded base64
# (Terraform's base64encode), so the values and an encoded NUL ("AA==") after each concatenate into
# one stream that splits back on the NULs, which no value can hold. A decoder that stops at the
# first padding (busybox) yields too few values; then each is decoded on its own.
b64d_all() {
  local value stream=""
  for value in "$@"; do
    stream+="${value}AA=="
  done
  # shellcheck disable=SC2312 # a failed decode shows as too few values, handled below
  mapfile -d '' -t DECODED < <(base64 -d <<<"${stream}" 2>/dev/null)
  ((${#DECODED[@]} != $#)) || return 0
  DECODED=()
  for value in "$@"; do
    # "x" keeps trailing newlines through the command substitution.
    DECODED+=("$(
      b64d "${value}"
      printf x
    )")
    DECODED[-1]=${DECODED[-1]%x}
  done
}
