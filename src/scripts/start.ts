// The start script: install Claude Code and AgentAPI, configure Claude, start AgentAPI with Claude
// in the work dir, and wait until it answers.
//
// The one step sequence: main runs these in order, and the script holds exactly these steps and
// the functions they reach. Each step is the bash function step_<step> in src/sh/. Steps run in
// subshells (run_logged pipes them) and talk to each other only through files under
// ~/.claude-module.

import type { ScriptDef } from "../script.ts";

export const start: ScriptDef<"start"> = {
  name: "start",
  doc: "Installs Claude Code and AgentAPI, configures Claude, and starts it behind AgentAPI.",
  globals: "start-globals.sh",
  steps: [
    { step: "prepare" },
    { step: "pre_install_hook", log: "pre_install.log", whenSet: "PRE_INSTALL_SCRIPT" },
    { step: "install_claude", log: "install.log" },
    { step: "install_agentapi", log: "install.log", whenIs: ["SESSION_APP", "agentapi"] },
    { step: "post_install_hook", log: "post_install.log", whenSet: "POST_INSTALL_SCRIPT" },
    {
      step: "check_tools",
      why: "Its one message is complete without a log (and a step without run_logged costs no processes).",
    },
    { step: "wait_for_scripts", log: "install.log", whenSet: "WAIT_FOR_SCRIPTS" },
    { step: "seed_claude_config", log: "install.log" },
    { step: "apply_managed_settings", log: "install.log" },
    { step: "configure_api_key_helper", log: "install.log" },
    { step: "configure_mcp", log: "install.log" },
    { step: "check_mcp", log: "install.log" },
    {
      step: "write_project_mcp",
      why: "Logs into install.log itself, and only when mcp_project_file is or was on: otherwise it costs no process.",
      quiet: true,
    },
    {
      step: "install_skills",
      why: "Logs into install.log itself, and only when skills is or was set: otherwise it costs no process.",
      quiet: true,
    },
    { step: "configure_tasks", log: "install.log" },
    { step: "setup_boundary", log: "boundary.log", gate: "boundary_gate" },
    { step: "start_status_relay", log: "install.log" },
    { step: "start_agentapi", log: "agentapi-start.log", whenIs: ["SESSION_APP", "agentapi"] },
    { step: "wait_ready", log: "agentapi-start.log", whenIs: ["SESSION_APP", "agentapi"] },
    { step: "start_tmux_session", log: "session.log", whenIs: ["SESSION_APP", "tmux"] },
    { step: "sync_complete", log: "install.log" },
    { step: "summary" },
  ],
};
