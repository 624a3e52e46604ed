# shellcheck shell=bash
# Boundary: Claude Code (and everything it starts) may only reach the hosts of an allowlist.
# Installed from one of three sources, configured, and checked with a trivial jailed command before
# Claude starts. When the check fails, Claude is not started unless the template opted into running
# unfiltered.
#
# Steps (step_*) run in subshells (run_logged pipes them) and talk to each other only through
# files under ~/.claude-module; each script's step order is in src/scripts/<script>.ts.
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files
# shellcheck disable=SC2312 # the scripts run under set -Eeuo pipefail, so a pipeline's failure is not masked

# step_setup_boundary: Installs and configures boundary and proves it can jail a command; Claude is launched through it.
step_setup_boundary() {
  [[ -d "${BOUNDARY_DIR}/logs" ]] || mkdir -p -- "${BOUNDARY_DIR}/logs"
  rm -f "${BOUNDARY_DIR}/state"
  boundary_shim
  find "${BOUNDARY_DIR}/logs" -name 'boundary-*.log' -mtime +7 -delete
  case "${ARG_BOUNDARY_MODE}" in
    coder) boundary_from_coder ;;
    release) boundary_from_release ;;
    source) boundary_from_source ;;
    *) die "unknown boundary mode '${ARG_BOUNDARY_MODE}' (the module and its scripts are out of sync)" ;;
  esac
  boundary_rules
  boundary_write
  boundary_requirements "${BOUNDARY_JAIL_TYPE}"
  boundary_preflight
  printf 'filtered\n' >"${BOUNDARY_DIR}/state"
  note "boundary" "${BOUNDARY_FROM}, ${BOUNDARY_JAIL}, ${#BOUNDARY_RULES[@]} module rules"
}

# boundary_off: takes back what a start with boundary on left (its state, wrapper, command and
# config). In the main shell, and with no process when there is nothing to take back.
boundary_off() {
  local file
  for file in "${BOUNDARY_DIR}/state" "${INSTANCE_BIN}/boundary-run" "${BOUNDARY_DIR}/command" "${BOUNDARY_DIR}/config.yaml"; do
    if [[ -e "${file}" || -L "${file}" ]]; then
      rm -f -- "${file}"
    fi
  done
  note "boundary" "off"
}

# boundary_gate CMD...: runs the boundary set-up step (with boundary off, only boundary_off). When it
# fails, the start fails and Claude is not started, unless boundary_fail_open: then Claude starts
# unfiltered, loudly.
boundary_gate() {
  local rc=0
  if [[ "${ARG_ENABLE_BOUNDARY}" == false ]]; then
    boundary_off
    return 0
  fi
  # A background job keeps errexit active inside the step; a condition (|| or if) would turn it off.
  # Its run_logged finds boundary.log's tee open here, in the shell that closes it.
  log_to boundary.log
  "$@" &
  wait "$!" || rc=$?
  ((rc != 0)) || return 0
  log_close
  LOG_FILE="${INSTANCE_DIR}/boundary.log"
  [[ "${ARG_BOUNDARY_FAIL_OPEN}" == true ]] ||
    die "Claude Code was not started because boundary cannot start (cause and fix above). To start Claude Code without network filtering instead, set boundary_fail_open = true."
  {
    warn "################################################################"
    warn "boundary cannot start (cause above) and boundary_fail_open = true:"
    warn "Claude Code runs WITHOUT NETWORK FILTERING and can reach any host."
    warn "################################################################"
  } 2>&1 | tee -a "${LOG_FILE}" >&2
  [[ -d "${BOUNDARY_DIR}" ]] || mkdir -p -- "${BOUNDARY_DIR}"
  printf 'unfiltered\n' >"${BOUNDARY_DIR}/state"
  # Terminals get the plain claude again instead of the boundary shim.
  if [[ -n "${CODER_SCRIPT_BIN_DIR:-}" ]]; then
    link_as "${CODER_SCRIPT_BIN_DIR}/claude" "${BIN_DIR}/claude"
  fi
  note "boundary" "FAILED: Claude Code runs UNFILTERED (boundary_fail_open)"
}

