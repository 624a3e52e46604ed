# shellcheck shell=bash
# Installing Claude Code: a pre-installed claude when it fits, else npm for a pinned version
# (or install_via_npm) and the official installer for latest.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_install_claude: Finds or installs the requested Claude Code, links it onto PATH and keeps a pinned version from updating itself.
# Where claude comes from, the first that fits: claude_executable (as it is); the module's earlier
# install; a claude on PATH; the one in claude_binary_path; an install (install_claude_code = true).
step_install_claude() {
  local state="${MODULE_DIR}/claude-install.state" prefix="${MODULE_DIR}/npm"
  local want fits dir spec state_spec="" state_bin="" state_by="" found="" have="" how bin real real_ours="" not_used=""
  plain_version "${ARG_CLAUDE_CODE_VERSION}"
  want=${PLAIN_VERSION}
  expand_home "${ARG_CLAUDE_BINARY_PATH}"
  dir=${EXPANDED%/}
  if [[ "${want}" != latest || "${ARG_INSTALL_VIA_NPM}" == true ]]; then
    spec="npm ${want}"
  else
    spec="installer latest"
  fi
  if [[ -f "${state}" ]]; then
    # The spec installed, the claude it gave, and the app_slug of the module block that installed it.
    { IFS= read -r state_spec && IFS= read -r state_bin && IFS= read -r state_by; } <"${state}" || true
  fi
  # With install_claude_code = false, any version that runs will do.
  fits=${want}
  [[ "${ARG_INSTALL_CLAUDE_CODE}" == true ]] || fits=latest

  if [[ -n "${ARG_CLAUDE_EXECUTABLE}" ]]; then
    expand_home "${ARG_CLAUDE_EXECUTABLE}"
    found=${EXPANDED}
    claude_check "${found}" latest
    [[ -n "${CLAUDE_HAVE}" ]] ||
      die "claude_executable ${found} ${CLAUDE_WHY_NOT}; correct claude_executable, or leave it empty to let the module find or install Claude Code"
    have=${CLAUDE_HAVE}
    how="claude_executable ${found}"
  fi
  if [[ "${ARG_INSTALL_CLAUDE_CODE}" == true ]]; then
    # A claude the module installed earlier is not "pre-installed", even when linked elsewhere.
    real_ours=""
    if [[ -n "${state_bin}" ]]; then
      resolved_path "${state_bin}"
      real_ours=${RESOLVED}
    fi
    if [[ -z "${ARG_CLAUDE_EXECUTABLE}" && "${state_spec}" == "${spec}" ]]; then
      # The resolved file: its version is kept (installed_version), a link's is not.
      claude_check "${real_ours:-${state_bin}}" "${want}"
      have=${CLAUDE_HAVE}
      found=${state_bin}
      how="already installed"
    fi
  fi

  if [[ -z "${have}" ]]; then
    bin=$(find_on_path claude "${BIN_DIR}" "${CODER_SCRIPT_BIN_DIR:-}")
    # The resolved file, so that our own links on PATH can never point at themselves.
    real=$(readlink -f -- "${bin:-/nonexistent}") || real=""
    if [[ -z "${bin}" ]]; then
      not_used+="; none on PATH"
    elif [[ -n "${real}" && "${real}" != "${real_ours}" ]]; then
      claude_check "${real}" "${fits}"
      have=${CLAUDE_HAVE}
      found=${real}
      how="on PATH at ${bin}"
      [[ -n "${have}" ]] || not_used+="; ${bin} on PATH ${CLAUDE_WHY_NOT}"
    fi
  fi
  if [[ -z "${have}" ]]; then
    real=$(readlink -f -- "${dir}/claude") || real=""
    if [[ ! -e "${dir}/claude" ]]; then
      not_used+="; none in ${dir}"
    elif [[ "${real}" != "${real_ours}" ]]; then
      claude_check "${dir}/claude" "${fits}"
      have=${CLAUDE_HAVE}
      found="${dir}/claude"
      how="pre-installed in ${dir}"
      [[ -n "${have}" ]] || not_used+="; ${dir}/claude ${CLAUDE_WHY_NOT}"
    fi
  fi

  if [[ -n "${have}" ]]; then
    if [[ "${how}" == "already installed" ]]; then
      log "Claude Code ${have} is already installed; nothing to install"
    elif [[ "${how}" == pre-installed* && "${ARG_INSTALL_CLAUDE_CODE}" == true ]]; then
      log "using the pre-installed Claude Code ${have} in ${dir}; nothing to install"
    else
      log "using existing Claude Code ${have} from ${found}"
    fi
    if [[ "${want}" != latest && "${want}" != "${have}" ]]; then
      if [[ -n "${ARG_CLAUDE_EXECUTABLE}" ]]; then
        warn "using Claude Code ${have} from ${found}, not the requested ${want} (claude_executable is set)"
      else
        warn "using Claude Code ${have} from ${found}, not the requested ${want} (install_claude_code is false)"
      fi
    fi
    [[ -z "${not_used}" ]] || how+="; not used:${not_used#;}"
  elif [[ "${ARG_INSTALL_CLAUDE_CODE}" == false ]]; then
    die "install_claude_code is false and no working claude is in ${dir} or on PATH (${not_used#; }); install it in the image, set claude_executable or claude_binary_path, or set install_claude_code = true"
  else
    if [[ -n "${state_by}" && "${state_by}" != "${ARG_APP_SLUG}" && "${state_spec}" != "${spec}" ]]; then
      # Module blocks share one install: two specs make each start replace the other's.
      warn "the module block with app_slug '${state_by}' installed Claude Code as '${state_spec}', and this one replaces it with '${spec}': the blocks of a workspace share one install, so each start replaces the other's; give every block the same claude_code_version and install_via_npm"
    fi
    if [[ "${spec}" == npm* ]]; then
      install_with_npm "${want}" "${prefix}"
      found="${prefix}/bin/claude"
      how="npm"
    else
      run_installer "${ARG_CLAUDE_INSTALLER_URL}"
      found="${HOME}/.local/bin/claude"
      how="official installer"
    fi
    # The resolved file, whose version the next start finds kept (installed_version).
    real=$(readlink -f -- "${found}") || real=${found}
    claude_check "${real}" latest
    have=${CLAUDE_HAVE}
    [[ -n "${have}" ]] || die "the installed ${found} does not run: 'claude --version' failed"
    [[ "${want}" == latest || "${have}" == "${want}" ]] ||
      die "the installed Claude Code reports version ${have}, expected ${want}"
    printf '%s\n%s\n%s\n' "${spec}" "${found}" "${ARG_APP_SLUG}" | atomic_write "${state}" 600
    log "installed Claude Code ${have} (${how})"
    [[ -z "${not_used}" ]] || how+="; not used:${not_used#;}"
  fi
  if [[ "${ARG_INSTALL_CLAUDE_CODE}" == true ]]; then
    # The default directory is on PATH in login shells of common images (~/.profile adds it).
    if [[ "${dir}" == "${HOME}/.local/bin" && "${found}" != "${dir}/claude" ]]; then
      if [[ -L "${dir}/claude" || ! -e "${dir}/claude" ]]; then
        link_as "${dir}/claude" "${found}"
      else
        warn "${dir}/claude is a file the module did not install; left it, so login shells that put ${dir} first run it"
      fi
    fi
  fi

  link_as "${BIN_DIR}/claude" "${found}"
  if [[ -n "${CODER_SCRIPT_BIN_DIR:-}" ]]; then
    # The agent puts this directory first on PATH for its scripts and every terminal.
    link_as "${CODER_SCRIPT_BIN_DIR}/claude" "${BIN_DIR}/claude"
  else
    warn "CODER_SCRIPT_BIN_DIR is not set (not run by a Coder agent?); claude is at ${found}"
  fi
  note "claude" "${have} (${how})"
  reconcile_update_setting
}

