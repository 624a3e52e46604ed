# ---- Workspace and apps ----

variable "agent_id" {
  description = "The ID of the Coder agent to install Claude Code on (coder_agent.<name>.id)."
  type        = string
}

variable "workdir" {
  description = "The directory Claude Code works in. Created when missing. A leading ~ or $HOME means the workspace user's home. Unset (null, as upstream v5 allows): the home itself."
  type        = string
  default     = null
  validation {
    condition     = var.workdir == null || startswith(coalesce(var.workdir, "/"), "/") || var.workdir == "~" || startswith(coalesce(var.workdir, "/"), "~/") || var.workdir == "$HOME" || startswith(coalesce(var.workdir, "/"), "$HOME/")
    error_message = "workdir must be absolute (\"/home/coder/project\") or start with ~/ or $HOME/."
  }
}

variable "order" {
  description = "Position of the Claude Code web app among the workspace's apps (lower comes first)."
  type        = number
  default     = null
}

variable "group" {
  description = "Name of the app group the Claude Code web app is shown in."
  type        = string
  default     = null
}

variable "icon" {
  description = "Icon of the Claude Code app and script."
  type        = string
  default     = "/icon/claude.svg"
}

variable "web_app" {
  description = "Show the Claude Code web chat as an app in the dashboard. A task's chat is this app, so it stays on with report_tasks; standalone, AgentAPI still runs (for cli_app) when it is off, and no status is reported (there is no app to show it)."
  type        = bool
  default     = true
  validation {
    condition     = var.web_app || !var.report_tasks
    error_message = "web_app = false needs report_tasks = false: a Coder Task shows its chat through the web app (coder_ai_task's app_id is task_app_id)."
  }
}

variable "session_app" {
  description = "How Claude's session is served. \"agentapi\": AgentAPI with the web chat app, what Coder Tasks need (Coder up to v2.36 and the 2.34 ESR). \"tmux\": a tmux session in the workspace, opened by a terminal app in a slim window, that outlives the browser and is resumed after restarts; for Coder v2.37 and later (no Tasks) or any workspace without a task. The image needs tmux. \"auto\" (Coder v2.28 and later): \"agentapi\" when the workspace runs a task (data.coder_task), else \"tmux\" with report_tasks off, so one template serves both."
  type        = string
  default     = "agentapi"
  validation {
    condition     = contains(["agentapi", "tmux", "auto"], var.session_app)
    error_message = "session_app must be \"agentapi\" (web chat, Coder Tasks), \"tmux\" (a terminal session, any Coder version) or \"auto\" (the first in a task, else the second; Coder v2.28 and later)."
  }
  validation {
    condition     = var.session_app != "tmux" || !var.report_tasks
    error_message = "session_app = \"tmux\" needs report_tasks = false: a Coder Task's chat is AgentAPI's web app, which tmux mode does not run. Use tmux for workspaces without a task (and on Coder v2.37+, which has no Tasks)."
  }
}

variable "web_app_display_name" {
  description = "Display name of the Claude Code web chat app."
  type        = string
  default     = "Claude Code"
}

variable "app_slug" {
  description = "Slug of the Claude Code app (the CLI app's is this with \"-cli\"), and the name of this instance of the module. Give each module block in one template its own slug (and workdir and agentapi_port) to run several side by side: every instance but the \"ccw\" one keeps its pid, summary, logs and scripts under ~/.claude-module/instances/<app_slug>."
  type        = string
  default     = "ccw"
  validation {
    # Coder's slug rule; 28 characters leave room for the CLI app's "-cli".
    condition     = can(regex("^[a-z0-9](-?[a-z0-9])*$", var.app_slug)) && length(var.app_slug) <= 28
    error_message = "app_slug must be lowercase letters and digits, optionally joined by single hyphens, at most 28 characters (Coder's app slug rule, with room for \"-cli\"): for example \"ccw-backend\"."
  }
}

variable "subdomain" {
  description = "Serve the web chat on its own subdomain (needs a wildcard access URL; recommended in production). When false the chat is path-based."
  type        = bool
  default     = false
}

# ---- Installing Claude Code ----

variable "install_claude_code" {
  description = "Install Claude Code when the right version is not already there. When false, the claude in claude_binary_path or on PATH is used as it is, and its absence is an error."
  type        = bool
  default     = true
}

variable "claude_code_version" {
  description = "Claude Code version: \"latest\" (official installer) or an exact version such as \"2.1.329\" or \"v2.1.329\" (installed from npm). A pinned version also turns Claude Code's auto-updater off."
  type        = string
  default     = "latest"
  validation {
    condition     = can(regex("^(latest|v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?)$", var.claude_code_version))
    error_message = "claude_code_version must be \"latest\" or an exact version such as \"2.1.329\"."
  }
}

variable "claude_installer_url" {
  description = "URL of the official Claude Code installer script, used when claude_code_version is \"latest\". Point it at a mirror in restricted networks."
  type        = string
  default     = "https://claude.ai/install.sh"
  validation {
    condition     = can(regex("^https?://[^[:space:]]+$", var.claude_installer_url))
    error_message = "claude_installer_url must be an http(s) URL."
  }
}

