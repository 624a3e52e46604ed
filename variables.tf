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

# ---- Install hooks ----

# ---- Boundary ----

variable "enable_boundary" {
  description = "Run Claude Code inside boundary, which only lets it reach the hosts of an allowlist (the Claude API, the Coder deployment, the configured model backend and the template's additions). Applies to the chat app and to `claude` started from a terminal. When boundary cannot start, Claude Code is not started (see boundary_fail_open)."
  type        = bool
  default     = false
}

variable "boundary_version" {
  description = "Exact boundary release to download (use_boundary_directly) or build (compile_boundary_from_source), such as \"v0.8.0\". Not used by the default mode, which runs the workspace's `coder boundary` subcommand."
  type        = string
  default     = "v0.8.0"
  validation {
    condition     = can(regex("^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.]+)?$", var.boundary_version))
    error_message = "boundary_version must be an exact release such as \"v0.8.0\"; branches and \"latest\" are not accepted because the module verifies the version it installs."
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
