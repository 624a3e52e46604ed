# shellcheck shell=bash
# boundary's policy: the hosts Claude Code and its model backend need, the template's rules, and
# the files the boundary-run wrapper reads (config, command line, jail type).
# shellcheck disable=SC2154 # globals come from outside this file: ARG_* from the generated prologue, MODULE_DIR and the like from src/scripts/*-globals.sh, results from helpers in other files
# shellcheck disable=SC2312 # the scripts run under set -Eeuo pipefail, so a pipeline's failure is not masked

# boundary_rules: fills BOUNDARY_RULES with the module's rules: what Claude Code needs, the
# Coder deployment, the model backend Claude is configured for, and the template's rules.
boundary_rules() {
  local host region rule
  BOUNDARY_RULES=()
  claude_code_hosts
  for host in "${CLAUDE_CODE_HOSTS[@]}"; do
    allow_host "${host}" "Claude Code"
  done
  if [[ -n "${ARG_BOUNDARY_CODER_HOST}" ]]; then
    allow_host "${ARG_BOUNDARY_CODER_HOST}" "the Coder deployment"
  else
    warn "the Coder deployment's host is not a plain host name; add a rule for it with boundary_allowlist"
  fi
  allow_url_host "${ANTHROPIC_BASE_URL:-}" ANTHROPIC_BASE_URL
  # shellcheck disable=SC2310 # env_flag_on is a test: its status is the answer
  if env_flag_on CLAUDE_CODE_USE_BEDROCK; then
    region=${AWS_REGION:-${AWS_DEFAULT_REGION:-}}
    if [[ ! "${region}" =~ ^[a-z0-9-]+$ ]]; then
      warn "AWS_REGION is not set; allowing Bedrock in every region"
      region="*"
    fi
    for host in "bedrock-runtime.${region}.amazonaws.com" "bedrock.${region}.amazonaws.com" \
      "sts.${region}.amazonaws.com" sts.amazonaws.com; do
      allow_host "${host}" "Amazon Bedrock"
    done
    allow_url_host "${ANTHROPIC_BEDROCK_BASE_URL:-}" ANTHROPIC_BEDROCK_BASE_URL
  fi
  # shellcheck disable=SC2310 # env_flag_on is a test: its status is the answer
  if env_flag_on CLAUDE_CODE_USE_VERTEX; then
    region=${CLOUD_ML_REGION:-}
    if [[ "${region}" =~ ^[a-z0-9-]+$ && "${region}" != global ]]; then
      allow_host "${region}-aiplatform.googleapis.com" "Google Vertex AI"
    fi
    allow_host aiplatform.googleapis.com "Google Vertex AI"
    allow_host oauth2.googleapis.com "Google Vertex AI sign-in"
    allow_url_host "${ANTHROPIC_VERTEX_BASE_URL:-}" ANTHROPIC_VERTEX_BASE_URL
  fi
  if [[ -z "${ARG_BOUNDARY_CONFIG_PATH}" ]]; then
    while IFS= read -r rule; do
      if [[ -n "${rule}" ]]; then
        BOUNDARY_RULES+=("${rule}")
      fi
    done <<<"${ARG_BOUNDARY_ALLOWLIST}"
  fi
}

# claude_code_hosts: sets CLAUDE_CODE_HOSTS to the hosts Claude Code needs to work (checked against
# Claude Code 2.1): the API, sign-in, remote MCP connectors, feature flags and its error and usage
# reporting. boundary's domain= matches the exact host; *. matches subdomains only. The README's
# egress table lists the same hosts (test/unit/egress.test.ts).
claude_code_hosts() {
  CLAUDE_CODE_HOSTS=(api.anthropic.com statsig.anthropic.com mcp-proxy.anthropic.com claude.ai claude.com
    platform.claude.com '*.ingest.us.sentry.io' http-intake.logs.us5.datadoghq.com)
}

