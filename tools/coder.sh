#!/usr/bin/env bash
# A real Coder deployment on loopback, for the real-Coder tests and the demo: a private
# PostgreSQL cluster, `coder server` (AGPL, dashboard embedded, built by tools/bootstrap.sh) using the project's
# provider mirror, a release mirror standing in for GitHub and claude.ai, and a first user.
#
#   tools/coder.sh up [VERSION]     start what is not running yet (default: the newest in CODER_VERSIONS)
#   tools/coder.sh down [VERSION]   stop what `up` started, workspaces' agents included (default: all)
#   tools/coder.sh status [VERSION] what runs, and where
#
# Everything a deployment writes lives in .coder/<version>/ (ignored by git):
#   deployment.env   URL, ports, CLI config dir and the other facts tests and the demo read
#   admin.env        the first user's email and password (mode 0600)
#   cli/             CODER_CONFIG_DIR of a logged-in `coder` CLI
#   pg/ server/ mirror/ run/   the database, the server's state, the release mirror, pid files and logs
# Workspace homes (kept across stop and start, like volumes) live outside the checkout, in
# /var/lib/claude-module-homes/<checkout>-<version>/: inside it they would sit in a git work tree,
# and Claude Code and the module treat a work dir in a repository differently.
#
# Ports: the n-th version of CODER_VERSIONS (from 0) uses CODER_PORT_BASE+100n (server; the base
# is 7080 unless set), +1 (release mirror) and +2 (PostgreSQL).
# alive, port_free and friends are predicates: they are meant to be called in conditions.
# shellcheck disable=SC2310
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/versions.env
. "${root}/tools/versions.env"
tools="${root}/.tools"

say() { printf 'coder.sh: %s\n' "$*" >&2; }
die() {
  printf 'coder.sh: error: %s\n' "$*" >&2
  exit 1
}

# deployment VERSION: sets the variables that describe VERSION's deployment.
deployment() {
  local v=$1 i=0 known
  for known in ${CODER_VERSIONS}; do
    [[ "${known}" == "${v}" ]] && break
    i=$((i + 1))
  done
  [[ "${known:-}" == "${v}" ]] || die "unknown Coder version ${v}; tools/versions.env has: ${CODER_VERSIONS}"
  version=${v}
  state="${root}/.coder/${v}"
  bin="${tools}/coder/${v}/coder"
  server_port=$((${CODER_PORT_BASE:-7080} + 100 * i))
  mirror_port=$((server_port + 1))
  pg_port=$((server_port + 2))
  url="http://127.0.0.1:${server_port}"
  mirror_url="http://127.0.0.1:${mirror_port}"
  pg_data="${state}/pg/data"
  homes="/var/lib/claude-module-homes/$(printf '%s' "${root}" | sha256sum | cut -c1-12)-${v}"
}

# pg_bin TOOL: the path of a PostgreSQL server program (Debian keeps them off PATH).
pg_bin() {
  local found
  found=$(find /usr/lib/postgresql -maxdepth 3 -path "*/bin/$1" 2>/dev/null | sort -V | tail -1)
  [[ -n "${found}" ]] || die "PostgreSQL's $1 is missing: run tools/bootstrap.sh (it installs Debian's postgresql package)"
  printf '%s\n' "${found}"
}

# alive PIDFILE PATTERN: true when the pid in PIDFILE runs a command line matching PATTERN
# (a pid reused by another program after a restart does not count).
alive() {
  local pid cmdline
  [[ -f "$1" ]] || return 1
  pid=$(<"$1")
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 1
  cmdline=$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null) || return 1
  [[ "${cmdline}" == *$2* ]]
}

# port_free PORT NAME: dies naming the holder when something already listens on PORT.
port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    die "port $1 (for ${2}) is taken by another program: $(ss -ltnpH "sport = :$1" 2>/dev/null | sed 's/.*users://' || true). Stop it, or run tools/coder.sh down if it is an older deployment of this checkout."
  fi
}

# wait_for WHAT SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local what=$1 deadline=$((SECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
  say "${what} is up"
}

