# ---- Workspace and apps ----

variable "agent_id" {
  description = "The ID of the Coder agent to install Claude Code on (coder_agent.<name>.id)."
  type        = string
}

variable "workdir" {
  description = "The directory Claude Code works in. Created when missing. A leading ~ or $HOME means the workspace user's home."
  type        = string
  validation {
    condition     = startswith(var.workdir, "/") || var.workdir == "~" || startswith(var.workdir, "~/") || var.workdir == "$HOME" || startswith(var.workdir, "$HOME/")
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

variable "web_app_display_name" {
  description = "Display name of the Claude Code web chat app."
  type        = string
  default     = "Claude Code"
}

variable "subdomain" {
  description = "Serve the web chat on its own subdomain (needs a wildcard access URL; recommended in production). When false the chat is path-based."
  type        = bool
  default     = false
}

# ---- Installing Claude Code ----

variable "install_claude_code" {
  description = "Install Claude Code. When false, an existing claude on PATH is used and its absence is an error."
  type        = bool
  default     = true
}

variable "claude_code_version" {
  description = "Claude Code version: \"latest\" (official installer) or an exact version such as \"2.1.329\" or \"v2.1.329\" (installed from npm)."
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

# ---- Prompt, sessions and permissions ----

variable "ai_prompt" {
  description = "Initial prompt sent to Claude Code when it starts."
  type        = string
  default     = ""
}

# ---- MCP servers ----

variable "mcp" {
  description = "MCP servers for Claude Code as JSON: {\"mcpServers\": {\"<name>\": {...}}}. Reconciled on every start in the work dir. Keep secrets out: use \"$${VAR}\" references to coder_env variables."
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
}

# ---- Tasks, authentication and Claude configuration ----

variable "report_tasks" {
  description = "Run as a Coder Task: Claude reports its status to Coder through the coder CLI's MCP server. When false, Claude Code runs standalone (still behind AgentAPI)."
  type        = bool
  default     = true
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
  description = "Anthropic API key. Exported as CLAUDE_API_KEY and ANTHROPIC_API_KEY and approved in ~/.claude.json (by its last 20 characters, as Claude Code itself records it), so Claude Code uses it without asking. The module never writes the key to disk."
  type        = string
  default     = ""
  sensitive   = true
  validation {
    condition     = !can(regex("[[:space:]]", var.claude_api_key))
    error_message = "claude_api_key must not contain spaces or newlines; paste the key alone."
  }
  validation {
    condition     = var.claude_api_key == "" || var.claude_code_oauth_token == ""
    error_message = "Set claude_api_key or claude_code_oauth_token, not both: Claude Code would bill one and ignore the other."
  }
}

variable "claude_code_oauth_token" {
  description = "Long-lived Claude subscription token from `claude setup-token`. Exported as CLAUDE_CODE_OAUTH_TOKEN."
  type        = string
  default     = ""
  sensitive   = true
  validation {
    condition     = !can(regex("[[:space:]]", var.claude_code_oauth_token))
    error_message = "claude_code_oauth_token must not contain spaces or newlines; paste the token alone."
  }
}

variable "model" {
  description = "Model Claude Code uses, exported as ANTHROPIC_MODEL: an alias such as \"sonnet\" or \"opus\", or a full model name (including Bedrock and Vertex model IDs). Empty: Claude Code's default."
  type        = string
  default     = ""
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
  description = "The user-level CLAUDE.md that receives the system prompt (exported as CODER_MCP_CLAUDE_MD_PATH). A leading ~ or $HOME means the workspace user's home."
  type        = string
  default     = "$HOME/.claude/CLAUDE.md"
  validation {
    condition     = var.claude_md_path == "" || startswith(var.claude_md_path, "/") || startswith(var.claude_md_path, "~/") || startswith(var.claude_md_path, "$HOME/")
    error_message = "claude_md_path must be absolute (\"/home/coder/.claude/CLAUDE.md\") or start with ~/ or $HOME/."
  }
}

# ---- Install hooks ----

# ---- Boundary ----
