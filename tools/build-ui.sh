#!/usr/bin/env bash
# Builds the two web UIs a person sees, from the same sources a release is made of, with only npm
# and the Go module proxy to draw on. tools/bootstrap.sh calls it (under its lock); each build is
# skipped when OUT is there with its marker OUT.ui-built (a binary built without its UI, as earlier
# bootstraps made them at the same path, is built again).
#
#   tools/build-ui.sh coder VERSION OUT       `coder` (AGPL ./cmd/coder) with its dashboard embedded,
#                                             stamped VERSION like a release (no "devel" banner)
#   tools/build-ui.sh agentapi VERSION OUT    AgentAPI with its chat UI embedded, as released
#
# Each build works in a temporary directory outside the checkout: inside it, the sites' TypeScript
# checks and Next.js would also pick up the project's own node_modules and lockfile. Package
# caches, fonts and build logs stay in .tools/cache/ and .tools/build/ (ignored by git). The
# toolchain the dashboards need comes from npm: Node.js 22 (Coder 2.36's site refuses older) and
# the pnpm each site names in its packageManager field.
# built is a predicate: it is meant to be called in conditions.
# shellcheck disable=SC2310
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="${root}/.tools"
logs="${tools}/build"
node_version=22.23.3
# The chat UI's font is fetched from Google Fonts at build time; the geist npm package has it.
geist_version=1.9.2

scratch=$(mktemp -d)
trap 'rm -rf -- "${scratch}"' EXIT

say() { printf 'build-ui: %s\n' "$*" >&2; }
die() {
  printf 'build-ui: error: %s\n' "$*" >&2
  exit 1
}

# module_dir MODULE VERSION: the module's source in the Go module cache (read-only there).
module_dir() {
  local dir
  dir=$(GONOSUMDB=github.com/coder go mod download -json "$1@$2" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n "${dir}" && -d "${dir}" ]] || die "could not download $1@$2 from the Go module proxy"
  printf '%s\n' "${dir}"
}

# fresh_copy SRC DEST: DEST becomes a writable copy of SRC.
fresh_copy() {
  rm -rf -- "$2"
  mkdir -p "$(dirname "$2")"
  cp -r "$1" "$2"
  chmod -R u+w "$2"
}

# npm_tool PACKAGE VERSION: installs PACKAGE@VERSION under .tools/npm/ once; prints its bin dir.
npm_tool() {
  local dir="${tools}/npm/$1-$2"
  if [[ ! -f "${dir}/.installed" ]]; then
    say "installing $1@$2 (npm)"
    rm -rf -- "${dir}"
    mkdir -p "${dir}"
    npm install --prefix "${dir}" --no-audit --no-fund --loglevel=error "$1@$2" >&2
    touch "${dir}/.installed"
  fi
  printf '%s\n' "${dir}/node_modules/.bin"
}

# built OUT: true when OUT was built with its UI.
built() { [[ -x "$1" && -f "$1.ui-built" ]]; }

# go_release_build DIR PACKAGE OUT LDFLAGS [TAGS]: go build as a release does, into OUT atomically.
go_release_build() {
  (cd "$1" && GONOSUMDB=github.com/coder GOFLAGS=-mod=readonly CGO_ENABLED=0 \
    nice -n 19 go build -trimpath -tags "${5:-}" -ldflags "$4" -o "$3.tmp" "$2")
  mv -f "$3.tmp" "$3"
  touch "$3.ui-built"
}