# stop_pid PIDFILE PATTERN: SIGTERM, up to 60 s for a clean exit, then SIGKILL.
stop_pid() {
  local pid deadline
  if alive "$1" "$2"; then
    pid=$(<"$1")
    kill -TERM "${pid}" 2>/dev/null || true
    deadline=$((SECONDS + 60))
    while alive "$1" "$2" && ((SECONDS < deadline)); do sleep 0.2; done
    if alive "$1" "$2"; then kill -KILL "${pid}" 2>/dev/null || true; fi
    say "stopped $(basename "$1" .pid) (pid ${pid})"
  fi
  rm -f -- "$1"
}

start_postgres() {
  local initdb pg_ctl psql
  initdb=$(pg_bin initdb)
  pg_ctl=$(pg_bin pg_ctl)
  psql=$(pg_bin psql)
  mkdir -p "${state}/pg"
  chown postgres:postgres "${state}/pg"
  if [[ ! -f "${pg_data}/PG_VERSION" ]]; then
    say "creating a private PostgreSQL cluster in ${state}/pg"
    runuser -u postgres -- "${initdb}" -D "${pg_data}" -U postgres --auth=trust -E UTF8 >"${state}/pg/initdb.log" 2>&1 ||
      die "initdb failed; see ${state}/pg/initdb.log"
  fi
  if ! runuser -u postgres -- "${pg_ctl}" -D "${pg_data}" status >/dev/null 2>&1; then
    port_free "${pg_port}" PostgreSQL
    mkdir -p "${state}/pg/sock"
    chown postgres:postgres "${state}/pg/sock"
    runuser -u postgres -- "${pg_ctl}" -D "${pg_data}" -l "${state}/pg/postgres.log" -w -t 60 \
      -o "-p ${pg_port} -c listen_addresses=127.0.0.1 -k ${state}/pg/sock" start >/dev/null ||
      die "PostgreSQL did not start; see ${state}/pg/postgres.log"
    say "PostgreSQL is up on 127.0.0.1:${pg_port}"
  fi
  local has_db
  has_db=$(runuser -u postgres -- "${psql}" -h 127.0.0.1 -p "${pg_port}" -U postgres -qAt \
    -c "select 1 from pg_database where datname = 'coder'")
  if [[ -z "${has_db}" ]]; then
    runuser -u postgres -- "${psql}" -h 127.0.0.1 -p "${pg_port}" -U postgres -qAt -c "create database coder" >/dev/null
  fi
}

# The release mirror: what the module downloads, laid out like GitHub releases and claude.ai.
start_mirror() {
  local dir="${state}/mirror" claude_version
  claude_version=$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' "${root}/node_modules/@anthropic-ai/claude-code/package.json")
  mkdir -p "${dir}/agentapi/download/${AGENTAPI_VERSION}" "${dir}/boundary/download/${BOUNDARY_VERSION}" \
    "${dir}/claude/binary"
  ln -sfn "${tools}/bin/agentapi-${AGENTAPI_VERSION}" "${dir}/agentapi/download/${AGENTAPI_VERSION}/agentapi-linux-amd64"
  if [[ ! -f "${dir}/boundary/download/${BOUNDARY_VERSION}/boundary-linux-amd64.tar.gz" ]]; then
    local pack
    pack=$(mktemp -d)
    cp "${tools}/bin/boundary-${BOUNDARY_VERSION}" "${pack}/boundary-linux-amd64"
    tar -czf "${dir}/boundary/download/${BOUNDARY_VERSION}/boundary-linux-amd64.tar.gz" -C "${pack}" boundary-linux-amd64
    rm -rf -- "${pack}"
  fi
  sed "s|__BASE_URL__|${mirror_url}|" "${root}/test/doubles/claude-installer.sh" >"${dir}/claude/install.sh"
  printf '%s' "${claude_version}" >"${dir}/claude/latest"
  printf '%s' "${claude_version}" >"${dir}/claude/stable"
  ln -sfn "${root}/node_modules/@anthropic-ai/claude-code/bin/claude.exe" "${dir}/claude/binary/${claude_version}"
  if ! alive "${state}/run/mirror.pid" release-mirror.ts; then
    port_free "${mirror_port}" "the release mirror"
    setsid "${root}/node_modules/.bin/bun" run "${root}/tools/release-mirror.ts" "${dir}" "${mirror_port}" \
      "${state}/run/mirror-requests.log" </dev/null >>"${state}/run/mirror.log" 2>&1 &
    echo $! >"${state}/run/mirror.pid"
    wait_for "the release mirror (${mirror_url})" 30 curl -fsS "${mirror_url}/claude/stable" ||
      die "the release mirror did not start; see ${state}/run/mirror.log"
  fi
}