variable "install_via_npm" {
  description = "Install Claude Code from npm (@anthropic-ai/claude-code) also for \"latest\", instead of the official installer. Pinned versions always come from npm. Uses the workspace's npm configuration (registry, .npmrc)."
  type        = bool
  default     = false
}

variable "claude_binary_path" {
  description = "Directory searched first for a pre-installed claude: one there with the requested version (any version when install_claude_code is false) is used as it is, without a download. A leading ~ or $HOME means the workspace user's home. Only the default directory also receives a link to a claude the module installs."
  type        = string
  default     = "$HOME/.local/bin"
  validation {
    condition     = can(regex("^(/|~/|\\$HOME/|~$|\\$HOME$)", var.claude_binary_path))
    error_message = "claude_binary_path must be an absolute directory (\"/opt/claude/bin\") or start with ~/ or $HOME/."
  }
  validation {
    condition     = !can(regex("[$`\\n]", replace(var.claude_binary_path, "/^\\$HOME/", "")))
    error_message = "claude_binary_path is not expanded by a shell: only a leading $HOME or ~ is replaced, so write the rest out literally (no other $, ` or newline), e.g. \"/opt/claude/bin\" or \"$HOME/tools/bin\"."
  }
}

variable "claude_executable" {
  description = "Path of the claude executable to use, as it is: no search and no install, and an error naming the path when it does not run. Empty (the default): the module's earlier install, then a claude of the requested version on PATH, then one in claude_binary_path, then an install (the start summary says which was used and why the others were not). A leading ~ or $HOME means the workspace user's home."
  type        = string
  default     = ""
  nullable    = false
  validation {
    condition     = var.claude_executable == "" || can(regex("^(/|~/|\\$HOME/)[^$`\\n]*[^/]$", var.claude_executable))
    error_message = "claude_executable must be empty or the path of an executable file: absolute (\"/opt/claude/bin/claude\") or starting with ~/ or $HOME/, with no other $, ` or newline, not ending in /."
  }
}

variable "disable_autoupdater" {
  description = "Turn Claude Code's auto-updater off (DISABLE_AUTOUPDATER=1 for the agent and every terminal, and in ~/.claude/settings.json). Always on when claude_code_version is pinned."
  type        = bool
  default     = false
}

# ---- AgentAPI ----

variable "install_agentapi" {
  description = "Download and install AgentAPI. When false, an existing agentapi on PATH is used and its absence is an error."
  type        = bool
  default     = true
}

variable "agentapi_version" {
  description = "AgentAPI version: an exact release such as \"v0.12.2\" (a leading v is optional) or \"latest\"."
  type        = string
  default     = "v0.12.2"
  validation {
    condition     = can(regex("^(latest|v?[0-9]+\\.[0-9]+\\.[0-9]+)$", var.agentapi_version))
    error_message = "agentapi_version must be \"latest\" or an exact version such as \"v0.12.2\"."
  }
}

variable "agentapi_releases_url" {
  description = "Base URL of AgentAPI releases; binaries are fetched from <url>/download/v<version>/agentapi-linux-<arch>. Point it at a mirror in restricted networks."
  type        = string
  default     = "https://github.com/coder/agentapi/releases"
  validation {
    condition     = can(regex("^https?://[^[:space:]]+[^/]$", var.agentapi_releases_url))
    error_message = "agentapi_releases_url must be an http(s) URL without a trailing slash."
  }
}

variable "agentapi_sha256" {
  description = "Expected sha256 of the AgentAPI binary for this workspace's architecture. When set, a download that does not match is refused. Upstream publishes no checksums, so it is empty by default."
  type        = string
  default     = ""
  validation {
    condition     = var.agentapi_sha256 == "" || can(regex("^[0-9a-f]{64}$", var.agentapi_sha256))
    error_message = "agentapi_sha256 must be empty or 64 lowercase hex digits."
  }
}

variable "agentapi_port" {
  description = "Port AgentAPI listens on inside the workspace. Change it when another module already uses 3284."
  type        = number
  default     = 3284
  validation {
    condition     = var.agentapi_port == floor(var.agentapi_port) && var.agentapi_port >= 1024 && var.agentapi_port <= 65535
    error_message = "agentapi_port must be a whole number from 1024 to 65535."
  }
}

variable "enable_state_persistence" {
  description = "Keep the web chat's history (AgentAPI's /messages) across workspace restarts, in ~/.claude-module/chat. It comes back when Claude resumes the same session; a new session starts with an empty chat. Needs AgentAPI v0.12.0 or later: with an older pinned agentapi_version it stays off (a plan warning says so); with \"latest\" or install_agentapi = false the start checks the binary and logs a line when it cannot."
  type        = bool
  default     = true
}

# ---- Prompt, sessions and permissions ----

variable "ai_prompt" {
  description = "Initial prompt for Claude Code. Sent once, when a new session starts; never re-sent when a session is resumed. Empty: the task's prompt (data.coder_task, Coder >= 2.28), if the workspace runs a task. The whole start script, this prompt included (gzip-compressed, then base64-encoded), must fit the 128 KiB the Coder agent can run: about 40 KB of compressed prompt with the other inputs at their defaults (prose compresses three times or more)."
  type        = string
  default     = ""
}

