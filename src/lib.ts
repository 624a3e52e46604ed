// Shared bash functions. A script includes only the functions its steps use
// (and what those use), so each generated file stays short and readable.

import { Sh, dedent, sh } from "./sh.ts";

export interface Fn {
  readonly name: string;
  readonly uses: readonly Fn[];
  readonly body: Sh;
}

export function fn(name: string, uses: readonly Fn[], body: Sh): Fn {
  return { name, uses, body: dedent(body) };
}

export const log = fn(
  "log",
  [],
  sh`
    printf '%(%H:%M:%S)T claude-code: %s\\n' -1 "$*"
  `,
);

export const warn = fn(
  "warn",
  [log],
  sh`
    log "WARNING: $*" >&2
  `,
);

/** exit_reported: ends this shell after its error was printed. A subshell (a step under run_logged,
 * a command substitution) exits with 200, which tells the shells above it that the cause is
 * already on screen; the script itself exits with 1. */
export const exitReported = fn(
  "exit_reported",
  [],
  sh`
    ((BASH_SUBSHELL == 0)) || exit 200
    exit 1
  `,
);

// Fail closed: every error names its cause and, when there is one, the log to read.
export const die = fn(
  "die",
  [log, exitReported],
  sh`
    log "ERROR: $*" >&2
    if [[ -n "\${LOG_FILE:-}" ]]; then
      log "details: \${LOG_FILE}" >&2
    fi
    exit_reported
  `,
);

/** on_error STATUS: the ERR trap (set -E carries it into functions and subshells). A plain command
 * that fails where errexit ends the script (mkdir, mktemp, cat on a full disk) gets a module error
 * line naming it, its step and the log, instead of leaving only the command's own message. */
export const onError = fn(
  "on_error",
  [log, exitReported],
  sh`
    local status=$1 command=\${BASH_COMMAND} where=\${FUNCNAME[1]:-main} caller
    # Where errexit is off (a command substitution), a failure is the caller's to handle.
    [[ "$-" == *e* ]] || return 0
    trap - ERR
    for caller in "\${FUNCNAME[@]:2}"; do
      if [[ "\${caller}" == step_* ]]; then
        where+=" (step \${caller#step_})"
        break
      fi
    done
    if ((status != 200)); then
      log "ERROR: '\${command}' failed with exit status \${status} in \${where}; the script stopped here" >&2
      if [[ -n "\${LOG_FILE:-}" ]]; then
        log "details: \${LOG_FILE}" >&2
      fi
    fi
    exit_reported
  `,
);

export const needCmd = fn(
  "need_cmd",
  [die],
  sh`
    command -v "$1" >/dev/null 2>&1 || die "'$1' is required but was not found on PATH\${2:+ ($2)}"
  `,
);

export const b64d = fn(
  "b64d",
  [],
  sh`
    printf '%s' "$1" | base64 -d
  `,
);

/** retry MESSAGE ATTEMPTS DELAY CMD...: runs CMD until it succeeds, doubling the delay
 * each time; dies with MESSAGE when every attempt failed. */
export const retry = fn(
  "retry",
  [warn, die],
  sh`
    local message=$1 attempts=$2 delay=$3 n=1
    shift 3
    until "$@"; do
      if ((n >= attempts)); then
        die "\${message}"
      fi
      warn "attempt \${n}/\${attempts} failed: $1; retrying in \${delay}s"
      sleep "\${delay}"
      n=$((n + 1))
      delay=$((delay * 2))
    done
  `,
);

/** download URL DEST [SHA256]: fetches into a temp file next to DEST, verifies, then renames. */
export const download = fn(
  "download",
  [retry, die, needCmd, log],
  sh`
    local url=$1 dest=$2 want=\${3:-} tmp got
    need_cmd curl "to download \${url}"
    # Leftovers of an interrupted earlier download are never resumed into.
    rm -f "\${dest}".partial.*
    tmp=$(mktemp "\${dest}.partial.XXXXXX")
    retry "download failed: \${url}" 4 2 curl --fail --silent --show-error --location \\
      --proto '=https,http' --connect-timeout 15 --max-time 600 --output "\${tmp}" "\${url}"
    if [[ -n "\${want}" ]]; then
      need_cmd sha256sum "to verify \${url}"
      got=$(sha256sum "\${tmp}")
      got=\${got%% *}
      if [[ "\${got}" != "\${want}" ]]; then
        rm -f "\${tmp}"
        die "checksum mismatch for \${url}: expected \${want}, got \${got}"
      fi
      log "verified sha256 of \${url}"
    fi
    mv -f "\${tmp}" "\${dest}"
  `,
);

/** atomic_write DEST MODE: replaces DEST with stdin; readers never see a half-written file, and a
 * failed write (a full disk, a directory in DEST's place) leaves no temp file behind.
 * Unchanged content is not rewritten, so a warm start leaves files (and their mtimes) alone. */