# The web terminal draws its text as page elements (the "dom" renderer, an admin's setting) rather
# than on a canvas, so that what a terminal shows can be read by the browser tests as a person reads it.
start_server() {
  local var
  local -a trust=()
  # The machine's TLS trust settings reach the provisioner and, through compute.sh, each workspace
  # (npm needs them where a proxy re-signs TLS).
  for var in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE GIT_SSL_CAINFO REQUESTS_CA_BUNDLE; do
    if [[ -n "${!var:-}" ]]; then trust+=("${var}=${!var}"); fi
  done
  if alive "${state}/run/server.pid" "${bin} server"; then return 0; fi
  [[ -x "${bin}" ]] || die "${bin} is missing: run tools/bootstrap.sh"
  port_free "${server_port}" "coder server"
  mkdir -p "${state}/server"
  say "starting coder v${version} on ${url}"
  (
    cd "${state}/server"
    exec setsid env -i \
      HOME="${state}/server" PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 "${trust[@]}" \
      TF_CLI_CONFIG_FILE="${tools}/tf/${CODER_TEMPLATE_PROVIDER}/terraformrc" \
      CODER_PG_CONNECTION_URL="postgres://postgres@127.0.0.1:${pg_port}/coder?sslmode=disable" \
      CODER_HTTP_ADDRESS="127.0.0.1:${server_port}" CODER_ACCESS_URL="${url}" \
      CODER_TELEMETRY_ENABLE=false CODER_UPDATE_CHECK=false CODER_DERP_SERVER_STUN_ADDRESSES=disable \
      CODER_OAUTH2_GITHUB_DEFAULT_PROVIDER_ENABLE=false CODER_PROVISIONER_DAEMONS=2 \
      CODER_CACHE_DIRECTORY="${state}/server/cache" CODER_CONFIG_DIR="${state}/server/config" \
      CODER_WEB_TERMINAL_RENDERER=dom \
      "${bin}" server </dev/null >>"${state}/run/server.log" 2>&1
  ) &
  echo $! >"${state}/run/server.pid"
  wait_for "coder server" 120 curl -fsS "${url}/healthz" ||
    die "coder server did not answer ${url}/healthz within 120 s; see ${state}/run/server.log"
}

# The first user, created once; the CLI in ${state}/cli logged in as it.
first_user() {
  local email=admin@example.com password token
  export CODER_CONFIG_DIR="${state}/cli"
  if [[ ! -f "${state}/admin.env" ]]; then
    password=$(head -c 18 /dev/urandom | base64 | tr '+/' 'ab')
    (umask 077 && printf 'CODER_ADMIN_EMAIL=%s\nCODER_ADMIN_PASSWORD=%s\n' "${email}" "${password}" >"${state}/admin.env")
  fi
  # shellcheck source=/dev/null
  . "${state}/admin.env"
  : "${CODER_ADMIN_EMAIL:?}" "${CODER_ADMIN_PASSWORD:?}"
  if curl -fsS "${url}/api/v2/users/first" >/dev/null 2>&1; then
    if "${bin}" whoami >/dev/null 2>&1; then return 0; fi
    token=$(curl -fsS -X POST -H 'Content-Type: application/json' \
      -d "{\"email\":\"${CODER_ADMIN_EMAIL}\",\"password\":\"${CODER_ADMIN_PASSWORD}\"}" \
      "${url}/api/v2/users/login" | sed -n 's/.*"session_token":"\([^"]*\)".*/\1/p')
    [[ -n "${token}" ]] || die "could not log in as ${CODER_ADMIN_EMAIL}; see ${state}/run/server.log"
    CODER_SESSION_TOKEN=${token} "${bin}" login "${url}" --use-token-as-session >/dev/null 2>&1 ||
      die "coder login with a fresh session token failed"
  else
    say "creating the first user ${CODER_ADMIN_EMAIL}"
    "${bin}" login "${url}" --first-user-username admin --first-user-email "${CODER_ADMIN_EMAIL}" \
      --first-user-password "${CODER_ADMIN_PASSWORD}" --first-user-full-name Admin \
      --first-user-trial=false >>"${state}/run/login.log" 2>&1 ||
      die "creating the first user failed; see ${state}/run/login.log"
  fi
}

