// The one typed contract between main.tf and the generated scripts.
//
// Every value a script receives is declared here once. main.tf passes each
// `arg` base64-encoded as CLAUDE_MODULE_ARG_<NAME> (test/terraform/contract
// proves main.tf and this file agree); the generated prologue decodes it into
// ARG_<NAME> and checks its type. Secrets never travel as args: they reach the
// scripts only through the environment (`coder_env`) and are never printed.

export type ArgType =
  | "string"
  | "bool"
  | "port"
  /** Lines of "<base64 name> <base64 value>", built in main.tf (see mcp_servers). */
  | "pairs"
  /** A string that may be long (a prompt): main.tf sends it base64gzip-encoded (empty as empty), so
   * that more of it fits the 128 KiB the agent can run. */
  | "text";

export interface Arg {
  readonly name: string;
  readonly type: ArgType;
  readonly doc: string;
}

export interface EnvInput {
  readonly name: string;
  readonly secret: boolean;
  readonly doc: string;
}

export interface ScriptContract {
  readonly args: readonly Arg[];
  /** Environment variables the script reads, set by the module's coder_env or by the Coder agent. */
  readonly env: readonly EnvInput[];
}

const arg = (name: string, type: ArgType, doc: string): Arg => ({ name, type, doc });

export const contracts = {
  start: {
    args: [
      // Workspace and apps
      arg("WORKDIR", "string", "Directory Claude Code works in; created when missing."),
      // Installing Claude Code
      arg("INSTALL_CLAUDE_CODE", "bool", "Install Claude Code, or only use an existing binary."),
      arg("CLAUDE_CODE_VERSION", "string", "'latest' or an exact version such as 2.1.329."),
      arg("CLAUDE_INSTALLER_URL", "string", "Official installer script used for 'latest'."),
      arg("INSTALL_VIA_NPM", "bool", "Install from npm also for 'latest'."),
      arg(
        "CLAUDE_BINARY_PATH",
        "string",
        "Directory searched first for a pre-installed claude; may start with ~ or $HOME.",
      ),
      arg(
        "CLAUDE_EXECUTABLE",
        "string",
        "Path of a claude to use as it is (no search, no install), or empty; may start with ~ or $HOME.",
      ),
      arg(
        "BLOCK_CLAUDE_UPDATES",
        "bool",
        "Turn Claude Code's auto-updater off (pinned version or disable_autoupdater).",
      ),
      // AgentAPI
      arg("INSTALL_AGENTAPI", "bool", "Download AgentAPI, or only use an existing binary."),
      arg("AGENTAPI_VERSION", "string", "'latest' or an exact version such as v0.12.2."),
      arg("AGENTAPI_RELEASES_URL", "string", "Base URL of AgentAPI releases (a mirror in air-gapped setups)."),
      arg("AGENTAPI_SHA256", "string", "Expected sha256 of the AgentAPI binary, or empty."),
      arg("AGENTAPI_PORT", "port", "Port AgentAPI listens on (loopback)."),
      arg(
        "STATE_PERSISTENCE",
        "string",
        "Keep the chat's history across restarts: 'on', 'off', 'unsupported' (a pinned AgentAPI before v0.12.0) or 'check' (ask the binary).",
      ),
      // The apps
      arg(
        "SESSION_APP",
        "string",
        "How Claude's session is served: 'agentapi' (web chat) or 'tmux' (a terminal session).",
      ),
      arg(
        "APP_SLUG",
        "string",
        "Slug of the Claude Code coder_app (part of the path-based URL; the tmux session's name).",
      ),
      arg(
        "INSTANCE_DIR",
        "string",
        "This instance's directory under $HOME (.claude-module for app_slug ccw): its pid, summary, logs and scripts.",
      ),
      arg("SUBDOMAIN", "bool", "Whether the web chat is served on a subdomain."),
      arg("WORKSPACE_OWNER", "string", "Workspace owner name, for the path-based chat URL."),
      arg("WORKSPACE_NAME", "string", "Workspace name, for the path-based chat URL."),
      // MCP servers
      arg("MCP_SERVERS", "pairs", "MCP servers: name and JSON definition per line."),
      arg("MCP_CHECK_TIMEOUT", "string", "Seconds each MCP server has to answer initialize and tools/list (1-120)."),
      arg("MCP_REQUIRED", "string", "Names of MCP servers whose failed check stops the start, one per line."),
      arg(
        "MCP_PROJECT_FILE",
        "bool",
        "Also write the module's MCP servers into the work dir's .mcp.json, approved for Claude.",
      ),
      arg(
        "MCP_CHECK_USER_SERVERS",
        "bool",
        "Also check the user's own MCP servers (not the coder CLI's), on every start.",
      ),
      // Skills
      arg(
        "SKILLS",
        "pairs",
        "Agent skills: name and SKILL.md text per line, for the work dir's .agents/skills and ~/.claude/skills.",
      ),
      // Prompt, sessions and permissions
      arg("AI_PROMPT", "text", "Initial prompt for Claude, or empty; sent only when a new session starts."),
      arg("CONTINUE", "bool", "Resume the previous session on restart."),
      arg("RESUME_SESSION_ID", "string", "Session UUID (lowercase) to resume instead of choosing one, or empty."),
      arg(
        "TASK_ID",
        "string",
        "The Coder Task's id (lowercase), or empty: in task mode, a session belongs to its task and work dir.",
      ),
      arg("DANGEROUSLY_SKIP_PERMISSIONS", "bool", "Start Claude with --dangerously-skip-permissions."),
      arg("PERMISSION_MODE", "string", "Claude's --permission-mode (validated at plan time), or empty."),
      arg("ALLOWED_TOOLS", "string", "Tool rules for --allowedTools, one per line (split at plan time)."),
      arg("DISALLOWED_TOOLS", "string", "Tool rules for --disallowedTools, one per line (split at plan time)."),
      // Tasks, authentication and Claude configuration
      arg("REPORT_TASKS", "bool", "Task mode (report status to Coder) or standalone."),
      arg(
        "STATUS_SOURCE",
        "string",
        "Who reports the app's status: 'hooks' (Claude Code's hooks), 'model' (coder_report_task), 'both', or 'off' (web_app = false: no app to report to).",
      ),
      arg("ACCESS_URL", "string", "The deployment's access URL: the agent API when CODER_AGENT_URL is not set."),
      arg("SYSTEM_PROMPT", "string", "Instructions for Claude's CLAUDE.md (task reporting and/or the template's own)."),
      arg("CLAUDE_MD_PATH", "string", "The user-level CLAUDE.md; a leading ~ or $HOME means the home directory."),
      // Install hooks
      arg("PRE_INSTALL_SCRIPT", "string", "Bash run before anything is installed, or empty."),
      arg("POST_INSTALL_SCRIPT", "string", "Bash run after the installs, before Claude is configured, or empty."),
      // Boundary
      arg(
        "ENABLE_BOUNDARY",
        "bool",
        "Run Claude inside boundary (network allowlist); fail closed when it cannot start.",
      ),
      arg(
        "BOUNDARY_MODE",
        "string",
        "Where boundary comes from: 'coder' (subcommand), 'release' (download) or 'source' (go build).",
      ),
      arg("BOUNDARY_VERSION", "string", "Exact boundary version for the release and source modes, such as v0.8.0."),
      arg("BOUNDARY_RELEASES_URL", "string", "Base URL of boundary releases (a mirror in air-gapped setups)."),
      arg("BOUNDARY_SHA256", "string", "Expected sha256 of the boundary release archive, or empty."),
      arg("BOUNDARY_ALLOWLIST", "string", "The template's extra allow rules, one per line."),
      arg("BOUNDARY_CONFIG_PATH", "string", "The template's boundary config.yaml in the workspace, or empty."),
      arg("BOUNDARY_JAIL_TYPE", "string", "'nsjail', 'landjail', or empty for the config's or boundary's default."),
      arg("BOUNDARY_FAIL_OPEN", "bool", "Start Claude unfiltered (with a warning) when boundary cannot start."),
      // Script sync (coder exp sync)
      arg("SYNC_UNIT", "string", "The start script's unit in the agent's script sync (the scripts output)."),
      arg("WAIT_FOR_SCRIPTS", "string", "Sync units that must complete before Claude is configured, one per line."),
      arg("BOUNDARY_CODER_HOST", "string", "Host name of the Coder deployment (always allowed), or empty."),
    ],
    env: [
      {
        name: "CLAUDE_MODULE_UMASK",
        secret: false,
        doc: "Set by the launcher: the umask the agent ran it with, for the work dir, Claude and the install hooks.",
      },
      {
        name: "CODER_SCRIPT_BIN_DIR",
        secret: false,
        doc: "Set by the Coder agent: a directory on every session's PATH.",
      },
      { name: "CODER_WORKSPACE_AGENT_NAME", secret: false, doc: "Set by the Coder agent: the agent's name." },
      // MCP servers
      {
        name: "CLAUDE_MODULE_MCP_CONFIG_URLS",
        secret: true,
        doc: "mcp_config_remote_path: URLs of remote MCP configs, one a line, base64; they may carry tokens.",
      },
      // Tasks, authentication and Claude configuration
      {
        name: "ANTHROPIC_API_KEY",
        secret: true,
        doc: "API key Claude Code reads; approved in ~/.claude.json by its last 20 characters.",
      },
      {
        name: "CLAUDE_API_KEY",
        secret: true,
        doc: "API key for the coder CLI (claude_api_key, or set by the template).",
      },
      { name: "CLAUDE_CODE_OAUTH_TOKEN", secret: true, doc: "Claude subscription token; only its presence is read." },
      { name: "ANTHROPIC_AUTH_TOKEN", secret: true, doc: "Bearer token for a gateway; only its presence is read." },
      {
        name: "CLAUDE_MODULE_MANAGED_SETTINGS",
        secret: true,
        doc: "managed_settings as base64 JSON, for Claude Code's managed-settings.d; unset: the module's file is removed.",
      },
      {
        name: "CLAUDE_MODULE_API_KEY_HELPER",
        secret: true,
        doc: "api_key_helper's script, base64; unset: the module's helper is unregistered.",
      },
      {
        name: "CLAUDE_CODE_USE_BEDROCK",
        secret: false,
        doc: "Set by the template to use Amazon Bedrock; Bedrock hosts are then allowed through boundary.",
      },
      {
        name: "CLAUDE_CODE_USE_VERTEX",
        secret: false,
        doc: "Set by the template to use Google Vertex AI; Vertex hosts are then allowed through boundary.",
      },
      // Boundary: the model backend Claude is configured for must stay reachable.
      {
        name: "ANTHROPIC_BASE_URL",
        secret: false,
        doc: "Claude's API endpoint, when not the default; its host is allowed.",
      },
      { name: "AWS_REGION", secret: false, doc: "Bedrock region (AWS_DEFAULT_REGION as a fallback)." },
      { name: "AWS_DEFAULT_REGION", secret: false, doc: "Bedrock region when AWS_REGION is not set." },
      { name: "ANTHROPIC_BEDROCK_BASE_URL", secret: false, doc: "Custom Bedrock endpoint; its host is allowed." },
      { name: "CLOUD_ML_REGION", secret: false, doc: "Vertex AI region." },
      { name: "ANTHROPIC_VERTEX_BASE_URL", secret: false, doc: "Custom Vertex AI endpoint; its host is allowed." },
    ],
  },
  stop: {
    args: [
      arg("INSTANCE_DIR", "string", "This instance's directory under $HOME: its pid file and tmux socket."),
      arg(
        "AGENTAPI_PORT",
        "port",
        "Port AgentAPI listens on: with its binary, how the stop tells it from other processes.",
      ),
      arg(
        "TASK_ID",
        "string",
        "The Coder Task's id (task_id), or empty: its chat is uploaded as the task's log snapshot.",
      ),
      arg("ACCESS_URL", "string", "The deployment's access URL: the agent API when CODER_AGENT_URL is not set."),
    ],
    env: [
      { name: "CODER_AGENT_URL", secret: false, doc: "Set by the Coder agent: where its API is." },
      {
        name: "CODER_AGENT_TOKEN",
        secret: true,
        doc: "Set by the Coder agent: authenticates the log snapshot upload.",
      },
    ],
  },
} as const satisfies Record<string, ScriptContract>;

export type ScriptName = keyof typeof contracts;
export const scriptNames = Object.keys(contracts) as ScriptName[];
