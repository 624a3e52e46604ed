# shellcheck shell=bash
# Installing Claude Code: a pre-installed claude when it fits, else npm for a pinned version
# (or install_via_npm) and the official installer for latest.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_install_claude: Finds or installs the requested Claude Code, links it onto PATH and keeps a pinned version from updating itself.
step_install_claude() {
  local state="${MODULE_DIR}/claude-install.state" prefix="${MODULE_DIR}/npm"
  local want dir spec state_spec="" state_bin="" found="" have="" pre="" how bin real real_ours
  want=$(plain_version "${ARG_CLAUDE_CODE_VERSION}")
  dir=$(expand_home "${ARG_CLAUDE_BINARY_PATH}")
  dir=${dir%/}
  if [[ "${want}" != latest || "${ARG_INSTALL_VIA_NPM}" == true ]]; then
    spec="npm ${want}"
  else
    spec="installer latest"
  fi
  if [[ -f "${state}" ]]; then
    { IFS= read -r state_spec && IFS= read -r state_bin; } <"${state}" || true
  fi

  if [[ "${ARG_INSTALL_CLAUDE_CODE}" == false ]]; then
    have=$(claude_fits "${dir}/claude" latest)
    found="${dir}/claude"
    if [[ -z "${have}" ]]; then
      bin=$(find_on_path claude "${BIN_DIR}" "${CODER_SCRIPT_BIN_DIR:-}")
      # The resolved file, so that our own links on PATH can never point at themselves.
      found=$(readlink -f -- "${bin:-/nonexistent}") || found=""
      have=$(claude_fits "${found}" latest)
    fi
    [[ -n "${have}" ]] ||
      die "install_claude_code is false and no working claude is in ${dir} or on PATH; install it in the image, set claude_binary_path to its directory, or set install_claude_code = true"
    if [[ "${want}" != latest && "${want}" != "${have}" ]]; then
      warn "using Claude Code ${have} from ${found}, not the requested ${want} (install_claude_code is false)"
    fi
    how="existing binary ${found}"
    log "using existing Claude Code ${have} from ${found}"
  else
    if [[ "${state_spec}" == "${spec}" ]]; then
      have=$(claude_fits "${state_bin}" "${want}")
    fi
    real=$(readlink -f -- "${dir}/claude") || real=""
    real_ours=$(readlink -f -- "${state_bin:-/nonexistent}") || real_ours=""
    # A claude the module installed earlier is not "pre-installed", even when linked there.
    if [[ -z "${have}" && "${real}" != "${real_ours}" ]]; then
      pre=$(claude_fits "${dir}/claude" "${want}")
    fi
    if [[ -n "${have}" ]]; then
      found=${state_bin}
      how="already installed"
      log "Claude Code ${have} is already installed; nothing to install"
    elif [[ -n "${pre}" ]]; then
      have=${pre}
      found="${dir}/claude"
      how="pre-installed in ${dir}"
      log "using the pre-installed Claude Code ${have} in ${dir}; nothing to install"
    else
      if [[ "${spec}" == npm* ]]; then
        install_with_npm "${want}" "${prefix}"
        found="${prefix}/bin/claude"
        how="npm"
      else
        run_installer "${ARG_CLAUDE_INSTALLER_URL}"
        found="${HOME}/.local/bin/claude"
        how="official installer"
      fi
      have=$(claude_fits "${found}" latest)
      [[ -n "${have}" ]] || die "the installed ${found} does not run: 'claude --version' failed"
      [[ "${want}" == latest || "${have}" == "${want}" ]] ||
        die "the installed Claude Code reports version ${have}, expected ${want}"
      printf '%s\n%s\n' "${spec}" "${found}" | atomic_write "${state}" 600
      log "installed Claude Code ${have} (${how})"
    fi
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

# claude_fits BINARY WANT: prints the version of BINARY when it runs and is WANT ("latest": any), else nothing.
claude_fits() {
  local have
  [[ -x "$1" ]] || return 0
  have=$(version_of "$1")
  if [[ -n "${have}" && ( "$2" == latest || "$2" == "${have}" ) ]]; then
    printf '%s' "${have}"
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
