# shellcheck shell=bash
# Managed settings: the template's managed_settings as a file in Claude Code's policy drop-in
# directory.
#
# Claude Code 2.1 reads /etc/claude-code/managed-settings.json and then every *.json in
# /etc/claude-code/managed-settings.d (by name; dot-files are skipped), and gives a file full policy
# weight only when the user cannot change it. So the module's file belongs to root, and the user
# (who runs Claude) reads it through their group; the settings may carry secrets (an env block),
# so nobody else can. Writing there needs root or passwordless sudo.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_apply_managed_settings: Puts managed_settings in Claude Code's managed-settings.d (as root or with passwordless sudo), or takes the module's file back once it is unset.
step_apply_managed_settings() {
  local want group user
  if [[ -z "${MANAGED_SETTINGS}" ]]; then
    remove_managed_settings
    return 0
  fi
  want=$(b64d "${MANAGED_SETTINGS}")
  group=$(id -g)
  # shellcheck disable=SC2310 # managed_settings_current is a test: its status is the answer
  if managed_settings_current "${want}" "${group}"; then
    note "managed" "in place (${MANAGED_SETTINGS_FILE})"
    return 0
  fi
  # shellcheck disable=SC2310 # can_be_root is a test: its status is the answer
  if ! can_be_root; then
    user=$(id -un)
    warn "managed_settings were not applied: writing ${MANAGED_SETTINGS_FILE} needs root or passwordless sudo, and this workspace runs as ${user} with neither. Fix: give the workspace user passwordless sudo (or run the agent as root), or bake the file into the image, or put the settings in ~/.claude/settings.json instead (see \"Managed settings\" in the module's README)"
    note "managed" "NOT applied: needs root or passwordless sudo"
    return 0
  fi
  write_managed_settings "${want}" "${group}"
  log "wrote managed settings to ${MANAGED_SETTINGS_FILE} (root's, readable by group ${group})"
  note "managed" "written to ${MANAGED_SETTINGS_FILE}"
}

# managed_settings_current JSON GID: whether the module's file holds JSON, belongs to root and
# group GID, and has mode 0640 (a warm start then needs no privileges at all).
managed_settings_current() {
  local owner have
  [[ -f "${MANAGED_SETTINGS_FILE}" && -r "${MANAGED_SETTINGS_FILE}" ]] || return 1
  owner=$(stat -c '%u:%g:%a' -- "${MANAGED_SETTINGS_FILE}")
  [[ "${owner}" == "0:$2:640" ]] || return 1
  have=$(<"${MANAGED_SETTINGS_FILE}")
  [[ "${have}" == "$1" ]]
}

# write_managed_settings JSON GID: replaces the module's file atomically with JSON, owned by root and
# group GID, mode 0640 (a failure stops the start); creates the directories (0755) when missing.
write_managed_settings() {
  local file=${MANAGED_SETTINGS_FILE} dir tmp
  dir=${file%/*}
  # Each directory gets its mode: mkdir -p would give a new parent this script's umask (077),
  # which would hide the file from the user.
  [[ -d "${dir%/*}" ]] || as_root install -d -m 0755 -- "${dir%/*}"
  [[ -d "${dir}" ]] || as_root install -d -m 0755 -- "${dir}"
  # A dot-file until it is complete: Claude Code skips those.
  tmp=$(as_root mktemp "${dir}/.${file##*/}.XXXXXX")
  printf '%s\n' "$1" | as_root tee -- "${tmp}" >/dev/null
  as_root chown "0:$2" -- "${tmp}"
  as_root chmod 0640 -- "${tmp}"
  as_root mv -fT -- "${tmp}" "${file}"
}

# remove_managed_settings: removes the module's file, left from a start when managed_settings was set.
remove_managed_settings() {
  [[ -e "${MANAGED_SETTINGS_FILE}" ]] || return 0
  # shellcheck disable=SC2310 # can_be_root is a test: its status is the answer
  if ! can_be_root; then
    warn "managed_settings is no longer set, but ${MANAGED_SETTINGS_FILE} from an earlier start is still there and Claude Code still applies it; removing it needs root or passwordless sudo, which this workspace lacks. Fix: remove the file as root"
    note "managed" "stale file left: needs root or passwordless sudo"
    return 0
  fi
  as_root rm -f -- "${MANAGED_SETTINGS_FILE}"
  log "removed ${MANAGED_SETTINGS_FILE}: managed_settings is no longer set"
  note "managed" "removed"
}

# can_be_root: whether this script runs as root or may use sudo without a password.
can_be_root() {
  ((EUID == 0)) && return 0
  command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1
}

# as_root CMD...: runs CMD as root: directly when this script is root, else through sudo, which
# must not ask for a password (can_be_root checked that).
as_root() {
  if ((EUID == 0)); then
    "$@"
  else
    sudo -n -- "$@"
  fi
}