# allow_host HOST WHY: adds domain=HOST to BOUNDARY_RULES once.
allow_host() {
  local rule="domain=$1" existing
  for existing in "${BOUNDARY_RULES[@]}"; do
    [[ "${existing}" != "${rule}" ]] || return 0
  done
  BOUNDARY_RULES+=("${rule}")
  log "allowing $1 ($2)"
}

# allow_url_host URL NAME: allows the host of URL (from the variable NAME), when set.
allow_url_host() {
  local host
  [[ -n "$1" ]] || return 0
  host=$(url_host "$1")
  if [[ -n "${host}" ]]; then
    allow_host "${host}" "$2"
  else
    warn "cannot allow the host of $2: it is not a plain host name; add a rule for it with boundary_allowlist"
  fi
}

# url_host URL: the host name of URL (no scheme, credentials, port or path), or nothing.
url_host() {
  local host=${1#*://}
  host=${host%%[/?#]*}
  host=${host##*@}
  host=${host%:*}
  if [[ "${host}" =~ ^[A-Za-z0-9.-]+$ ]]; then
    printf '%s' "${host}"
  fi
}

# boundary_write: the policy (generated config.yaml, or the template's file plus the module's
# rules), the boundary command line, the jail type in use, and the boundary-run wrapper.
boundary_write() {
  local rule config jail=${ARG_BOUNDARY_JAIL_TYPE} q="'"
  local -a cmd=("${BOUNDARY_CMD[@]}")
  case "${jail}" in
    "" | nsjail | landjail) ;;
    *) die "boundary_jail_type must be nsjail or landjail, not '${jail}'" ;;
  esac
  if [[ -n "${ARG_BOUNDARY_CONFIG_PATH}" ]]; then
    expand_home "${ARG_BOUNDARY_CONFIG_PATH}"
    config=${EXPANDED}
    [[ -f "${config}" && -r "${config}" ]] ||
      die "boundary_config_path ${config} does not exist or is not readable. Fix: create it in the image or a startup script before this module runs, or give the rules with boundary_allowlist"
    cmd+=(--config "${config}")
    for rule in "${BOUNDARY_RULES[@]}"; do
      cmd+=(--allow "${rule}")
    done
    log "policy: ${config} plus ${#BOUNDARY_RULES[@]} module rules"
  else
    config="${BOUNDARY_DIR}/config.yaml"
    {
      printf '%s\n' "# Written by the claude-code module on every start: change the module's inputs, not this file."
      printf 'allowlist:\n'
      for rule in "${BOUNDARY_RULES[@]}"; do
        # A single-quoted YAML scalar takes every character literally except ', written ''.
        printf "  - '%s'\n" "${rule//${q}/${q}${q}}"
      done
    } | atomic_write "${config}" 0600
    cmd+=(--config "${config}")
    log "policy: ${config} (${#BOUNDARY_RULES[@]} rules)"
  fi
  if [[ -n "${jail}" ]]; then
    cmd+=(--jail-type "${jail}")
  elif [[ -n "${ARG_BOUNDARY_CONFIG_PATH}" ]]; then
    jail=$(sed -n 's/^jail_type:[[:space:]]*//p' "${config}" | tr -dc '[:lower:]')
  fi
  BOUNDARY_JAIL_TYPE=${jail:-nsjail}
  write_text "${BOUNDARY_DIR}/jail" 0600 "${BOUNDARY_JAIL_TYPE}"$'\n'
  printf '%s\0' "${cmd[@]}" | atomic_write "${BOUNDARY_DIR}/command" 0600
  # With hooks alone nothing in the jail needs the agent's token: the relay outside sends the status.
  # Without an app nothing reports at all.
  if [[ "${ARG_STATUS_SOURCE}" == hooks || "${ARG_STATUS_SOURCE}" == off ]]; then
    write_text "${BOUNDARY_DIR}/unset" 0600 $'CODER_AGENT_TOKEN\n'
  else
    write_text "${BOUNDARY_DIR}/unset" 0600 ""
  fi
  boundary_run_text
  write_text "${INSTANCE_BIN}/boundary-run" 0755 "${FILE_TEXT}"
}
