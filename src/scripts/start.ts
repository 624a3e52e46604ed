// The start script: install Claude Code and AgentAPI, configure Claude, start
// AgentAPI with Claude in the work dir, and wait until it answers.

import {
  atomicWrite,
  b64d,
  die,
  download,
  fn,
  log,
  needCmd,
  plainVersion,
  retry,
  sha256Of,
  versionOf,
  warn,
} from "../lib.ts";
import { step, type ScriptDef } from "../script.ts";
import { sh } from "../sh.ts";

/** note KEY VALUE: one line for the start-up summary. */
const note = fn(
  "note",
  [],
  sh`
    printf '%-14s %s\\n' "$1:" "$2" >>"\${SUMMARY_FILE}"
  `,
);

/** run_logged LOG FUNCTION: runs a step with its output shown and appended to ~/.claude-module/LOG. */
const runLogged = fn(
  "run_logged",
  [],
  sh`
    LOG_FILE="\${MODULE_DIR}/$1"
    shift
    "$@" 2>&1 | tee -a "\${LOG_FILE}"
  `,
);

/** link_on_path BINARY: makes BINARY available as "claude" in every workspace terminal. */
const linkOnPath = fn(
  "link_on_path",
  [warn],
  sh`
    local target
    target=$(readlink -f "$1")
    if [[ -z "\${CODER_SCRIPT_BIN_DIR:-}" ]]; then
      warn "CODER_SCRIPT_BIN_DIR is not set (not run by a Coder agent?); claude is at \${target}"
      return 0
    fi
    mkdir -p "\${CODER_SCRIPT_BIN_DIR}"
    # -f and -n replace an existing or dangling link in one step.
    ln -sfn "\${target}" "\${CODER_SCRIPT_BIN_DIR}/claude"
  `,
);

const prepare = step(
  "prepare",
  "Creates the module's own directories and the work dir.",
  [log],
  sh`
    mkdir -p "\${MODULE_DIR}" "\${BIN_DIR}" "\${MODULE_DIR}/mcp"
    chmod 0700 "\${MODULE_DIR}"
    : >"\${SUMMARY_FILE}"
    if [[ ! -d "\${WORKDIR}" ]]; then
      log "creating work dir \${WORKDIR}"
      mkdir -p -- "\${WORKDIR}"
    fi
  `,
);

const installClaude = step(
  "install_claude",
  "Installs Claude Code (npm for a pinned version, the official installer for latest), unless the right one is there.",
  [log, die, needCmd, retry, download, plainVersion, versionOf, linkOnPath, note],
  sh`
    local want have installer prefix
    want=$(plain_version "\${ARG_CLAUDE_CODE_VERSION}")
    have=""
    if [[ -x "\${BIN_DIR}/claude" ]]; then
      have=$(version_of "\${BIN_DIR}/claude")
    fi

    if [[ "\${ARG_INSTALL_CLAUDE_CODE}" == false ]]; then
      if [[ -z "\${have}" ]]; then
        local found
        found=$(command -v claude) || die "install_claude_code is false and no claude binary is on PATH"
        ln -sfn "\${found}" "\${BIN_DIR}/claude"
        have=$(version_of "\${BIN_DIR}/claude")
        [[ -n "\${have}" ]] || die "\${found} does not run: 'claude --version' failed"
      fi
      log "using existing Claude Code \${have}"
      note "claude" "\${have} (existing binary)"
    elif [[ -n "\${have}" && ( "\${want}" == latest || "\${want}" == "\${have}" ) ]]; then
      log "Claude Code \${have} is already installed; nothing to install"
      note "claude" "\${have} (already installed)"
    elif [[ "\${want}" == latest ]]; then
      log "installing the latest Claude Code with the official installer"
      installer=$(mktemp "\${MODULE_DIR}/claude-installer.XXXXXX")
      download "\${ARG_CLAUDE_INSTALLER_URL}" "\${installer}"
      if ! bash "\${installer}" latest; then
        rm -f "\${installer}"
        die "the official Claude Code installer failed"
      fi
      rm -f "\${installer}"
      [[ -x "\${HOME}/.local/bin/claude" ]] || die "the installer finished but \${HOME}/.local/bin/claude is missing"
      ln -sfn "\${HOME}/.local/bin/claude" "\${BIN_DIR}/claude"
      have=$(version_of "\${BIN_DIR}/claude")
      [[ -n "\${have}" ]] || die "the installed claude does not run: 'claude --version' failed"
      log "installed Claude Code \${have}"
      note "claude" "\${have} (official installer)"
    else
      need_cmd npm "a pinned claude_code_version is installed from npm"
      prefix="\${MODULE_DIR}/npm"
      log "installing Claude Code \${want} from npm into \${prefix}"
      retry "npm install of @anthropic-ai/claude-code@\${want} failed" 3 2 \\
        npm install --global --prefix "\${prefix}" --no-audit --no-fund --loglevel=error \\
        "@anthropic-ai/claude-code@\${want}"
      ln -sfn "\${prefix}/bin/claude" "\${BIN_DIR}/claude"
      have=$(version_of "\${BIN_DIR}/claude")
      [[ "\${have}" == "\${want}" ]] || die "installed Claude Code reports version '\${have}', expected \${want}"
      log "installed Claude Code \${have}"
      note "claude" "\${have} (npm)"
    fi
    link_on_path "\${BIN_DIR}/claude"
  `,
);

