// The start script: install Claude Code and AgentAPI, configure Claude, start
// AgentAPI with Claude in the work dir, and wait until it answers.

import { expandHome } from "../lib.ts";
import type { ScriptDef } from "../script.ts";
import { sh } from "../sh.ts";
import { installAgentapi } from "../steps/agentapi-install.ts";
import { startAgentapi, waitReady } from "../steps/agentapi-run.ts";
import { seedClaudeConfig } from "../steps/claude-config.ts";
import { boundaryGate, setupBoundary } from "../steps/boundary.ts";
import { installClaude } from "../steps/claude-install.ts";
import { runLogged } from "../steps/common.ts";
import { postInstallHook, preInstallHook } from "../steps/hooks.ts";
import { configureMcp } from "../steps/mcp.ts";
import { checkTools, prepare } from "../steps/prepare.ts";
import { summary } from "../steps/summary.ts";
import { configureTasks } from "../steps/tasks.ts";

export const start: ScriptDef = {
  name: "start",
  doc: "Installs Claude Code and AgentAPI, configures Claude, and starts it behind AgentAPI.",
  uses: [runLogged, expandHome, boundaryGate],
  globals: sh`
    MODULE_DIR="\${HOME}/.claude-module"
    BIN_DIR="\${MODULE_DIR}/bin"
    PID_FILE="\${MODULE_DIR}/agentapi.pid"
    SUMMARY_FILE="\${MODULE_DIR}/summary.txt"
    READY_TIMEOUT=60
    # A cold start (installs, pre_install_script) can take minutes; a second start waits this long.
    START_LOCK_TIMEOUT=300
    # A leading ~ or $HOME in workdir means the workspace user's home ("x" keeps trailing newlines).
    WORKDIR=$(
      expand_home "\${ARG_WORKDIR%/}"
      printf x
    )
    WORKDIR=\${WORKDIR%x}
    LOG_FILE=""
    # Task mode: the coder MCP server that Claude starts offers only the status tool.
    if [[ "\${ARG_REPORT_TASKS}" == true ]]; then
      export CODER_MCP_ALLOWED_TOOLS=coder_report_task
    fi
  `,
  steps: [
    prepare,
    preInstallHook,
    installClaude,
    installAgentapi,
    postInstallHook,
    checkTools,
    seedClaudeConfig,
    configureMcp,
    configureTasks,
    setupBoundary,
    startAgentapi,
    waitReady,
    summary,
  ],
  main: sh`
    step_prepare
    if [[ -n "\${ARG_PRE_INSTALL_SCRIPT}" ]]; then
      run_logged pre_install.log step_pre_install_hook
    fi
    run_logged install.log step_install_claude
    run_logged install.log step_install_agentapi
    if [[ -n "\${ARG_POST_INSTALL_SCRIPT}" ]]; then
      run_logged post_install.log step_post_install_hook
    fi
    # Its one message is complete without a log (and a step without run_logged costs no processes).
    LOG_FILE=""
    step_check_tools
    run_logged install.log step_seed_claude_config
    run_logged install.log step_configure_mcp
    run_logged install.log step_configure_tasks
    boundary_gate run_logged boundary.log step_setup_boundary
    run_logged agentapi-start.log step_start_agentapi
    run_logged agentapi-start.log step_wait_ready
    LOG_FILE=""
    step_summary
  `,
};