# boundary_shim: `claude` in every terminal goes through boundary-run from now on, so it
# fails closed, like the chat's Claude, until boundary works.
boundary_shim() {
  local first head
  if [[ -z "${CODER_SCRIPT_BIN_DIR:-}" ]]; then
    warn "CODER_SCRIPT_BIN_DIR is not set (not run by a Coder agent?); terminals get no boundary wrapper for claude"
    return 0
  fi
  [[ -d "${CODER_SCRIPT_BIN_DIR}" ]] || mkdir -p -- "${CODER_SCRIPT_BIN_DIR}"
  # Its first lines say what it runs; the rest is src/sh/files/claude-shim.sh.
  printf -v head '%s\n%s\nwrapper=%q\nclaude=%q\n' '#!/usr/bin/env bash' \
    '# claude from a terminal runs inside boundary, like the chat (written by the claude-code module).' \
    "${INSTANCE_BIN}/boundary-run" "${BIN_DIR}/claude"
  claude_shim_text
  write_text "${CODER_SCRIPT_BIN_DIR}/claude" 0755 "${head}${FILE_TEXT}"
  first=$(type -P claude || true)
  if [[ -n "${first}" && "${first}" != "${CODER_SCRIPT_BIN_DIR}/claude" ]]; then
    warn "${first} comes before ${CODER_SCRIPT_BIN_DIR}/claude on PATH, so 'claude' in a terminal with this PATH runs outside boundary; take it off PATH or put ${CODER_SCRIPT_BIN_DIR} first"
  fi
}