const installAgentapi = step(
  "install_agentapi",
  "Installs AgentAPI from its release URL, verified by checksum (when given) and by the version it reports.",
  [log, die, download, plainVersion, versionOf, note],
  sh`
    local want have machine arch asset url new
    want=$(plain_version "\${ARG_AGENTAPI_VERSION}")
    have=""
    if [[ -x "\${BIN_DIR}/agentapi" ]]; then
      have=$(version_of "\${BIN_DIR}/agentapi")
    fi

    if [[ "\${ARG_INSTALL_AGENTAPI}" == false ]]; then
      if [[ -z "\${have}" ]]; then
        local found
        found=$(command -v agentapi) || die "install_agentapi is false and no agentapi binary is on PATH"
        ln -sfn "\${found}" "\${BIN_DIR}/agentapi"
        have=$(version_of "\${BIN_DIR}/agentapi")
      fi
      log "using existing AgentAPI \${have:-(version unknown)}"
      note "agentapi" "\${have:-unknown} (existing binary)"
      return 0
    fi
    if [[ -n "\${have}" && ( "\${want}" == latest || "\${want}" == "\${have}" ) ]]; then
      log "AgentAPI \${have} is already installed; nothing to install"
      note "agentapi" "\${have} (already installed)"
      return 0
    fi

    machine=$(uname -m)
    case "\${machine}" in
      x86_64 | amd64) arch=amd64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *) die "AgentAPI has no release for CPU architecture \${machine}" ;;
    esac
    asset="agentapi-linux-\${arch}"
    if [[ "\${want}" == latest ]]; then
      url="\${ARG_AGENTAPI_RELEASES_URL}/latest/download/\${asset}"
    else
      url="\${ARG_AGENTAPI_RELEASES_URL}/download/v\${want}/\${asset}"
    fi
    log "downloading AgentAPI from \${url}"
    new="\${BIN_DIR}/agentapi.new"
    download "\${url}" "\${new}" "\${ARG_AGENTAPI_SHA256}"
    chmod 0755 "\${new}"
    have=$(version_of "\${new}")
    if [[ -z "\${have}" || ( "\${want}" != latest && "\${have}" != "\${want}" ) ]]; then
      rm -f "\${new}"
      die "the downloaded AgentAPI reports version '\${have}', expected \${want} (\${url})"
    fi
    mv -f "\${new}" "\${BIN_DIR}/agentapi"
    log "installed AgentAPI \${have}"
    note "agentapi" "\${have} (downloaded)"
  `,
);