variable "continue" {
  description = "Resume the previous session on restart. With report_tasks, the module's own session for the work dir is resumed by id; standalone, Claude's most recent session in the work dir (--continue). When false, every start is a new session."
  type        = bool
  default     = true
}

variable "resume_session_id" {
  description = "Resume this Claude Code session (a session UUID, as Claude prints it) instead of choosing one; the prompt is not sent. Its transcript must exist in the workspace."
  type        = string
  default     = ""
  validation {
    condition     = var.resume_session_id == "" || can(regex("^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$", var.resume_session_id))
    error_message = "resume_session_id must be empty or a session UUID such as \"0b6f1e42-8c1d-4c57-9b1e-2f4a6d3c9e10\" (see ~/.claude/projects/*/<id>.jsonl)."
  }
}

variable "dangerously_skip_permissions" {
  description = "Start Claude Code with --dangerously-skip-permissions (no permission prompts). With report_tasks and no permission_mode this is the default anyway, so unattended tasks never wait for approval."
  type        = bool
  default     = false
}

variable "permission_mode" {
  description = "Claude Code's permission mode (--permission-mode): manual (or its older name default), acceptEdits, plan, auto, dontAsk or bypassPermissions. Empty: Claude's own default, except with report_tasks, where permissions are skipped. An explicit mode is never overridden."
  type        = string
  default     = ""
  validation {
    condition     = contains(["", "default", "manual", "acceptEdits", "plan", "auto", "dontAsk", "bypassPermissions"], var.permission_mode)
    error_message = "permission_mode must be empty or one of: default, manual, acceptEdits, plan, auto, dontAsk, bypassPermissions."
  }
  validation {
    condition     = !var.dangerously_skip_permissions || contains(["", "bypassPermissions"], var.permission_mode)
    error_message = "dangerously_skip_permissions = true bypasses every permission check, which contradicts permission_mode = \"${var.permission_mode}\": set only one of them."
  }
}

variable "allowed_tools" {
  description = "Tool rules Claude Code may use without asking (--allowedTools), separated by commas or spaces; spaces and commas inside parentheses belong to the rule: \"Read,Edit Bash(git log:*)\"."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^[,\\s]*$", replace(var.allowed_tools, "/${local.tool_rule_pattern}/", ""))) && alltrue([for rule in regexall(local.tool_rule_pattern, var.allowed_tools) : !startswith(rule, "-")])
    error_message = "allowed_tools must be tool rules separated by commas or spaces, such as \"Read,Edit Bash(git log:*)\": parentheses must be balanced, not nested and on one line, and no rule may start with '-'."
  }
}

variable "disallowed_tools" {
  description = "Tool rules Claude Code must not use (--disallowedTools), in the same format as allowed_tools."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^[,\\s]*$", replace(var.disallowed_tools, "/${local.tool_rule_pattern}/", ""))) && alltrue([for rule in regexall(local.tool_rule_pattern, var.disallowed_tools) : !startswith(rule, "-")])
    error_message = "disallowed_tools must be tool rules separated by commas or spaces, such as \"WebFetch Bash(rm:*)\": parentheses must be balanced, not nested and on one line, and no rule may start with '-'."
  }
}

# ---- MCP servers ----

variable "mcp" {
  description = "MCP servers for Claude Code as JSON: {\"mcpServers\": {\"<name>\": {...}}}. Reconciled on every start in the work dir. Sensitive, since definitions often carry tokens (a plan does not show it); better still, keep secrets out and use \"$${VAR}\" references to coder_env variables."
  type        = string
  default     = ""
  validation {
    condition     = var.mcp == "" || can(keys(jsondecode(var.mcp).mcpServers))
    error_message = "mcp must be JSON of the form {\"mcpServers\": {\"<name>\": {\"command\": \"...\"}}}."
  }
  validation {
    condition     = var.mcp == "" || alltrue([for name in try(keys(jsondecode(var.mcp).mcpServers), []) : can(regex("^[A-Za-z0-9_.-]{1,64}$", name))])
    error_message = "Each MCP server name in mcp must be 1-64 characters of letters, digits, '_', '.' or '-'."
  }
  sensitive = true
}

variable "mcp_config_remote_path" {
  description = "URLs (http or https) of MCP configs of the same form as mcp, fetched on every start and reconciled with it. Where a name is in both, mcp wins, then the earlier URL. A config that cannot be fetched or read is skipped and reported, and the servers it added before stay. Sensitive: a URL may carry a token, so logs show it without credentials or query."
  type        = list(string)
  default     = []
  nullable    = false
  validation {
    # Quotes, backslashes, whitespace and control characters never belong in a URL (they are percent-encoded), and keeping
    # them out keeps the URL one quoted string in the curl config the start script hands curl.
    condition     = alltrue([for url in var.mcp_config_remote_path : can(regex("^(?i:https?)://[^/?#\\s\"\\\\[:cntrl:]]+([/?#][^\\s\"\\\\[:cntrl:]]*)?$", url))])
    error_message = "Each URL in mcp_config_remote_path must start with http:// or https:// and a host, and contain no spaces, quotes, backslashes or control characters (percent-encode them)."
  }
  sensitive = true
}

