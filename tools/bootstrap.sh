#!/usr/bin/env bash
# Installs everything the tests and the demo run against into .tools/ (ignored
# by git), using only npm, Debian packages and the Go module proxy. Idempotent:
# a second run finds everything in place and does nothing.
#
#   .tools/tf/<v>/terraformrc          Terraform CLI config using only provider <v>
#   .tools/tf/<v>/mirror/...           filesystem mirror holding coder/coder <v>
#   .tools/bin/agentapi-<version>      AgentAPI with its chat UI (tools/build-ui.sh), as released
#   .tools/bin/boundary-<version>      boundary built from the Go module proxy, reporting <version>
#   .tools/coder/<version>/coder       Coder (AGPL ./cmd/coder) with its dashboard (tools/build-ui.sh) for
#                                      each of CODER_VERSIONS, named as in an image: the agent puts its
#                                      own directory on PATH as `coder`
#   .tools/npm/ .tools/cache/          Node.js 22 and pnpm for the dashboard build, pnpm's store
#   node_modules/                      bun, typescript, the Claude Code CLI, playwright-core (package-lock.json)
#   /usr/bin/chromium                  Debian's Chromium, the browser tests' browser
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/versions.env
. "${root}/tools/versions.env"
tools="${root}/.tools"

# One bootstrap at a time: two would build into the same temporary files.
mkdir -p "${tools}"
exec 9>"${tools}/.bootstrap.lock"
flock 9

say() { printf 'bootstrap: %s\n' "$*" >&2; }
die() {
  printf 'bootstrap: error: %s\n' "$*" >&2
  exit 1
}
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required: $2"; }

apt_install() {
  say "installing Debian package(s): $*"
  [[ "${EUID}" == 0 ]] || die "installing $* needs root (apt-get)"
  if [[ ! -f "${tools}/.apt-updated" ]]; then
    apt-get update -qq >/dev/null
    mkdir -p "${tools}" && touch "${tools}/.apt-updated"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# go_build MODULE VERSION PACKAGE OUT [LDFLAGS]: builds PACKAGE of MODULE@VERSION with the module's own go.sum.
# (`go install m@v` would also ask the proxy for the module's version list, which it may refuse.)
go_build() {
  local module=$1 version=$2 pkg=$3 out=$4 ldflags=${5:-} dir
  [[ -x "${out}" ]] && return 0
  say "building ${module}@${version} (Go module proxy)"
  # The checksum database is not reachable here; the module's go.sum still pins every dependency.
  dir=$(GONOSUMDB=github.com/coder go mod download -json "${module}@${version}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n "${dir}" && -d "${dir}" ]] || die "could not download ${module}@${version} from the Go module proxy"
  mkdir -p "$(dirname "${out}")"
  (cd "${dir}" && GONOSUMDB=github.com/coder GOFLAGS=-mod=readonly CGO_ENABLED=0 go build -trimpath -ldflags "${ldflags}" -o "${out}.tmp" "${pkg}")
  mv -f "${out}.tmp" "${out}"
}

need git "install git"
need node "Node.js is on this machine's image; install it with apt-get install nodejs"
need npm "install npm"
need go "Go is on this machine's image at /usr/local/go"
if ! command -v terraform >/dev/null 2>&1; then
  die "terraform is not on PATH (expected /usr/local/bin/terraform on this image). Install Terraform >= 1.9 and re-run."
fi
command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck
command -v curl >/dev/null 2>&1 || apt_install curl
command -v setsid >/dev/null 2>&1 || apt_install util-linux
# boundary's nsjail needs ip and iptables (tests run it only in network namespaces of their own).
command -v ip >/dev/null 2>&1 || [[ -x /usr/sbin/ip ]] || apt_install iproute2
[[ -x /usr/sbin/iptables ]] || apt_install iptables
# The browser tests' browser (driven by playwright-core from npm; no browser download from elsewhere).
[[ -x /usr/bin/chromium ]] || apt_install chromium fonts-liberation
# Workspaces with session_app = "tmux" run Claude in tmux.
command -v tmux >/dev/null 2>&1 || apt_install tmux
# tools/bench.sh counts the processes a start spawns with strace.
command -v strace >/dev/null 2>&1 || apt_install strace

# npm packages, reinstalled only when package-lock.json changed.
stamp="${root}/node_modules/.lock-sha256"
want=$(sha256sum "${root}/package-lock.json" | cut -d' ' -f1)
have=$(cat "${stamp}" 2>/dev/null || true)
if [[ "${have}" != "${want}" ]]; then
  say "installing npm packages (npm ci)"
  (cd "${root}" && npm ci --no-audit --no-fund --loglevel=error)
  printf '%s' "${want}" >"${stamp}"
fi

# The coder/coder provider, one filesystem mirror and CLI config per version.
goos=$(go env GOOS)
goarch=$(go env GOARCH)
for v in ${CODER_PROVIDER_VERSIONS}; do
  base="${tools}/tf/${v}"
  go_build github.com/coder/terraform-provider-coder/v2 "v${v}" . \
    "${base}/mirror/registry.terraform.io/coder/coder/${v}/${goos}_${goarch}/terraform-provider-coder_v${v}"
  cat >"${base}/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "${base}/mirror"
    include = ["registry.terraform.io/coder/coder"]
  }
  direct {
    exclude = ["registry.terraform.io/coder/coder"]
  }
}
EOF
done

"${root}/tools/build-ui.sh" agentapi "${AGENTAPI_VERSION}" "${tools}/bin/agentapi-${AGENTAPI_VERSION}"
# Release builds stamp the version the same way (boundary's Makefile); a plain build says "dev".
go_build github.com/coder/boundary "${BOUNDARY_VERSION}" ./cmd/boundary "${tools}/bin/boundary-${BOUNDARY_VERSION}" \
  "-X main.version=${BOUNDARY_VERSION}"

# Coder itself (server, agent and CLI in one binary), for the real-Coder tests and the demo.
# The enterprise build needs modules the proxy refuses; the AGPL one has everything but licensed features.
for v in ${CODER_VERSIONS}; do
  "${root}/tools/build-ui.sh" coder "${v}" "${tools}/coder/${v}/coder"
done
# PostgreSQL for the deployments' private clusters (tools/coder.sh runs its own, on loopback).
compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null || apt_install postgresql

terraform_version=$(terraform version | sed -n '1s/^Terraform //p')
shellcheck_version=$(shellcheck --version | sed -n 's/^version: //p')
chromium_version=$(/usr/bin/chromium --version 2>/dev/null | sed -n 's/^Chromium \([0-9.]*\).*/\1/p')
say "ready: terraform ${terraform_version}, coder provider ${CODER_PROVIDER_VERSIONS}, agentapi ${AGENTAPI_VERSION}, boundary ${BOUNDARY_VERSION}, coder ${CODER_VERSIONS}, shellcheck ${shellcheck_version}, chromium ${chromium_version}"