const seedClaudeConfig = step(
  "seed_claude_config",
  "Marks onboarding done and the work dir trusted in ~/.claude.json (merged, never overwritten), so Claude starts without questions.",
  [log, warn, needCmd, atomicWrite, note],
  sh`
    local file="\${HOME}/.claude.json" target mode current updated normalized
    need_cmd jq "to update ~/.claude.json; install the jq package in the workspace image"
    # Write through a symlink (e.g. to a persistent volume) instead of replacing it.
    target=$(readlink -f "\${file}")
    current="{}"
    mode=600
    if [[ -e "\${target}" ]]; then
      current=$(<"\${target}")
      mode=$(stat -c %a "\${target}")
    fi
    if ! updated=$(jq --arg dir "\${WORKDIR}" '
      .hasCompletedOnboarding = true
      | .projects[$dir] = ((.projects[$dir] // {}) + {hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true})
    ' <<<"\${current}" 2>/dev/null); then
      warn "\${file} is not valid JSON; left it untouched, so Claude may ask its first-run questions"
      note "claude.json" "malformed, left untouched"
      return 0
    fi
    normalized=$(jq . <<<"\${current}")
    if [[ "\${updated}" == "\${normalized}" ]]; then
      note "claude.json" "already set up"
      return 0
    fi
    printf '%s\\n' "\${updated}" | atomic_write "\${target}" "\${mode}"
    log "marked onboarding done and \${WORKDIR} trusted in \${file}"
    note "claude.json" "onboarding and work dir trust set"
  `,
);

const configureMcp = step(
  "configure_mcp",
  "Reconciles the template's MCP servers with Claude's config in the work dir; a rejected server is skipped and reported.",
  [log, warn, b64d, sha256Of, atomicWrite, note],
  sh`
    local state_dir="\${MODULE_DIR}/mcp" name_b64 json_b64 name json key want out
    local added=0 unchanged=0 skipped=0 removed=0 skipped_names=""
    local -A keep=()
    cd -- "\${WORKDIR}"
    while read -r name_b64 json_b64; do
      [[ -n "\${name_b64}" ]] || continue
      name=$(b64d "\${name_b64}")
      json=$(b64d "\${json_b64}")
      key=$(sha256_of "\${WORKDIR}/\${name}")
      keep["\${key}"]=1
      want=$(sha256_of "\${json}")
      if [[ -f "\${state_dir}/\${key}" && "$(<"\${state_dir}/\${key}")" == "\${want} \${name_b64}" ]]; then
        unchanged=$((unchanged + 1))
        continue
      fi
      # A changed definition replaces the old one; add-json refuses an existing name.
      "\${BIN_DIR}/claude" mcp remove --scope local "\${name}" >/dev/null 2>&1 || true
      # Claude's messages can echo the definition (and its secrets), so only its exit status is used.
      if out=$("\${BIN_DIR}/claude" mcp add-json --scope local "\${name}" "\${json}" 2>&1); then
        printf '%s %s' "\${want}" "\${name_b64}" | atomic_write "\${state_dir}/\${key}" 0600
        log "MCP server '\${name}' configured"
        added=$((added + 1))
      else
        rm -f "\${state_dir}/\${key}"
        warn "MCP server '\${name}' was rejected by Claude Code and skipped"
        skipped=$((skipped + 1))
        skipped_names+=" \${name}"
      fi
    done <<<"\${ARG_MCP_SERVERS}"
    unset out

    # Servers this module added earlier that the template no longer lists.
    local file entry
    for file in "\${state_dir}"/*; do
      [[ -f "\${file}" ]] || continue
      key=\${file##*/}
      [[ -z "\${keep[\${key}]:-}" ]] || continue
      entry=$(<"\${file}")
      name=$(b64d "\${entry#* }")
      "\${BIN_DIR}/claude" mcp remove --scope local "\${name}" >/dev/null 2>&1 || true
      rm -f "\${file}"
      log "MCP server '\${name}' removed (no longer in the template)"
      removed=$((removed + 1))
    done
    note "mcp" "\${added} added, \${unchanged} unchanged, \${removed} removed, \${skipped} skipped\${skipped_names:+ (\${skipped_names# })}"
  `,
);