variable "mcp_check_timeout" {
  description = "Seconds each of the module's MCP servers (from mcp and mcp_config_remote_path) has to answer initialize and tools/list when the start checks it with an MCP client of its own. The servers are checked at the same time, so the start waits at most this long; a server that does not answer is reported, never fatal unless named in mcp_required."
  type        = number
  default     = 5
  nullable    = false
  validation {
    condition     = var.mcp_check_timeout == floor(var.mcp_check_timeout) && var.mcp_check_timeout >= 1 && var.mcp_check_timeout <= 120
    error_message = "mcp_check_timeout must be a whole number of seconds from 1 to 120."
  }
}

variable "mcp_check_user_servers" {
  description = "Also check the MCP servers the user configured themselves (the work dir's and user-scope ones in ~/.claude.json; not the coder CLI's `coder`) the way the module's are checked, on every start (the module keeps no record of them), and report them as \"(yours)\". Never fatal."
  type        = bool
  default     = false
  nullable    = false
}

variable "mcp_project_file" {
  description = "Also write the module's MCP servers (from mcp and mcp_config_remote_path) into .mcp.json in the work dir, where other clients such as Coder Agents read a project's servers, and approve them for Claude so it does not ask. The file is merged: your entries, and module entries you changed, are kept. It is often part of your repository, so keep secrets out of the definitions (use $${VAR}). Turned off, the module takes its unchanged entries out again."
  type        = bool
  default     = false
  nullable    = false
}

variable "mcp_required" {
  description = "Names of MCP servers (from mcp or mcp_config_remote_path) that must pass the start's check: when one fails (or is not configured), the start stops with the cause. Other servers that fail are only reported."
  type        = list(string)
  default     = []
  nullable    = false
  validation {
    condition     = alltrue([for name in var.mcp_required : can(regex("^[A-Za-z0-9_.-]{1,64}$", name))])
    error_message = "Each name in mcp_required must be an MCP server name: 1-64 characters of letters, digits, '_', '.' or '-'."
  }
  validation {
    # A remote config's names are known only in the workspace; the start checks those.
    condition     = nonsensitive(length(var.mcp_config_remote_path)) > 0 || alltrue([for name in var.mcp_required : contains(try(keys(jsondecode(var.mcp).mcpServers), []), name)])
    error_message = "Each name in mcp_required must be a server in mcp (or in a config of mcp_config_remote_path, when set); add the server or drop the name from mcp_required."
  }
}

# ---- Skills ----

variable "skills" {
  description = "Agent skills, skill name => the text of its SKILL.md, which starts with a YAML frontmatter block holding name (the skill's name) and description (what the skill does and when to use it). Each is written on every start to .agents/skills/<name>/SKILL.md in the work dir, where Coder Agents reads a project's skills, and to ~/.claude/skills/<name>/SKILL.md, Claude Code's personal skills. Your own skills, and skills of the module's you changed, are kept; skills the template drops are taken out again."
  type        = map(string)
  default     = {}
  nullable    = false
  # The patterns are main.tf's skill_* locals; each message lists the skills its check refuses.
  validation {
    condition     = alltrue([for name in keys(var.skills) : can(regex(local.skill_name_pattern, name))])
    error_message = "Each skill name in skills must be 1-64 lowercase letters, digits and hyphens, not starting or ending with a hyphen (as Claude Code and the Agent Skills format require); not so: ${join(", ", [for name in keys(var.skills) : jsonencode(name) if !can(regex(local.skill_name_pattern, name))])}."
  }
  validation {
    condition     = alltrue([for text in values(var.skills) : can(regex(local.skill_frontmatter_pattern, text))])
    error_message = "Each skill's text in skills must start with a YAML frontmatter block: a first line \"---\", the fields (name: and description:), and a closing line \"---\"; not so: ${join(", ", [for name, text in var.skills : name if !can(regex(local.skill_frontmatter_pattern, text))])}."
  }
  validation {
    # A bad name or a missing frontmatter is reported above (and a bad name could not go into a pattern).
    condition = alltrue([for name, text in var.skills : !can(regex(local.skill_name_pattern, name)) || !can(regex(local.skill_frontmatter_pattern, text)) ||
    can(regex(replace(local.skill_name_field_pattern, "NAME", name), regex(local.skill_frontmatter_pattern, text)[0]))])
    error_message = "Each skill's frontmatter in skills must hold the skill's name as the map has it, \"name: <skill name>\" (the Agent Skills format, which Coder Agents reads, wants it to match the skill's directory); not so: ${join(", ", [for name, text in var.skills : name if can(regex(local.skill_name_pattern, name)) && can(regex(local.skill_frontmatter_pattern, text)) && !can(regex(replace(local.skill_name_field_pattern, "NAME", name), try(regex(local.skill_frontmatter_pattern, text)[0], "")))])}."
  }
  validation {
    condition     = alltrue([for text in values(var.skills) : !can(regex(local.skill_frontmatter_pattern, text)) || can(regex(local.skill_description_pattern, regex(local.skill_frontmatter_pattern, text)[0]))])
    error_message = "Each skill's frontmatter in skills must hold a description, \"description: <what the skill does and when to use it>\" (Claude decides from it when to use the skill); missing in: ${join(", ", [for name, text in var.skills : name if can(regex(local.skill_frontmatter_pattern, text)) && !can(regex(local.skill_description_pattern, try(regex(local.skill_frontmatter_pattern, text)[0], "")))])}."
  }
}