# boundary_requirements JAIL: checks what nsjail needs before running it, since boundary leaves
# network changes behind when nsjail fails half-way. landjail needs only the kernel; the
# preflight proves that.
boundary_requirements() {
  local cmd
  local -a missing=()
  [[ "$1" == nsjail ]] || return 0
  for cmd in ip iptables sysctl; do
    type -P "${cmd}" >/dev/null || missing+=("${cmd}")
  done
  if ((EUID != 0)); then
    # boundary re-executes itself through sudo and setpriv to gain CAP_NET_ADMIN.
    for cmd in sudo setpriv; do
      type -P "${cmd}" >/dev/null || missing+=("${cmd}")
    done
  fi
  if ((${#missing[@]} > 0)); then
    die "boundary cannot start: nsjail (the jail type in use) needs ${missing[*]} on PATH. Fix: install them in the workspace image (ip: iproute2, sysctl: procps, setpriv: util-linux), or set boundary_jail_type = \"landjail\" (Linux 6.7+)"
  fi
  if ((EUID != 0)) && ! sudo -n true 2>/dev/null; then
    die "boundary cannot start: nsjail needs root or passwordless sudo (to gain CAP_NET_ADMIN), and ${USER:-this user} has neither. Fix: allow passwordless sudo for this user, or set boundary_jail_type = \"landjail\" (Linux 6.7+)"
  fi
}

# boundary_preflight: runs a trivial command through the wrapper, exactly as Claude will be run,
# and requires proof that it ran isolated. Sets BOUNDARY_JAIL.
boundary_preflight() {
  local probe_out="${BOUNDARY_DIR}/preflight.out" err="${BOUNDARY_DIR}/preflight.err" rc=0 outside inside ca connect proxy why others probe
  local host=claude-module-preflight.invalid
  need_cmd timeout "to bound boundary's start-up check"
  need_cmd curl "to check boundary's proxy from inside the jail"
  rm -rf "${BOUNDARY_DIR}/preflight-logs"
  outside=$(readlink /proc/self/ns/net)
  others=0
  if [[ "${BOUNDARY_JAIL_TYPE}" == nsjail ]] && ip -o link show | grep -q ': veth_h_'; then
    others=1
  fi
  log "checking that boundary starts: running a trivial command inside it"
  # The probe runs in the jail: it proves it runs there (marker), reports what isolates it, and that
  # the proxy answers for $1, a host no policy lists: boundary's proxy must answer it (403) from
  # inside the jail. The address is reserved for documentation and never routed; inside the jail it
  # only leads to the proxy. It is shell code for the jailed bash ($0 stays bash's path, as in its
  # messages without arguments); nothing in it expands here.
  IFS= read -r -d '' probe <<'PROBE' || true
printf 'boundary-preflight\n'
printf 'netns=%s\n' "$(readlink /proc/self/ns/net)"
printf 'ca=%s\n' "${SSL_CERT_FILE:-}"
if err=$( { exec 3<>/dev/tcp/127.0.0.1/9; } 2>&1 ); then printf 'connect=open\n'; else printf 'connect=%s\n' "${err//$'\n'/ }"; fi
printf 'proxy=%s\n' "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 --resolve "$1:80:192.0.2.1" "http://$1/")"
PROBE
  CLAUDE_MODULE_BOUNDARY_PREFLIGHT=1 CLAUDE_MODULE_BOUNDARY_LOG_DIR="${BOUNDARY_DIR}/preflight-logs" LC_ALL=C \
    timeout 60 "${INSTANCE_BIN}/boundary-run" "${BASH}" -c "${probe}" "${BASH}" "${host}" >"${probe_out}" 2>"${err}" </dev/null || rc=$?
  if ((rc == 124)); then
    die "boundary did not finish a trivial command within 60s; Claude Code is not started. Fix: read ${BOUNDARY_DIR}/preflight-logs"
  fi
  if ! grep -qx boundary-preflight "${probe_out}"; then
    cat "${err}" >&2
    why=$(boundary_diagnosis "${err}" "${BOUNDARY_DIR}"/preflight-logs/*.log)
    die "boundary cannot start: ${why}"
  fi
  inside=$(sed -n 's/^netns=//p' "${probe_out}")
  ca=$(sed -n 's/^ca=//p' "${probe_out}")
  connect=$(sed -n 's/^connect=//p' "${probe_out}")
  if [[ "${inside}" != "${outside}" ]]; then
    BOUNDARY_JAIL="nsjail (own network namespace)"
  elif [[ "${connect}" == *"Permission denied"* ]]; then
    BOUNDARY_JAIL="landjail (Landlock)"
  else
    die "boundary ran the check command without isolating it (same network namespace, direct connections allowed). Fix: set boundary_jail_type to nsjail or landjail explicitly and check the boundary version"
  fi
  [[ -n "${ca}" && -s "${ca}" ]] ||
    die "boundary ran the check command without its CA certificate (SSL_CERT_FILE=${ca:-unset}), so HTTPS from Claude would fail. Fix: check the boundary version"
  proxy=$(sed -n 's/^proxy=//p' "${probe_out}")
  case "${proxy}" in
    403) ;;
    "" | 000)
      if ((others)); then
        warn "another nsjail jail already runs in this network (AgentAPI's Claude from an earlier start?), so the proxy could not be checked"
      else
        die "boundary's proxy did not answer a request from inside the jail. With nsjail this happens when another nsjail runs in the same network (boundary gives every jail the same subnet): stop it, or set boundary_jail_type = \"landjail\". Logs: ${BOUNDARY_DIR}/preflight-logs"
      fi ;;
    *) warn "boundary let a request to ${host} through (HTTP ${proxy}): does the allowlist allow every host?" ;;
  esac
  log "boundary works: ${BOUNDARY_JAIL}, CA ${ca}, a host outside the allowlist got HTTP ${proxy:-no answer}"
}

# boundary_diagnosis FILE...: names the cause of a failed start, from boundary's stderr and
# logs (some failures reach only the logs), and its fix, for the jail type in use
# (BOUNDARY_JAIL_TYPE): the other jail type is offered as a way out, never the one that failed.
boundary_diagnosis() {
  local text detail cause fix other missing_re='exec: "([^"]+)": executable file not found'
  local file_re='(mkdir|open) ([^ :]+): permission denied'
  if [[ "${BOUNDARY_JAIL_TYPE}" == landjail ]]; then
    other='set boundary_jail_type = "nsjail"'
  else
    other='set boundary_jail_type = "landjail" (Linux 6.7+)'
  fi
  text=$(cat -- "$@" 2>/dev/null || true)
  detail=$(grep -h -m 1 -E '^(Error|error):|level=ERROR' -- "$@" 2>/dev/null | head -n 1 || true)
  if [[ "${text}" =~ ${missing_re} ]]; then
    cause="boundary needs the ${BASH_REMATCH[1]} command, which is not on PATH"
    fix="install it in the workspace image, or ${other}"
  elif [[ "${text,,}" =~ ${file_re} ]]; then
    cause="boundary cannot write ${BASH_REMATCH[2]} (permission denied)"
    fix="make that path writable for the workspace user"
  else
    case "${text,,}" in
      *"agpl deployment, so you cannot use"*)
        cause="the Coder deployment is an AGPL build, and 'coder boundary' needs an enterprise deployment with a Premium license"
        fix="set use_boundary_directly = true to download boundary ${ARG_BOUNDARY_VERSION} (no license needed)" ;;
      *"license is not entitled to use"* | *"feature is disabled in your deployment"*)
        cause="the deployment's license does not include boundary (agent-firewall), which 'coder boundary' checks"
        fix="add the feature to the license, or set use_boundary_directly = true to download boundary ${ARG_BOUNDARY_VERSION}" ;;
      *"failed to get entitlements"*)
        cause="the coder CLI could not ask the deployment for its license, which 'coder boundary' checks"
        fix="check that the workspace reaches the Coder deployment, or set use_boundary_directly = true" ;;
      *"not logged in"* | *"session token"* | *"unauthorized"*)
        cause="the coder CLI has no Coder session, which 'coder boundary' needs"
        fix="log the workspace's coder CLI in (coder login <access URL>), or set use_boundary_directly = true" ;;
      *"sudo not found"* | *"setpriv not found"* | *"a password is required"* | *"a terminal is required"*)
        cause="nsjail needs root, or passwordless sudo and setpriv to gain CAP_NET_ADMIN, and this user has neither"
        fix="allow passwordless sudo for the workspace user, or ${other}" ;;
      *"failed to parse allow"*)
        cause="an allow rule is invalid"
        fix="correct the rule in boundary_allowlist or in the boundary_config_path file" ;;
      *"reading yaml"* | *"decoding yaml"* | *"applying yaml"* | *"failed to parse cli config"*)
        cause="the boundary config file cannot be used"
        fix="correct the file given as boundary_config_path" ;;
      *landlock*)
        cause="the kernel cannot apply Landlock network rules (needs Linux 6.7 or later with Landlock enabled)"
        fix="use a newer kernel, or ${other}" ;;
      *"command failed to start"*"no space left on device"* | *"command failed to start"*"operation not permitted"*)
        cause="the jail's user namespace cannot be created: user namespaces are disabled or not allowed in this workspace"
        fix="allow user namespaces (sysctl user.max_user_namespaces > 0; a seccomp profile that permits them), or ${other}" ;;
      *"operation not permitted"* | *"permission denied"*)
        if [[ "${BOUNDARY_JAIL_TYPE}" == landjail ]]; then
          cause="the kernel refused to set up the landjail jail"
          fix="use Linux 6.7 or later with Landlock enabled and no seccomp profile that blocks it, or ${other}"
        else
          cause="the jail's network cannot be set up: CAP_NET_ADMIN is not available to this workspace"
          fix="grant CAP_NET_ADMIN to the workspace container (nsjail needs it, as root or through sudo), or ${other}"
        fi ;;
      *"address already in use"*)
        cause="the proxy port boundary picked is taken"
        fix="restart the workspace; if it persists, free ports from 10000 up to the start of net.ipv4.ip_local_port_range on 127.0.0.1" ;;
      *"unknown flag"* | *"unrecognized"*)
        cause="this boundary does not accept a flag the module passes (--config, --allow, --jail-type, --log-dir, --proxy-port)"
        fix="use boundary v0.8.0 or later" ;;
      *)
        cause="boundary did not run the check command"
        fix="read boundary's output above and its logs in ${BOUNDARY_DIR}/preflight-logs" ;;
    esac
  fi
  printf '%s%s. Fix: %s' "${cause}" "${detail:+ (${detail})}" "${fix}"
}
