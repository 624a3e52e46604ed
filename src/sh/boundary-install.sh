# shellcheck shell=bash
# Where boundary comes from: the coder CLI's subcommand, a release download, or a build from
# source. Each sets BOUNDARY_CMD (how to run boundary) and BOUNDARY_FROM (what the summary says), or
# dies with the cause and the fix.
# shellcheck disable=SC2034 # sets globals that functions in other files read
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files

# boundary_from_coder: uses the coder CLI's boundary subcommand (agent-firewall since Coder 2.36).
boundary_from_coder() {
  local coder sub
  coder=$(command -v coder) ||
    die "boundary is enabled in its default mode, which runs 'coder boundary', but no coder CLI is on PATH. Fix: put the workspace's coder CLI on PATH, or set use_boundary_directly = true to download boundary ${ARG_BOUNDARY_VERSION}"
  # Coder 2.36 renamed the subcommand agent-firewall; "boundary" stays as a deprecated alias that
  # prints a notice into Claude's screen.
  for sub in agent-firewall boundary; do
    if "${coder}" "${sub}" --help >/dev/null 2>&1; then
      BOUNDARY_CMD=("${coder}" "${sub}")
      BOUNDARY_FROM="coder ${sub} (${coder})"
      log "using the coder CLI's ${sub} subcommand: ${coder}"
      return 0
    fi
  done
  die "the coder CLI at ${coder} has no 'boundary' (or 'agent-firewall') subcommand: only Coder's enterprise builds (the official release binaries) have it, and it runs only with a Premium license that includes boundary (AI governance). Fix: set use_boundary_directly = true to download boundary ${ARG_BOUNDARY_VERSION} (no license needed), or compile_boundary_from_source = true"
}

# installed_boundary: sets BINARY_VERSION to the version ~/.claude-module/bin/boundary reports, or
# to nothing.
installed_boundary() {
  BINARY_VERSION=""
  if [[ -x "${BIN_DIR}/boundary" ]]; then
    installed_version "${BIN_DIR}/boundary"
  fi
}

# boundary_from_release: downloads the release archive of boundary ARG_BOUNDARY_VERSION (verified by
# checksum when given, and by the version it reports), unless that version is installed.
boundary_from_release() {
  local want have arch asset url work
  plain_version "${ARG_BOUNDARY_VERSION}"
  want=${PLAIN_VERSION}
  BOUNDARY_CMD=("${BIN_DIR}/boundary")
  installed_boundary
  have=${BINARY_VERSION}
  if [[ -n "${have}" && "${have}" == "${want}" ]]; then
    log "boundary ${want} is already installed; nothing to download"
    BOUNDARY_FROM="v${want} (release, already installed)"
    return 0
  fi
  arch=$(release_arch boundary)
  need_cmd tar "to unpack the boundary release"
  asset="boundary-linux-${arch}"
  url="${ARG_BOUNDARY_RELEASES_URL}/download/v${want}/${asset}.tar.gz"
  rm -rf "${BOUNDARY_DIR}"/download.*
  work=$(mktemp -d "${BOUNDARY_DIR}/download.XXXXXX")
  log "downloading boundary from ${url}"
  download "${url}" "${work}/${asset}.tar.gz" "${ARG_BOUNDARY_SHA256}"
  tar -xzf "${work}/${asset}.tar.gz" -C "${work}" "${asset}" ||
    die "the boundary archive ${url} does not hold ${asset}"
  chmod 0755 "${work}/${asset}"
  version_of "${work}/${asset}"
  have=${BINARY_VERSION}
  [[ "${have}" == "${want}" ]] ||
    die "the downloaded boundary reports version '${have}', expected ${want} (${url})"
  mv -f "${work}/${asset}" "${BIN_DIR}/boundary"
  rm -rf "${work}"
  log "installed boundary ${have}"
  BOUNDARY_FROM="v${have} (release ${url})"
}

# boundary_from_source: builds boundary ARG_BOUNDARY_VERSION with the Go toolchain, unless that
# version is installed. The Go module proxy rather than git: a version there is immutable and
# checked against the Go checksum database, GOPROXY mirrors work in restricted networks, and nothing
# is cloned into the work dir. The module's own go.sum pins every dependency.
boundary_from_source() {
  local want have json src build proxy module="github.com/coder/boundary" dir_re='"Dir": "([^"]+)"'
  plain_version "${ARG_BOUNDARY_VERSION}"
  want=${PLAIN_VERSION}
  BOUNDARY_CMD=("${BIN_DIR}/boundary")
  installed_boundary
  have=${BINARY_VERSION}
  if [[ -n "${have}" && "${have}" == "${want}" ]]; then
    log "boundary ${want} is already built; nothing to build"
    BOUNDARY_FROM="v${want} (built from source, already installed)"
    return 0
  fi
  need_cmd go "compile_boundary_from_source builds boundary with the Go toolchain"
  proxy=$(go env GOPROXY)
  log "fetching ${module}@v${want} from the Go module proxy (${proxy})"
  if ! json=$(cd -- "${BOUNDARY_DIR}" && GOWORK=off GOFLAGS="" go mod download -json "${module}@v${want}" 2>&1); then
    printf '%s\n' "${json}" >&2
    die "could not download ${module}@v${want} from the Go module proxy (see above)"
  fi
  [[ "${json}" =~ ${dir_re} ]] || die "go mod download did not say where it put ${module}@v${want}"
  src=${BASH_REMATCH[1]}
  rm -rf "${BOUNDARY_DIR}"/build.*
  build=$(mktemp -d "${BOUNDARY_DIR}/build.XXXXXX")
  log "building boundary v${want} in ${src}"
  if ! (cd -- "${src}" && GOWORK=off GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    go build -trimpath -ldflags "-X main.version=v${want}" -o "${build}/boundary" ./cmd/boundary); then
    die "go build of boundary v${want} failed (see above)"
  fi
  version_of "${build}/boundary"
  have=${BINARY_VERSION}
  [[ "${have}" == "${want}" ]] || die "the boundary built from ${module}@v${want} reports version '${have}'"
  mv -f "${build}/boundary" "${BIN_DIR}/boundary"
  rm -rf "${build}"
  log "built boundary ${have}"
  BOUNDARY_FROM="v${have} (built from source)"
}