# ---- Tasks, authentication and Claude configuration ----

variable "report_tasks" {
  description = "Run as a Coder Task: Claude reports its status to Coder through the coder CLI's MCP server. When false, Claude Code runs standalone (still behind AgentAPI)."
  type        = bool
  default     = true
}

variable "task_id" {
  description = "The Coder Task's id. A task's Claude session belongs to it: a new task in a work dir that kept an earlier task's session (a home that outlived its workspace) starts its own, with its prompt. On stop, the task's conversation is uploaded to Coder as its log snapshot (v2.30 stores it; v2.36 shows it as the task's logs while the workspace is stopped). Empty: the task's id from data.coder_task (Coder >= 2.28), which the module reads itself; a workspace that is no task is skipped quietly."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$", var.task_id))
    error_message = "task_id must be empty or a UUID, as data.coder_task.me.id gives it."
  }
}

variable "status_source" {
  description = "Who tells Coder what Claude is doing (the app's status, a task's state): \"hooks\" (Claude Code's hooks report working, waiting and done with no model tokens, also under boundary), \"model\" (the model calls coder_report_task with summaries of its own; upstream's way) or \"both\". With web_app = false nothing reports: there is no app to show a status on."
  type        = string
  default     = "hooks"
  validation {
    condition     = contains(["hooks", "model", "both"], var.status_source)
    error_message = "status_source must be \"hooks\", \"model\" or \"both\"."
  }
}

variable "cli_app" {
  description = "Add a \"Claude Code CLI\" app: a terminal attached to the Claude Code session that AgentAPI runs (agentapi attach)."
  type        = bool
  default     = false
}

variable "cli_app_display_name" {
  description = "Display name of the CLI app (when cli_app is true)."
  type        = string
  default     = "Claude Code CLI"
}

variable "claude_api_key" {
  description = "Anthropic API key. Exported as CLAUDE_API_KEY and ANTHROPIC_API_KEY and approved in ~/.claude.json (by its last 20 characters, as Claude Code itself records it), so Claude Code uses it without asking. The whole key is never written to disk."
  type        = string
  default     = ""
  validation {
    condition     = !can(regex("[[:space:]]", var.claude_api_key))
    error_message = "claude_api_key must not contain spaces or newlines; paste the key alone."
  }
  validation {
    condition     = !strcontains(var.claude_api_key, "$")
    error_message = "claude_api_key must not contain \"$\": it reaches the workspace through coder_env, whose values the Coder agent expands like a shell ($NAME, with no escape), so Claude Code would get a different key. Anthropic API keys use only letters, digits, - and _."
  }
  sensitive = true
}

variable "anthropic_api_key" {
  description = "Upstream v5's name for claude_api_key: the same key, exported and approved the same way. Set one of the two."
  type        = string
  default     = ""
  validation {
    condition     = var.anthropic_api_key == "" || var.claude_api_key == ""
    error_message = "anthropic_api_key and claude_api_key are two names for the same key: set only one of them."
  }
  validation {
    condition     = !can(regex("[[:space:]$]", var.anthropic_api_key))
    error_message = "anthropic_api_key must not contain spaces, newlines or \"$\" (the Coder agent expands $NAME in coder_env values, so Claude Code would get a different key); paste the key alone."
  }
  sensitive = true
}

variable "claude_code_oauth_token" {
  description = "Long-lived Claude subscription token from `claude setup-token`. Exported as CLAUDE_CODE_OAUTH_TOKEN."
  type        = string
  default     = ""
  validation {
    condition     = !can(regex("[[:space:]]", var.claude_code_oauth_token))
    error_message = "claude_code_oauth_token must not contain spaces or newlines; paste the token alone."
  }
  validation {
    condition     = !strcontains(var.claude_code_oauth_token, "$")
    error_message = "claude_code_oauth_token must not contain \"$\": it reaches the workspace through coder_env, whose values the Coder agent expands like a shell ($NAME, with no escape), so Claude Code would get a different token. Tokens from `claude setup-token` use only letters, digits, - and _."
  }
  sensitive = true
}

variable "model" {
  description = "Model Claude Code uses, exported as ANTHROPIC_MODEL: an alias such as \"sonnet\" or \"opus\", or a full model name (including Bedrock and Vertex model IDs). Empty: Claude Code's default."
  type        = string
  default     = ""
  validation {
    condition     = !strcontains(var.model, "$")
    error_message = "model must not contain \"$\": it reaches the workspace through coder_env, whose values the Coder agent expands like a shell ($NAME, with no escape)."
  }
}

variable "system_prompt" {
  description = "Extra instructions for Claude Code. In task mode they follow the module's task-reporting instructions and the coder CLI writes both to CLAUDE.md; standalone, the module keeps them in a marked block of the CLAUDE.md at claude_md_path."
  type        = string
  default     = ""
  validation {
    condition     = !strcontains(var.system_prompt, "<!-- claude-code module:")
    error_message = "system_prompt must not contain \"<!-- claude-code module:\", which marks the module's block in CLAUDE.md."
  }
}