const startAgentapi = step(
  "start_agentapi",
  "Starts AgentAPI with Claude in the work dir, detached from this script.",
  [log, die, note],
  sh`
    local pid args=()
    if [[ -f "\${PID_FILE}" ]]; then
      pid=$(<"\${PID_FILE}")
      if [[ "\${pid}" =~ ^[0-9]+$ ]] && kill -0 "\${pid}" 2>/dev/null; then
        log "AgentAPI is already running (pid \${pid}); leaving it as it is"
        note "agentapi" "already running (pid \${pid})"
        return 0
      fi
      rm -f "\${PID_FILE}"
    fi

    if [[ "\${ARG_SUBDOMAIN}" == false ]]; then
      # The path-based app URL uses the agent's name, which only the agent knows.
      [[ -n "\${CODER_WORKSPACE_AGENT_NAME:-}" ]] ||
        die "CODER_WORKSPACE_AGENT_NAME is not set, so the path-based chat URL cannot be built; run under a Coder agent or set subdomain = true"
      export AGENTAPI_CHAT_BASE_PATH="/@\${ARG_WORKSPACE_OWNER}/\${ARG_WORKSPACE_NAME}.\${CODER_WORKSPACE_AGENT_NAME}/apps/\${ARG_APP_SLUG}/chat"
      log "chat base path: \${AGENTAPI_CHAT_BASE_PATH}"
    fi
    # Coder's app proxy forwards requests with the deployment's Host header.
    export AGENTAPI_ALLOWED_HOSTS="*"

    if [[ -n "\${ARG_AI_PROMPT}" ]]; then
      args+=(-- "\${ARG_AI_PROMPT}")
    fi
    cd -- "\${WORKDIR}"
    log "starting AgentAPI on port \${ARG_AGENTAPI_PORT} in \${WORKDIR}"
    setsid "\${BIN_DIR}/agentapi" server --type claude --port "\${ARG_AGENTAPI_PORT}" \\
      --term-width 67 --term-height 1190 \\
      -- "\${BIN_DIR}/claude" "\${args[@]}" >>"\${LOG_FILE}" 2>&1 </dev/null &
    # setsid execs in place (a background job is no group leader), so $! is AgentAPI itself.
    printf '%s' "$!" >"\${PID_FILE}"
  `,
);

const waitReady = step(
  "wait_ready",
  "Waits, bounded, until AgentAPI answers on /status.",
  [log, die, needCmd, note],
  sh`
    local url="http://127.0.0.1:\${ARG_AGENTAPI_PORT}/status" deadline pid
    need_cmd curl "to check that AgentAPI is up"
    deadline=$((SECONDS + READY_TIMEOUT))
    pid=$(<"\${PID_FILE}")
    until curl --silent --fail --max-time 2 --output /dev/null "\${url}"; do
      kill -0 "\${pid}" 2>/dev/null || die "AgentAPI exited during start-up"
      ((SECONDS < deadline)) || die "AgentAPI did not answer on \${url} within \${READY_TIMEOUT}s"
      sleep 0.2
    done
    log "AgentAPI is ready on port \${ARG_AGENTAPI_PORT}"
    note "listening" "http://127.0.0.1:\${ARG_AGENTAPI_PORT}"
  `,
);

const summary = step(
  "summary",
  "Prints what this start did, and keeps it in ~/.claude-module/summary.txt.",
  [log],
  sh`
    log "summary:"
    while IFS= read -r line; do
      log "  \${line}"
    done <"\${SUMMARY_FILE}"
  `,
);

export const start: ScriptDef = {
  name: "start",
  doc: "Installs Claude Code and AgentAPI, configures Claude, and starts it behind AgentAPI.",
  uses: [runLogged],
  globals: sh`
    MODULE_DIR="\${HOME}/.claude-module"
    BIN_DIR="\${MODULE_DIR}/bin"
    PID_FILE="\${MODULE_DIR}/agentapi.pid"
    SUMMARY_FILE="\${MODULE_DIR}/summary.txt"
    READY_TIMEOUT=60
    # A leading ~ or $HOME in workdir means the workspace user's home.
    WORKDIR=\${ARG_WORKDIR%/}
    case "\${WORKDIR}" in
      \\~) WORKDIR=\${HOME} ;;
      \\~/*) WORKDIR=\${HOME}/\${WORKDIR#\\~/} ;;
      \\$HOME) WORKDIR=\${HOME} ;;
      \\$HOME/*) WORKDIR=\${HOME}/\${WORKDIR#\\$HOME/} ;;
      *) ;;
    esac
    LOG_FILE=""
  `,
  steps: [prepare, installClaude, installAgentapi, seedClaudeConfig, configureMcp, startAgentapi, waitReady, summary],
  main: sh`
    step_prepare
    run_logged install.log step_install_claude
    run_logged install.log step_install_agentapi
    run_logged install.log step_seed_claude_config
    run_logged install.log step_configure_mcp
    run_logged agentapi-start.log step_start_agentapi
    run_logged agentapi-start.log step_wait_ready
    LOG_FILE=""
    step_summary
  `,
};
