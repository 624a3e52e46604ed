# shellcheck shell=bash
# The start script's globals, set right after its arguments are read (src/synth.ts puts this
# text, without its shellcheck directives, before the call of main).
# shellcheck disable=SC2034 # read by the functions in src/sh/
# shellcheck disable=SC2154 # ARG_* come from the generated prologue

# What every instance of the module in a workspace shares: the installs (under one start lock) and
# what is kept per work dir or per Claude session.
MODULE_DIR="${HOME}/.claude-module"
BIN_DIR="${MODULE_DIR}/bin"
# What is this instance's own (app_slug): its pid, logs, summary, scripts, status relay and the
# files that find those beside themselves (INSTANCE_BIN). For app_slug "ccw" it is MODULE_DIR.
INSTANCE_DIR="${HOME}/${ARG_INSTANCE_DIR}"
INSTANCE_BIN="${INSTANCE_DIR}/bin"
PID_FILE="${INSTANCE_DIR}/agentapi.pid"
# session_app = "tmux": the socket of the instance's own tmux server, which holds Claude's session.
TMUX_SOCKET="${INSTANCE_DIR}/tmux.sock"
SUMMARY_FILE="${INSTANCE_DIR}/summary.txt"
# boundary's policy, state and logs: instances may differ in their allowlists.
BOUNDARY_DIR="${INSTANCE_DIR}/boundary"
READY_TIMEOUT=60
# A cold start (installs, pre_install_script) can take minutes; a second start waits this long.
START_LOCK_TIMEOUT=300
# Claude holds its lock on ~/.claude.json for milliseconds: one untouched for 2s was left by a Claude
# killed while writing (a workspace stop); Claude's own limit, 10s, would slow the next start.
CLAUDE_JSON_LOCK_TIMEOUT=15
CLAUDE_JSON_LOCK_STALE=2
# A leading ~ or $HOME in workdir means the workspace user's home.
expand_home "${ARG_WORKDIR%/}"
WORKDIR=${EXPANDED}
# The work dir's name in what is kept per work dir (mcp/, mcp-checked/, mcp-project/, sessions/):
# worked out once here, where every step inherits it, instead of by each step.
workdir_key
LOG_FILE=""
LOG_TEE_FILE=""
# The script's own files are private (umask 077); what is the user's (a new work dir, Claude and what
# it writes, the install hooks) gets the umask the agent gave the launcher.
USER_UMASK=${CLAUDE_MODULE_UMASK:-022}
[[ "${USER_UMASK}" =~ ^[0-7]{1,4}$ ]] || USER_UMASK=022
unset CLAUDE_MODULE_UMASK
# The remote MCP configs' URLs may carry tokens: kept in the script, out of the environment that
# AgentAPI, Claude and its MCP servers inherit.
MCP_CONFIG_URLS_B64=${CLAUDE_MODULE_MCP_CONFIG_URLS:-}
unset CLAUDE_MODULE_MCP_CONFIG_URLS
# Task mode: the coder MCP server that Claude starts offers only the status tool.
if [[ "${ARG_REPORT_TASKS}" == true ]]; then
  export CODER_MCP_ALLOWED_TOOLS=coder_report_task
fi
# managed_settings and api_key_helper may hold secrets, so they come base64-encoded through
# coder_env; read once here, and kept out of the environment AgentAPI, Claude and its tools inherit.
MANAGED_SETTINGS=${CLAUDE_MODULE_MANAGED_SETTINGS:-}
API_KEY_HELPER=${CLAUDE_MODULE_API_KEY_HELPER:-}
unset CLAUDE_MODULE_MANAGED_SETTINGS CLAUDE_MODULE_API_KEY_HELPER
# Upstream writes 10-coder.json; a name of its own keeps the module off files it did not write.
MANAGED_SETTINGS_FILE=/etc/claude-code/managed-settings.d/50-claude-code-module.json
# A template's clone of a large repository can take a while; `coder exp sync start` waits this long.
SYNC_TIMEOUT=30m