variable "claude_md_path" {
  description = "The user-level CLAUDE.md that receives the system prompt (exported as CODER_MCP_CLAUDE_MD_PATH). A leading ~ or $HOME means the workspace user's home; no other \"$\" is allowed (the Coder agent expands it)."
  type        = string
  default     = "$HOME/.claude/CLAUDE.md"
  validation {
    condition     = var.claude_md_path == "" || startswith(var.claude_md_path, "/") || startswith(var.claude_md_path, "~/") || startswith(var.claude_md_path, "$HOME/")
    error_message = "claude_md_path must be absolute (\"/home/coder/.claude/CLAUDE.md\") or start with ~/ or $HOME/."
  }
  validation {
    condition     = !strcontains(startswith(var.claude_md_path, "$HOME/") ? substr(var.claude_md_path, 6, -1) : var.claude_md_path, "$")
    error_message = "claude_md_path must not contain \"$\" except in a leading $HOME/: it reaches the workspace through coder_env (CODER_MCP_CLAUDE_MD_PATH), whose values the Coder agent expands like a shell ($NAME, with no escape), so terminals would get a different path."
  }
}

# ---- Install hooks ----

variable "pre_install_script" {
  description = "Bash script run on every start before anything is installed. Written to ~/.claude-module/pre_install.sh; output in ~/.claude-module/pre_install.log. A non-zero exit stops the start."
  type        = string
  default     = null
}

variable "post_install_script" {
  description = "Bash script run on every start after Claude Code and AgentAPI are installed (claude is on PATH) and before Claude is configured and started. Written to ~/.claude-module/post_install.sh; output in ~/.claude-module/post_install.log. A non-zero exit stops the start."
  type        = string
  default     = null
}

# ---- Boundary ----

variable "enable_boundary" {
  description = "Run Claude Code inside boundary, which only lets it reach the hosts of an allowlist (the Claude API, the Coder deployment, the configured model backend and the template's additions). Applies to the chat app and to `claude` started from a terminal. When boundary cannot start, Claude Code is not started (see boundary_fail_open)."
  type        = bool
  default     = false
}

variable "boundary_version" {
  description = "Exact boundary release to download (use_boundary_directly) or build (compile_boundary_from_source), such as \"v0.8.0\". Upstream's moving defaults \"latest\" and \"main\" are read as the default release, with a plan-time warning: the module verifies the version it installs. Not used by the default mode, which runs the workspace's `coder boundary` subcommand."
  type        = string
  default     = "v0.8.0"
  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?$", var.boundary_version)) || contains(["latest", "main"], var.boundary_version)
    error_message = "boundary_version must be an exact release such as \"v0.8.0\" (other branches are not accepted: the module verifies the version it installs)."
  }
}

variable "use_boundary_directly" {
  description = "Download the boundary release binary (boundary_version, from boundary_releases_url) instead of using the workspace's `coder boundary` subcommand."
  type        = bool
  default     = false
}

variable "compile_boundary_from_source" {
  description = "Build boundary_version with `go` from PATH, from the Go module proxy (GOPROXY), under ~/.claude-module, and use that binary. Takes precedence over use_boundary_directly."
  type        = bool
  default     = false
}

variable "boundary_releases_url" {
  description = "Base URL of boundary releases; archives are fetched from <url>/download/v<version>/boundary-linux-<arch>.tar.gz. Point it at a mirror in restricted networks."
  type        = string
  default     = "https://github.com/coder/boundary/releases"
  validation {
    condition     = can(regex("^https?://[^[:space:]]+[^/]$", var.boundary_releases_url))
    error_message = "boundary_releases_url must be an http(s) URL without a trailing slash."
  }
}

variable "boundary_sha256" {
  description = "Expected sha256 of the boundary release archive (boundary-linux-<arch>.tar.gz) for this workspace's architecture. When set, a download that does not match is refused."
  type        = string
  default     = ""
  validation {
    condition     = var.boundary_sha256 == "" || can(regex("^[0-9a-f]{64}$", var.boundary_sha256))
    error_message = "boundary_sha256 must be empty or 64 lowercase hex digits."
  }
}

variable "boundary_allowlist" {
  description = "Boundary allow rules added to the module's defaults, such as \"domain=github.com\", \"domain=*.github.com\" or \"method=GET domain=example.com path=/api/*\". Mutually exclusive with boundary_config_path."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for rule in var.boundary_allowlist : can(regex("^(method|domain|path)=[^[:space:]]+([ \\t]+(method|domain|path)=[^[:space:]]+)*$", rule))])
    error_message = "Each boundary_allowlist rule must be one or more space-separated key=value pairs with the keys method, domain or path, such as \"domain=github.com\" or \"method=GET,HEAD domain=*.example.com\"."
  }
}

