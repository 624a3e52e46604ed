# shellcheck shell=bash
# Installing AgentAPI from a (mirrorable) release URL.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# step_install_agentapi: Installs AgentAPI from its release URL, verified by checksum (when given) and by the version it reports.
step_install_agentapi() {
  local want have arch asset url new
  plain_version "${ARG_AGENTAPI_VERSION}"
  want=${PLAIN_VERSION}
  have=""
  if [[ -x "${BIN_DIR}/agentapi" ]]; then
    installed_version "${BIN_DIR}/agentapi"
    have=${BINARY_VERSION}
  fi

  if [[ "${ARG_INSTALL_AGENTAPI}" == false ]]; then
    if [[ -z "${have}" ]]; then
      local found
      found=$(find_on_path agentapi "${BIN_DIR}" "${CODER_SCRIPT_BIN_DIR:-}")
      [[ -n "${found}" ]] ||
        die "install_agentapi is false and no agentapi is on PATH; install it in the image or set install_agentapi = true"
      # The resolved file, so that a later start does not depend on PATH order.
      found=$(readlink -f -- "${found}")
      version_of "${found}"
      have=${BINARY_VERSION}
      [[ -n "${have}" ]] || die "${found} does not run: 'agentapi --version' failed"
      ln -sfn -- "${found}" "${BIN_DIR}/agentapi"
    fi
    if [[ "${want}" != latest && "${want}" != "${have}" ]]; then
      warn "using AgentAPI ${have}, not the requested ${want} (install_agentapi is false)"
    fi
    log "using existing AgentAPI ${have}"
    note "agentapi" "${have} (existing binary)"
    return 0
  fi
  if [[ -n "${have}" && ( "${want}" == latest || "${want}" == "${have}" ) ]]; then
    log "AgentAPI ${have} is already installed; nothing to install"
    note "agentapi" "${have} (already installed)"
    return 0
  fi

  arch=$(release_arch AgentAPI)
  asset="agentapi-linux-${arch}"
  if [[ "${want}" == latest ]]; then
    url="${ARG_AGENTAPI_RELEASES_URL}/latest/download/${asset}"
  else
    url="${ARG_AGENTAPI_RELEASES_URL}/download/v${want}/${asset}"
  fi
  log "downloading AgentAPI from ${url}"
  new="${BIN_DIR}/agentapi.new"
  download "${url}" "${new}" "${ARG_AGENTAPI_SHA256}"
  chmod 0755 "${new}"
  version_of "${new}"
  have=${BINARY_VERSION}
  if [[ -z "${have}" || ( "${want}" != latest && "${have}" != "${want}" ) ]]; then
    rm -f "${new}"
    die "the downloaded AgentAPI reports version '${have}', expected ${want} (${url})"
  fi
  mv -f "${new}" "${BIN_DIR}/agentapi"
  # A restart then finds the version without running it.
  keep_version "${BIN_DIR}/agentapi" "${have}"
  log "installed AgentAPI ${have}"
  note "agentapi" "${have} (downloaded)"
}