export const atomicWrite = fn(
  "atomic_write",
  [die],
  sh`
    local dest=$1 mode=$2 tmp
    tmp=$(mktemp "\${dest}.tmp.XXXXXX")
    if ! cat >"\${tmp}"; then
      rm -f -- "\${tmp}"
      die "could not write \${dest} (is the disk full?)"
    fi
    if [[ -f "\${dest}" ]] && cmp -s "\${tmp}" "\${dest}"; then
      rm -f "\${tmp}"
      chmod "\${mode}" "\${dest}"
      return 0
    fi
    # -T: a directory in DEST's place is an error, not a place to move the file into.
    if ! { chmod "\${mode}" "\${tmp}" && mv -fT -- "\${tmp}" "\${dest}"; }; then
      rm -f -- "\${tmp}"
      die "could not replace \${dest} (output above)"
    fi
  `,
);

/** plain_version V: drops one leading "v" so "v0.11.4" and "0.11.4" compare equal. */
export const plainVersion = fn(
  "plain_version",
  [],
  sh`
    printf '%s' "\${1#v}"
  `,
);

/** version_of BINARY: the first X.Y.Z the binary reports for --version, or nothing. */
export const versionOf = fn(
  "version_of",
  [],
  sh`
    local out
    out=$("$1" --version 2>/dev/null) || return 0
    if [[ "\${out}" =~ ([0-9]+\\.[0-9]+\\.[0-9]+[0-9A-Za-z.+-]*) ]]; then
      printf '%s' "\${BASH_REMATCH[1]}"
    fi
  `,
);

/** sha256_of STRING: hex digest, for change detection of configuration. */
export const sha256Of = fn(
  "sha256_of",
  [],
  sh`
    local sum
    sum=$(printf '%s' "$1" | sha256sum)
    printf '%s' "\${sum%% *}"
  `,
);

/** expand_home PATH: a leading ~ or $HOME becomes the user's home; nothing else is expanded. */
export const expandHome = fn(
  "expand_home",
  [],
  sh`
    case "$1" in
      \\~) printf '%s' "\${HOME}" ;;
      \\~/*) printf '%s/%s' "\${HOME}" "\${1#\\~/}" ;;
      \\$HOME) printf '%s' "\${HOME}" ;;
      \\$HOME/*) printf '%s/%s' "\${HOME}" "\${1#\\$HOME/}" ;;
      *) printf '%s' "$1" ;;
    esac
  `,
);

/** find_on_path NAME [SKIP_DIR...]: prints the first executable NAME on PATH outside the SKIP_DIRs
 * (the module's own link directories, so a link can never be mistaken for a pre-installed binary),
 * or nothing. */
export const findOnPath = fn(
  "find_on_path",
  [],
  sh`
    local name=$1 dir skip entries
    shift
    IFS=: read -r -a entries <<<"\${PATH}"
    for dir in "\${entries[@]}"; do
      for skip in "$@"; do
        [[ "\${dir%/}" != "\${skip%/}" ]] || continue 2
      done
      if [[ -n "\${dir}" && -x "\${dir}/\${name}" && ! -d "\${dir}/\${name}" ]]; then
        printf '%s' "\${dir}/\${name}"
        return 0
      fi
    done
  `,
);

/** release_arch WHAT: the Go architecture name of this machine for release downloads, or dies. */
export const releaseArch = fn(
  "release_arch",
  [die],
  sh`
    local machine
    machine=$(uname -m)
    case "\${machine}" in
      x86_64 | amd64) printf amd64 ;;
      aarch64 | arm64) printf arm64 ;;
      *) die "$1 has no release for CPU architecture \${machine}" ;;
    esac
  `,
);

/** claude_project_dir DIR: the directory Claude Code keys DIR's project entry by in ~/.claude.json
 * (its local-scope MCP servers, trust): the enclosing git work tree's root, else DIR itself. */
export const claudeProjectDir = fn(
  "claude_project_dir",
  [],
  sh`
    local dir=$1
    while true; do
      if [[ -e "\${dir}/.git" ]]; then
        printf '%s' "\${dir}"
        return 0
      fi
      [[ "\${dir}" == */* && "\${dir}" != / ]] || break
      dir=\${dir%/*}
      dir=\${dir:-/}
    done
    printf '%s' "$1"
  `,
);

/** read_json_file FILE: sets JSON_TARGET (FILE with symlinks resolved, so a write goes through them,
 * e.g. to a persistent volume), JSON_TEXT (the one JSON value FILE holds, as jq prints it; "{}" when
 * FILE is missing or blank; empty when FILE is malformed: not JSON, or more than one document, as a
 * torn write leaves) and JSON_MODE (the file's mode, kept when it is rewritten; 600 for a new file).
 * Needs jq. */
export const readJsonFile = fn(
  "read_json_file",
  [],
  sh`
    local text
    JSON_TARGET=$(readlink -f -- "$1") || JSON_TARGET=$1
    JSON_TEXT="{}"
    JSON_MODE=600
    [[ -e "\${JSON_TARGET}" ]] || return 0
    JSON_MODE=$(stat -c %a -- "\${JSON_TARGET}")
    text=$(<"\${JSON_TARGET}")
    # A blank file holds no settings yet.
    [[ -n "\${text//[[:space:]]/}" ]] || return 0
    # jq takes one document after another ('{"a":1}{"b":2}' would be edited as two files in one):
    # --slurp collects them, and anything but exactly one counts as malformed.
    JSON_TEXT=$(jq --slurp 'if length == 1 then .[0] else error("not one JSON document") end' <<<"\${text}" 2>/dev/null) ||
      JSON_TEXT=""
  `,
);