variable "boundary_config_path" {
  description = "Path, in the workspace, of an existing boundary config.yaml (keys such as allowlist and jail_type) to use instead of boundary_allowlist. The module's default rules are still added. A leading ~ or $HOME means the workspace user's home."
  type        = string
  default     = ""
  validation {
    condition     = var.boundary_config_path == "" || can(regex("^(/|~/|\\$HOME/)[^\\n]*$", var.boundary_config_path))
    error_message = "boundary_config_path must be empty or an absolute path (or start with ~/ or $HOME/)."
  }
  validation {
    condition     = var.boundary_config_path == "" || length(var.boundary_allowlist) == 0
    error_message = "Set either boundary_allowlist or boundary_config_path, not both: put the extra rules in the config file's allowlist."
  }
}

variable "boundary_jail_type" {
  description = "How boundary isolates Claude: \"nsjail\" (network namespace; needs root or sudo, user namespaces, ip and iptables) or \"landjail\" (Landlock; needs Linux 6.7 or later, no privileges). Empty means the config file's jail_type, else boundary's default (nsjail)."
  type        = string
  default     = ""
  validation {
    condition     = contains(["", "nsjail", "landjail"], var.boundary_jail_type)
    error_message = "boundary_jail_type must be \"\", \"nsjail\" or \"landjail\"."
  }
}

variable "boundary_fail_open" {
  description = "When boundary cannot start, start Claude Code WITHOUT network filtering (with a loud warning) instead of failing the workspace start. Leave false unless availability matters more than the network policy."
  type        = bool
  default     = false
}

# ---- Model access: AI Gateway, base URL, cloud providers, telemetry ----

variable "enable_ai_gateway" {
  description = "Send Claude Code's model traffic through Coder's AI Gateway (Premium, AI Governance), at <access URL>/api/v2/ai-gateway/<ai_gateway_provider> (Coder >= 2.35). Without an API key or subscription token of the user's own, the workspace owner's Coder token authenticates; with one, that credential is used and the Coder token travels in the X-Coder-AI-Governance-Token header."
  type        = bool
  default     = false
  validation {
    condition     = !(var.enable_ai_gateway && var.enable_aibridge)
    error_message = "enable_ai_gateway and enable_aibridge are the same feature on two routes (ai-gateway from Coder 2.35, aibridge before); set only one."
  }
}

variable "enable_aibridge" {
  description = "Upstream v4.5's input: send Claude Code's model traffic through Coder's AI Bridge at <access URL>/api/v2/aibridge/<ai_gateway_provider> (the route Coder 2.30 to 2.36 serve), authenticated by the workspace owner's Coder token. Newer templates use enable_ai_gateway."
  type        = bool
  default     = false
  validation {
    condition     = !var.enable_aibridge || (var.claude_api_key == "" && var.anthropic_api_key == "" && var.claude_code_oauth_token == "")
    error_message = "enable_aibridge authenticates with the workspace owner's Coder token, so it takes no claude_api_key, anthropic_api_key or claude_code_oauth_token; for a key or subscription of your own through the gateway, use enable_ai_gateway."
  }
}

variable "ai_gateway_provider" {
  description = "The AI Gateway provider name the deployment's admin configured for Anthropic (the last segment of the gateway URL)."
  type        = string
  default     = "anthropic"
  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*$", var.ai_gateway_provider))
    error_message = "ai_gateway_provider must be a provider name such as \"anthropic\": letters, digits, '.', '_' and '-'."
  }
}

variable "anthropic_base_url" {
  description = "Claude Code's API endpoint (ANTHROPIC_BASE_URL), for a proxy or gateway of your own; its host is allowed through boundary. Empty: Anthropic's API (or the AI Gateway)."
  type        = string
  default     = ""
  validation {
    condition     = var.anthropic_base_url == "" || can(regex("^https?://[^[:space:]$]+$", var.anthropic_base_url))
    error_message = "anthropic_base_url must be an http(s) URL without spaces or \"$\" (the Coder agent expands $NAME in coder_env values)."
  }
  validation {
    condition     = var.anthropic_base_url == "" || !(var.enable_ai_gateway || var.enable_aibridge)
    error_message = "anthropic_base_url and the AI Gateway both set Claude Code's endpoint; set only one."
  }
}

variable "use_bedrock" {
  description = "Use Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK=1); give the AWS credentials and AWS_REGION through the template's own coder_env. Bedrock's hosts are allowed through boundary."
  type        = bool
  default     = false
  validation {
    condition     = !(var.use_bedrock && var.use_vertex)
    error_message = "use_bedrock and use_vertex choose two different model providers; set only one."
  }
  validation {
    condition     = !(var.use_bedrock && (var.enable_ai_gateway || var.enable_aibridge))
    error_message = "use_bedrock and the AI Gateway choose two different model providers; set only one."
  }
}

variable "use_vertex" {
  description = "Use Google Vertex AI (CLAUDE_CODE_USE_VERTEX=1); give CLOUD_ML_REGION, ANTHROPIC_VERTEX_PROJECT_ID and Google credentials through the template's own coder_env. Vertex's hosts are allowed through boundary."
  type        = bool
  default     = false
  validation {
    condition     = !(var.use_vertex && (var.enable_ai_gateway || var.enable_aibridge))
    error_message = "use_vertex and the AI Gateway choose two different model providers; set only one."
  }
}

