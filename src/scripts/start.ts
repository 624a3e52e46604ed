// The start script: install Claude Code and AgentAPI, configure Claude, start
// AgentAPI with Claude in the work dir, and wait until it answers.

import type { ScriptDef } from "../script.ts";
import { sh } from "../sh.ts";
import { installAgentapi } from "../steps/agentapi-install.ts";
import { startAgentapi, waitReady } from "../steps/agentapi-run.ts";
import { seedClaudeConfig } from "../steps/claude-config.ts";
import { boundaryGate, setupBoundary } from "../steps/boundary.ts";
import { installClaude } from "../steps/claude-install.ts";
import { runLogged } from "../steps/common.ts";
import { configureMcp } from "../steps/mcp.ts";
import { prepare } from "../steps/prepare.ts";
import { summary } from "../steps/summary.ts";

export const start: ScriptDef = {
  name: "start",
  doc: "Installs Claude Code and AgentAPI, configures Claude, and starts it behind AgentAPI.",
  uses: [runLogged, boundaryGate],
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
  steps: [
    prepare,
    installClaude,
    installAgentapi,
    seedClaudeConfig,
    configureMcp,
    setupBoundary,
    startAgentapi,
    waitReady,
    summary,
  ],
  main: sh`
    step_prepare
    run_logged install.log step_install_claude
    run_logged install.log step_install_agentapi
    run_logged install.log step_seed_claude_config
    run_logged install.log step_configure_mcp
    boundary_gate run_logged boundary.log step_setup_boundary
    run_logged agentapi-start.log step_start_agentapi
    run_logged agentapi-start.log step_wait_ready
    LOG_FILE=""
    step_summary
  `,
};