write_facts() {
  cat >"${state}/deployment.env" <<EOF
CODER_VERSION=${version}
CODER_URL=${url}
CODER_BIN=${bin}
CODER_CONFIG_DIR=${state}/cli
CODER_STATE=${state}
CODER_MIRROR_URL=${mirror_url}
CODER_MIRROR_LOG=${state}/run/mirror-requests.log
CODER_HOMES=${homes}
CODER_NPM_CACHE=${state}/npm-cache
CODER_ADMIN_ENV=${state}/admin.env
EOF
}

up() {
  deployment "$1"
  [[ "${EUID}" == 0 ]] || die "the deployment runs PostgreSQL as postgres and agents as ${WORKSPACE_USER}: run as root"
  id postgres >/dev/null 2>&1 || die "PostgreSQL is not installed: run tools/bootstrap.sh"
  id "${WORKSPACE_USER}" >/dev/null 2>&1 ||
    useradd --system --create-home --home-dir "/var/lib/${WORKSPACE_USER}" --shell /bin/bash "${WORKSPACE_USER}"
  # The README's examples work in /home/coder/project, as most templates' images do.
  [[ -d /home/coder ]] || install -d -o "${WORKSPACE_USER}" -g "${WORKSPACE_USER}" -m 0755 /home/coder
  mkdir -p "${state}/run" "${homes}"
  chmod 0755 "${root}/.coder" "${state}" /var/lib/claude-module-homes "${homes}"
  runuser -u "${WORKSPACE_USER}" -- test -x "${bin}" ||
    die "${WORKSPACE_USER} cannot run ${bin}: every directory above this checkout must be world-searchable (chmod o+x)"
  # npm's cache for workspaces that install a pinned Claude Code: one download per machine.
  install -d -o "${WORKSPACE_USER}" -g "${WORKSPACE_USER}" -m 0755 "${state}/npm-cache"
  start_postgres
  start_mirror
  start_server
  first_user
  write_facts
  say "Coder v${version} ready at ${url} (admin credentials in ${state}/admin.env)"
}

down() {
  deployment "$1"
  [[ -d "${state}/run" ]] || return 0
  local pidfile
  # Workspaces first: their agents run the stop scripts, then the server can go.
  for pidfile in "${homes}"/*.agent.pid; do
    [[ -e "${pidfile}" ]] && stop_pid "${pidfile}" "${bin} agent"
  done
  stop_pid "${state}/run/server.pid" "${bin} server"
  stop_pid "${state}/run/mirror.pid" release-mirror.ts
  if [[ -f "${pg_data}/postmaster.pid" ]]; then
    local pg_ctl
    pg_ctl=$(pg_bin pg_ctl)
    runuser -u postgres -- "${pg_ctl}" -D "${pg_data}" -m fast -w stop >/dev/null && say "stopped PostgreSQL"
  fi
}

status() {
  deployment "$1"
  local what pattern
  for what in server mirror; do
    pattern=release-mirror.ts
    [[ "${what}" == mirror ]] || pattern="${bin} server"
    if alive "${state}/run/${what}.pid" "${pattern}"; then
      printf 'v%s %-7s running (pid %s)\n' "${version}" "${what}" "$(<"${state}/run/${what}.pid")"
    else
      printf 'v%s %-7s stopped\n' "${version}" "${what}"
    fi
  done
  [[ -f "${state}/deployment.env" ]] && sed 's/^/  /' "${state}/deployment.env"
  return 0
}

newest=${CODER_VERSIONS##* }
case "${1:-}" in
  up) up "${2:-${newest}}" ;;
  down)
    if [[ -n "${2:-}" ]]; then down "$2"; else for v in ${CODER_VERSIONS}; do down "${v}"; done; fi
    ;;
  status)
    if [[ -n "${2:-}" ]]; then status "$2"; else for v in ${CODER_VERSIONS}; do status "${v}"; done; fi
    ;;
  *) die "usage: tools/coder.sh up|down|status [VERSION] (versions: ${CODER_VERSIONS})" ;;
esac