variable "telemetry" {
  description = "OpenTelemetry export of Claude Code's metrics and events: enabled, otlp_endpoint, otlp_protocol (grpc, http/json or http/protobuf), otlp_headers (sent with every export; sensitive) and resource_attributes (coder.workspace_id, coder.workspace_name, coder.workspace_owner, coder.workspace_owner_id, coder.template_name, coder.template_version and coder.access_url are added and win over your own)."
  type = object({
    enabled             = optional(bool, false)
    otlp_endpoint       = optional(string, "")
    otlp_protocol       = optional(string, "http/protobuf")
    otlp_headers        = optional(map(string), {})
    resource_attributes = optional(map(string), {})
  })
  default = {}
  validation {
    condition     = contains(["grpc", "http/json", "http/protobuf"], var.telemetry.otlp_protocol)
    error_message = "telemetry.otlp_protocol must be grpc, http/json or http/protobuf."
  }
  validation {
    condition     = var.telemetry.otlp_endpoint == "" || can(regex("^https?://[^[:space:]$]+$", var.telemetry.otlp_endpoint))
    error_message = "telemetry.otlp_endpoint must be an http(s) URL without spaces or \"$\"."
  }
  validation {
    condition = alltrue([for k, v in merge(var.telemetry.otlp_headers, var.telemetry.resource_attributes) :
    can(regex("^[A-Za-z0-9._-]+$", k)) && !can(regex("[,$\\n]", v))])
    error_message = "telemetry.otlp_headers and telemetry.resource_attributes need plain keys (letters, digits, '.', '_', '-') and values without ',', '$' or newlines: OpenTelemetry joins them as k=v,k=v, and the Coder agent expands $NAME in coder_env values."
  }
  sensitive = true
}

# ---- Managed settings and API key helper ----

variable "managed_settings" {
  description = "Claude Code managed settings (policy), as an object such as { permissions = { deny = [\"WebFetch\"] } }: written to /etc/claude-code/managed-settings.d/50-claude-code-module.json, which Claude Code applies over every user and project setting. Needs root or passwordless sudo in the workspace; without them the start logs why and goes on. Removed again when unset. Sensitive: it may carry secrets (an env block), so the file is readable by root and the workspace user's group only."
  type        = any
  default     = null
  validation {
    condition     = var.managed_settings == null || can(keys(var.managed_settings))
    error_message = "managed_settings must be an object of Claude Code settings, such as { permissions = { deny = [\"WebFetch\"] } }; for JSON text, pass jsondecode(<text>)."
  }
  sensitive = true
}

variable "api_key_helper" {
  description = "A script whose output Claude Code uses as its API key (Claude Code's apiKeyHelper): script is its body (run with sh; a #! line picks another interpreter), ttl_ms how long Claude Code keeps a key before running it again (CLAUDE_CODE_API_KEY_HELPER_TTL_MS). Written to ~/.claude-module/api-key-helper.sh (mode 0700) and registered in ~/.claude/settings.json; both are taken back when unset."
  type = object({
    script = string
    ttl_ms = optional(number, 300000)
  })
  default = null
  validation {
    condition     = var.api_key_helper == null || try(trimspace(var.api_key_helper.script) != "", false)
    error_message = "api_key_helper.script must not be empty: it is the script that prints the API key."
  }
  validation {
    condition     = var.api_key_helper == null || try(var.api_key_helper.ttl_ms == floor(var.api_key_helper.ttl_ms) && var.api_key_helper.ttl_ms > 0, false)
    error_message = "api_key_helper.ttl_ms must be a whole number of milliseconds greater than 0, such as 300000 (five minutes)."
  }
  validation {
    condition     = var.api_key_helper == null || (var.claude_api_key == "" && var.anthropic_api_key == "" && var.claude_code_oauth_token == "")
    error_message = "api_key_helper supplies Claude Code's API key, so it takes no claude_api_key, anthropic_api_key or claude_code_oauth_token: set only the helper, or only a key or token."
  }
  validation {
    condition     = var.api_key_helper == null || !(var.enable_ai_gateway || var.enable_aibridge)
    error_message = "api_key_helper and the AI Gateway both decide Claude Code's credential; set only one (the gateway uses the workspace owner's Coder token)."
  }
  sensitive = true
}

# ---- Ordering with the template's own scripts ----

variable "wait_for_scripts" {
  description = "Script sync units (`coder exp sync` names) that must complete before Claude Code is configured and started, such as a git clone the template's own coder_script runs and marks with `coder exp sync start/complete <name>`. Installs still run meanwhile. Needs Coder >= 2.30 with the agent's socket server on (the default from 2.36)."
  type        = list(string)
  default     = []
  validation {
    condition     = alltrue([for unit in var.wait_for_scripts : can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]*$", unit))])
    error_message = "Each wait_for_scripts entry must be a sync unit name: letters, digits, '_', '.' and '-', such as \"git-clone\"."
  }
  validation {
    condition     = !contains(var.wait_for_scripts, "coder-claude-code-start_script")
    error_message = "wait_for_scripts must not name the module's own unit (coder-claude-code-start_script): it would wait for itself."
  }
}