# claude_check BINARY WANT: sets CLAUDE_HAVE to BINARY's version when it runs and is WANT ("latest":
# any), else to nothing, with CLAUDE_WHY_NOT saying why not.
claude_check() {
  CLAUDE_HAVE=""
  CLAUDE_WHY_NOT=""
  if [[ ! -f "$1" || ! -x "$1" ]]; then
    CLAUDE_WHY_NOT="is not an executable file"
    return 0
  fi
  installed_version "$1"
  CLAUDE_HAVE=${BINARY_VERSION}
  if [[ -z "${CLAUDE_HAVE}" ]]; then
    CLAUDE_WHY_NOT="does not run ('$1 --version' failed)"
  elif [[ "$2" != latest && "$2" != "${CLAUDE_HAVE}" ]]; then
    CLAUDE_WHY_NOT="is ${CLAUDE_HAVE}, not ${2}"
    CLAUDE_HAVE=""
  fi
}

# npm_try VERSION PREFIX: one npm install attempt; a version npm does not have is fatal at once.
npm_try() {
  local out status=0
  # npm retries each request itself, backing off 10 s to 60 s: with our attempts on top, an
  # unreachable registry took 218 s to report. Short back-offs (and two attempts of ours, not
  # three) bound that to well under a minute; transfer timeouts stay npm's.
  out=$(npm install --global --prefix "$2" --no-audit --no-fund --loglevel=error \
    --fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=8000 \
    "@anthropic-ai/claude-code@$1" 2>&1) || status=$?
  if [[ -n "${out}" ]]; then
    printf '%s\n' "${out}"
  fi
  if ((status != 0)) && [[ "${out}" == *ETARGET* || "${out}" == *E404* ]]; then
    die "npm has no @anthropic-ai/claude-code@$1; set claude_code_version to a published version or \"latest\""
  fi
  return "${status}"
}

# install_with_npm VERSION PREFIX: installs into the module's own npm prefix (no root, no global state).
install_with_npm() {
  need_cmd npm "claude_code_version is pinned or install_via_npm is true, so Claude Code is installed from npm"
  log "installing @anthropic-ai/claude-code@$1 from npm into $2"
  retry "npm install of @anthropic-ai/claude-code@$1 failed (output above)" 2 2 npm_try "$1" "$2"
}

# run_installer URL: downloads the official installer into the module dir and runs it for "latest".
run_installer() {
  local installer="${MODULE_DIR}/claude-installer.sh" status=0
  log "installing the latest Claude Code with the official installer from $1"
  download "$1" "${installer}"
  bash "${installer}" latest </dev/null || status=$?
  rm -f -- "${installer}"
  ((status == 0)) || die "the Claude Code installer from $1 exited with status ${status}"
}
