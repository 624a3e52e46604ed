#!/usr/bin/env bash
# The "compute" of the test templates: what a container would be in a real deployment. The
# template's terraform_data runs it on the provisioner (as root) when a workspace starts and stops:
#
#   compute.sh start   starts `coder agent` as the workspace user, in the workspace's own home
#   compute.sh stop    SIGTERM to that agent (it runs the run_on_stop scripts), SIGKILL after 60 s
#
# Environment (from the template): WORKSPACE (owner.name), HOMES (where homes live), CODER_BIN
# (the agent binary), WORKSPACE_USER, and for start CODER_AGENT_TOKEN and CODER_AGENT_URL.
# Each home persists across stop and start, like a volume. The agent gets a clean environment,
# like a container's, with no fixed ports or shared socket paths.
# agent_running is a predicate: it is meant to be called in conditions.
# shellcheck disable=SC2310
set -euo pipefail

die() {
  printf 'compute.sh: error: %s\n' "$*" >&2
  exit 1
}

[[ "${WORKSPACE:-}" =~ ^[A-Za-z0-9._-]+$ ]] || die "WORKSPACE must be owner.name, got '${WORKSPACE:-}'"
: "${HOMES:?}" "${CODER_BIN:?}" "${WORKSPACE_USER:?}"
home="${HOMES}/${WORKSPACE}"
pidfile="${HOMES}/${WORKSPACE}.agent.pid"
logs="${HOMES}/${WORKSPACE}.logs"

# agent_running: true when the recorded pid is still this workspace's agent.
agent_running() {
  local pid cmdline
  [[ -f "${pidfile}" ]] || return 1
  pid=$(<"${pidfile}")
  cmdline=$(tr '\0' ' ' <"/proc/${pid}/cmdline" 2>/dev/null) || return 1
  [[ "${cmdline}" == "${CODER_BIN} agent "* ]]
}

stop_agent() {
  local pid deadline
  if agent_running; then
    pid=$(<"${pidfile}")
    kill -TERM "${pid}"
    deadline=$((SECONDS + 60))
    while agent_running && ((SECONDS < deadline)); do sleep 0.2; done
    agent_running && kill -KILL "${pid}"
  fi
  rm -f -- "${pidfile}"
}

start_agent() {
  local uid gid var
  local -a env
  # A rebuild brings a new agent token: the old agent goes, as a recreated container's would.
  stop_agent
  uid=$(id -u "${WORKSPACE_USER}") || die "no user ${WORKSPACE_USER}: run tools/coder.sh up"
  gid=$(id -g "${WORKSPACE_USER}")
  install -d -o "${uid}" -g "${gid}" -m 0755 "${home}" "${logs}" "${logs}/script-data"
  env=(
    HOME="${home}" USER="${WORKSPACE_USER}" LOGNAME="${WORKSPACE_USER}" SHELL=/bin/bash
    PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8
    CODER_AGENT_AUTH=token CODER_AGENT_TOKEN="${CODER_AGENT_TOKEN:?}" CODER_AGENT_URL="${CODER_AGENT_URL:?}"
    CODER_AGENT_LOG_DIR="${logs}" CODER_AGENT_SCRIPT_DATA_DIR="${logs}/script-data"
    CODER_AGENT_DEVCONTAINERS_ENABLE=false
    CODER_AGENT_PPROF_ADDRESS=127.0.0.1:0 CODER_AGENT_PROMETHEUS_ADDRESS=127.0.0.1:0
    CODER_AGENT_DEBUG_ADDRESS=127.0.0.1:0
    # Coder >= 2.36: the agent's socket (the coder MCP server reports task status through it) is
    # /tmp/coder-agent.sock unless set; each container has its own /tmp, workspaces here do not.
    CODER_AGENT_SOCKET_PATH="${logs}/agent.sock"
  )
  # An image carries the machine's trust store settings (npm needs them behind a TLS proxy).
  for var in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE GIT_SSL_CAINFO REQUESTS_CA_BUNDLE; do
    [[ -n "${!var:-}" ]] && env+=("${var}=${!var}")
  done
  (
    cd "${home}"
    exec setsid env -i "${env[@]}" setpriv --reuid="${uid}" --regid="${gid}" --init-groups \
      "${CODER_BIN}" agent </dev/null >>"${logs}/agent.out" 2>&1
  ) &
  echo $! >"${pidfile}"
}

case "${1:-}" in
  start) start_agent ;;
  stop) stop_agent ;;
  *) die "usage: compute.sh start|stop" ;;
esac