build_coder() {
  local version=$1 out=$2 src work site pnpm_version node_bin pnpm_bin frozen=--frozen-lockfile
  if built "${out}"; then return 0; fi
  src=$(module_dir github.com/coder/coder/v2 "v${version}")
  work="${scratch}/coder-${version}"
  site="${work}/site"
  say "building coder v${version} with its dashboard (takes minutes the first time)"
  mkdir -p "${logs}"
  fresh_copy "${src}" "${work}"
  pnpm_version=$(sed -n 's/^[[:space:]]*"packageManager": "pnpm@\([0-9.]*\).*/\1/p' "${site}/package.json")
  [[ -n "${pnpm_version}" ]] || die "coder v${version}'s site/package.json names no pnpm version"
  node_bin=$(npm_tool node "${node_version}")
  pnpm_bin=$(npm_tool pnpm "${pnpm_version}")
  # A Storybook-only package some lockfiles pin is gone from npm (404); the build does not use it.
  # Dropping it only removes lockfile entries, so nothing else is resolved anew.
  if grep -q '"@coder/pixel-storybook":' "${site}/package.json"; then
    sed -i '/"@coder\/pixel-storybook":/d' "${site}/package.json"
    frozen=--no-frozen-lockfile
  fi
  (
    cd "${site}"
    # shellcheck disable=SC2030 # the toolchain is this subshell's only
    export PATH="${node_bin}:${pnpm_bin}:${PATH}" CI=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
    pnpm install "${frozen}" --store-dir "${tools}/cache/pnpm-store" --reporter=silent >&2
    nice -n 19 pnpm build >"${logs}/coder-${version}-site.log" 2>&1 || die "the dashboard build failed; see ${logs}/coder-${version}-site.log"
  )
  # Source maps are for debugging the dashboard; embedded, they would only make the binary larger.
  find "${site}/out" -name '*.map' -delete
  [[ -f "${site}/out/index.html" ]] || die "the dashboard build left no site/out/index.html"
  mkdir -p "$(dirname "${out}")"
  # The tags and flags of Coder's own release build (scripts/build_go.sh), AGPL.
  go_release_build "${work}" ./cmd/coder "${out}" \
    "-s -w -X github.com/coder/coder/v2/buildinfo.tag=${version} -X github.com/coder/coder/v2/buildinfo.agpl=true" \
    embed,ts_omit_aws,ts_omit_bird,ts_omit_tap,ts_omit_kube
}

build_agentapi() {
  local version=$1 out=$2 src work fonts node_bin
  if built "${out}"; then return 0; fi
  src=$(module_dir github.com/coder/agentapi "${version}")
  work="${scratch}/agentapi-${version}"
  fonts="${tools}/build/geist-${geist_version}"
  say "building AgentAPI ${version} with its chat UI"
  mkdir -p "${logs}"
  fresh_copy "${src}" "${work}"
  node_bin=$(npm_tool node "${node_version}")
  if [[ ! -f "${fonts}/Geist-Variable.woff2" ]]; then
    mkdir -p "${fonts}"
    (cd "${fonts}" && npm pack --silent "geist@${geist_version}" >/dev/null &&
      tar -xzf "geist-${geist_version}.tgz" --strip-components=4 package/dist/fonts/geist-sans/Geist-Variable.woff2 &&
      rm -f "geist-${geist_version}.tgz")
  fi
  # Next's own hook for building without Google Fonts: each font URL answers this CSS, which
  # points at the local file (Next reads absolute paths from disk).
  cat >"${fonts}/google-fonts.cjs" <<EOF
const css = \`@font-face {
  font-family: 'Geist';
  font-style: normal;
  font-weight: 100 900;
  font-display: swap;
  src: url(${fonts}/Geist-Variable.woff2) format('woff2');
}
\`;
module.exports = new Proxy({}, { get: (_t, url) => (typeof url === "string" ? css : undefined) });
EOF
  (
    cd "${work}/chat"
    # shellcheck disable=SC2031 # the toolchain is this subshell's only
    export PATH="${node_bin}:${root}/node_modules/.bin:${PATH}"
    bun install --frozen-lockfile >&2
    # The base path placeholder AgentAPI rewrites at run time (its Makefile's BASE_PATH).
    NEXT_PUBLIC_BASE_PATH=/magic-base-path-placeholder NEXT_FONT_GOOGLE_MOCKED_RESPONSES="${fonts}/google-fonts.cjs" \
      NEXT_TELEMETRY_DISABLED=1 nice -n 19 bun run build >"${logs}/agentapi-${version}-chat.log" 2>&1 ||
      die "the chat UI build failed; see ${logs}/agentapi-${version}-chat.log"
  )
  rm -rf -- "${work}/lib/httpapi/chat"
  mkdir -p "${work}/lib/httpapi/chat"
  touch "${work}/lib/httpapi/chat/marker"
  cp -r "${work}/chat/out/." "${work}/lib/httpapi/chat/"
  mkdir -p "$(dirname "${out}")"
  go_release_build "${work}" . "${out}" "-s -w"
}

case "${1:-}" in
  coder) build_coder "${2:?VERSION}" "${3:?OUT}" ;;
  agentapi) build_agentapi "${2:?VERSION}" "${3:?OUT}" ;;
  *) die "usage: tools/build-ui.sh coder|agentapi VERSION OUT" ;;
esac
