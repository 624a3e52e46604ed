terraform {
  required_version = ">= 1.9"
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.13"
    }
  }
}

data "coder_workspace" "me" {}

data "coder_workspace_owner" "me" {}

# The task this workspace runs, if any: from Coder v2.28 its prompt reaches Terraform only here (no
# "AI Prompt" parameter). Outside a task, and on older Coder, enabled is false and prompt empty.
data "coder_task" "me" {}

locals {
  # An input given wins; else the task's own, so a template need not know its Coder's version.
  ai_prompt = var.ai_prompt != "" ? var.ai_prompt : data.coder_task.me.prompt
  task_id   = var.task_id != "" ? var.task_id : (data.coder_task.me.enabled ? data.coder_task.me.id : "")

  # "auto": the web chat a task needs in a task, the terminal session elsewhere. Coder before v2.28
  # never says that a workspace runs a task, so there "auto" is always the session.
  session_app = var.session_app != "auto" ? var.session_app : (data.coder_task.me.enabled ? "agentapi" : "tmux")
  # Only AgentAPI's web chat can be a task's app.
  report_tasks = var.report_tasks && local.session_app == "agentapi"
}

locals {
  app_slug = var.app_slug
  # Where this instance keeps its scripts, pid, summary and logs, under $HOME: the "ccw" instance
  # where the README and upstream put them, each other one beside it. app_slug is validated to
  # [a-z0-9-], so the path is inert in the launcher's and the apps' shell text.
  instance_dir = var.app_slug == "ccw" ? ".claude-module" : ".claude-module/instances/${var.app_slug}"
  # The scripts' names in the agent's logs, and the start script's in the agent's script sync (the
  # scripts output, for `coder exp sync want`).
  script_name = var.app_slug == "ccw" ? "Claude Code" : "Claude Code (${var.app_slug})"
  sync_unit   = var.app_slug == "ccw" ? "coder-claude-code-start_script" : "coder-claude-code-${var.app_slug}-start_script"

  # A pinned version must stay pinned: every way Claude Code updates itself is turned off.
  block_claude_updates = var.disable_autoupdater || var.claude_code_version != "latest"

  mcp_servers = jsondecode(var.mcp == "" ? "{\"mcpServers\": {}}" : var.mcp).mcpServers

  # One tool rule of allowed_tools/disallowed_tools, split the way Claude Code splits them: at commas and
  # whitespace, except inside parentheses ("Bash(git log:*)" is one rule).
  tool_rule_pattern = "(?:[^,\\s()]|\\([^()\\r\\n]*\\))+"

  # What each script receives: the contract in src/contract.ts, checked by test/terraform/contract.test.ts.
  start_args = {
    # Workspace and apps
    WORKDIR = coalesce(var.workdir, "$HOME")
    # Installing Claude Code
    INSTALL_CLAUDE_CODE  = tostring(var.install_claude_code)
    CLAUDE_CODE_VERSION  = var.claude_code_version
    CLAUDE_INSTALLER_URL = var.claude_installer_url
    INSTALL_VIA_NPM      = tostring(var.install_via_npm)
    CLAUDE_BINARY_PATH   = var.claude_binary_path
    CLAUDE_EXECUTABLE    = var.claude_executable
    BLOCK_CLAUDE_UPDATES = tostring(local.block_claude_updates)
    # AgentAPI
    INSTALL_AGENTAPI      = tostring(var.install_agentapi)
    AGENTAPI_VERSION      = var.agentapi_version
    AGENTAPI_RELEASES_URL = var.agentapi_releases_url
    AGENTAPI_SHA256       = var.agentapi_sha256
    AGENTAPI_PORT         = tostring(var.agentapi_port)
    STATE_PERSISTENCE     = local.state_persistence
    # The apps
    SESSION_APP     = local.session_app
    APP_SLUG        = local.app_slug
    INSTANCE_DIR    = local.instance_dir
    SUBDOMAIN       = tostring(var.subdomain)
    WORKSPACE_OWNER = data.coder_workspace_owner.me.name
    WORKSPACE_NAME  = data.coder_workspace.me.name
    # MCP servers
    MCP_SERVERS            = join("\n", [for name, server in local.mcp_servers : "${base64encode(name)} ${base64encode(jsonencode(server))}"])
    MCP_CHECK_TIMEOUT      = tostring(var.mcp_check_timeout)
    MCP_REQUIRED           = join("\n", var.mcp_required)
    MCP_CHECK_USER_SERVERS = tostring(var.mcp_check_user_servers)
    MCP_PROJECT_FILE       = tostring(var.mcp_project_file)
    # Skills
    SKILLS = join("\n", [for name, text in var.skills : "${base64encode(name)} ${base64encode(text)}"])
    # Prompt, sessions and permissions
    AI_PROMPT                    = local.ai_prompt
    CONTINUE                     = tostring(var.continue)
    RESUME_SESSION_ID            = lower(var.resume_session_id)
    TASK_ID                      = lower(local.task_id)
    DANGEROUSLY_SKIP_PERMISSIONS = tostring(var.dangerously_skip_permissions)
    PERMISSION_MODE              = var.permission_mode
    ALLOWED_TOOLS                = join("\n", regexall(local.tool_rule_pattern, var.allowed_tools))
    DISALLOWED_TOOLS             = join("\n", regexall(local.tool_rule_pattern, var.disallowed_tools))
    # Tasks, authentication and Claude configuration
    REPORT_TASKS   = tostring(local.report_tasks)
    STATUS_SOURCE  = var.web_app || local.session_app == "tmux" ? var.status_source : "off" # without an app, no app takes a status
    ACCESS_URL     = data.coder_workspace.me.access_url
    SYSTEM_PROMPT  = local.system_prompt
    CLAUDE_MD_PATH = var.claude_md_path
    # Install hooks
    PRE_INSTALL_SCRIPT  = var.pre_install_script == null ? "" : var.pre_install_script
    POST_INSTALL_SCRIPT = var.post_install_script == null ? "" : var.post_install_script
    # Boundary
    ENABLE_BOUNDARY       = tostring(var.enable_boundary)
    BOUNDARY_MODE         = var.compile_boundary_from_source ? "source" : var.use_boundary_directly ? "release" : "coder"
    BOUNDARY_VERSION      = local.boundary_version
    BOUNDARY_RELEASES_URL = var.boundary_releases_url
    BOUNDARY_SHA256       = var.boundary_sha256
    BOUNDARY_ALLOWLIST    = join("\n", var.boundary_allowlist)
    BOUNDARY_CONFIG_PATH  = var.boundary_config_path
    BOUNDARY_JAIL_TYPE    = var.boundary_jail_type
    BOUNDARY_FAIL_OPEN    = tostring(var.boundary_fail_open)
    # The deployment's host, without scheme, credentials or port (what an allow rule's domain= takes).
    # Script sync (coder exp sync)
    SYNC_UNIT           = local.sync_unit
    WAIT_FOR_SCRIPTS    = join("\n", var.wait_for_scripts)
    BOUNDARY_CODER_HOST = try(regex("^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?([A-Za-z0-9.-]+)(?::[0-9]+)?(?:[/?#].*)?$", data.coder_workspace.me.access_url)[0], "")
  }
  stop_args = {
    INSTANCE_DIR  = local.instance_dir
    AGENTAPI_PORT = tostring(var.agentapi_port)
    TASK_ID       = lower(local.task_id)
    ACCESS_URL    = data.coder_workspace.me.access_url
  }
}

# ---- Skills ----

# The checks variables.tf makes of skills.
locals {
  # Claude Code's rule for a skill's name, and the Agent Skills format's (no hyphen at either end).
  skill_name_pattern = "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$"
  # The YAML frontmatter a SKILL.md starts with, between a "---" line and the next (captured).
  skill_frontmatter_pattern = "^---[ \\t]*\\r?\\n((?s:.*?))\\r?\\n---[ \\t]*(?:\\r?\\n|$)"
  # In the frontmatter: the skill's name (NAME, replaced by it), plain or quoted.
  skill_name_field_pattern = "(?m)^name:[ \\t]*(?:NAME|\"NAME\"|'NAME')[ \\t]*(?:#.*)?\\r?$"
  # In the frontmatter: a description that is not empty (a folded or literal block counts; "", ''
  # and ~ are YAML's empty string and null).
  skill_description_pattern = "(?m)^description:[ \\t]*(?:[^\\s#\"'~]|~\\S|\"[^\"]|'[^'])"
}

# ---- AgentAPI ----

locals {
  # AgentAPI keeps a chat in a state file from v0.12.0. A pinned download is known now; "latest" and
  # a binary of the image are asked at start ("check").
  agentapi_pinned      = var.install_agentapi && var.agentapi_version != "latest"
  agentapi_major_minor = local.agentapi_pinned ? [for n in regex("^v?([0-9]+)\\.([0-9]+)\\.", var.agentapi_version) : tonumber(n)] : [0, 0]
  state_persistence = (
    !var.enable_state_persistence ? "off" :
    !local.agentapi_pinned ? "check" :
    local.agentapi_major_minor[0] > 0 || local.agentapi_major_minor[1] >= 12 ? "on" : "unsupported"
  )
}

# A warning, not an error: the default is on, and an older AgentAPI runs fine without it.
locals {
  # Upstream's moving "latest" (v4.5+) and "main" (v4.4.1) become boundary_version's default release
  # (the same string as in variables.tf; test/unit/defaults.test.ts checks they agree).
  boundary_moving  = contains(["latest", "main"], var.boundary_version)
  boundary_version = local.boundary_moving ? "v0.8.0" : var.boundary_version
}

check "boundary_version_pinned" {
  assert {
    condition     = !local.boundary_moving
    error_message = "boundary_version = \"${var.boundary_version}\" is read as ${local.boundary_version}, the release this module verifies; set it to an exact release to say which one you want."
  }
}

check "state_persistence_supported" {
  assert {
    condition     = local.state_persistence != "unsupported"
    error_message = "enable_state_persistence is on, but AgentAPI ${var.agentapi_version} cannot keep the chat (state files came in v0.12.0): the chat's history will not survive a restart. Set agentapi_version to v0.12.0 or later, or enable_state_persistence = false."
  }
}

locals {
  start_script = templatefile("${path.module}/scripts/launch.sh.tftpl", {
    name         = "start"
    instance_dir = local.instance_dir
    script       = base64gzip(file("${path.module}/scripts/start.sh"))
    digest       = filesha256("${path.module}/scripts/start.sh")
    # The arguments of type "text" in src/contract.ts travel compressed (empty as empty).
    args = { for key, value in local.start_args : key => (
      contains(["AI_PROMPT"], key) ? (value == "" ? "" : base64gzip(value)) : base64encode(value)
    ) }
  })
  # The agent runs a coder_script as one command-line argument (sh -c), which Linux caps at 128 KiB
  # with its terminating NUL; past that the script cannot even start.
  script_limit = 131071
}

resource "coder_script" "start" {
  agent_id     = var.agent_id
  display_name = local.script_name
  icon         = var.icon
  run_on_start = true
  script       = local.start_script
  lifecycle {
    precondition {
      # The message prints lengths only: the script holds mcp, which is sensitive.
      condition     = length(local.start_script) <= local.script_limit
      error_message = "The start script would be ${nonsensitive(length(local.start_script))} bytes, more than the ${local.script_limit} the Coder agent can run (it passes the script as one command-line argument, which Linux caps at 128 KiB). Its inputs travel base64-encoded in it: ai_prompt takes ${length(base64gzip(local.ai_prompt))} bytes (compressed), the system prompt ${length(base64encode(local.system_prompt))}, mcp ${nonsensitive(length(base64encode(local.start_args.MCP_SERVERS)))}, skills ${length(base64encode(local.start_args.SKILLS))}. Shorten the largest: put long instructions in a file in the repository and refer to it."
    }
  }
}

resource "coder_script" "stop" {
  agent_id     = var.agent_id
  display_name = "${local.script_name}: stop"
  icon         = var.icon
  run_on_stop  = true
  script = templatefile("${path.module}/scripts/launch.sh.tftpl", {
    name         = "stop"
    instance_dir = local.instance_dir
    script       = base64gzip(file("${path.module}/scripts/stop.sh"))
    digest       = filesha256("${path.module}/scripts/stop.sh")
    args         = { for key, value in local.stop_args : key => base64encode(value) }
  })
}

resource "coder_app" "web" {
  count        = var.web_app && local.session_app == "agentapi" ? 1 : 0
  agent_id     = var.agent_id
  slug         = local.app_slug
  display_name = var.web_app_display_name
  icon         = var.icon
  order        = var.order
  group        = var.group
  url          = "http://localhost:${var.agentapi_port}/"
  subdomain    = var.subdomain
  healthcheck {
    url       = "http://localhost:${var.agentapi_port}/status"
    interval  = 3
    threshold = 20
  }
}

# session_app = "tmux": a terminal on the module's tmux session, which the start script created.
# The session outlives the window; when Claude has exited, the launcher starts it again (resumed)
# through the start script, with the arguments the last start saved.
resource "coder_app" "session" {
  count        = local.session_app == "tmux" ? 1 : 0
  agent_id     = var.agent_id
  slug         = local.app_slug
  display_name = var.web_app_display_name
  icon         = var.icon
  order        = var.order
  group        = var.group
  open_in      = "slim-window"
  command      = <<-EOT
    session="$HOME/${local.instance_dir}/bin/claude-session"
    if [ ! -x "$session" ]; then
      echo "Claude Code is not set up yet: $session is missing. Wait for the workspace's Claude Code script to finish." >&2
      exit 1
    fi
    exec "$session"
  EOT
}

# The web app had no count before web_app existed: existing workspaces keep the same app.
moved {
  from = coder_app.web
  to   = coder_app.web[0]
}

# ---- Installing Claude Code ----

# Terminals get it through the agent and Claude under AgentAPI inherits it from the start script.
resource "coder_env" "disable_autoupdater" {
  count    = local.block_claude_updates ? 1 : 0
  agent_id = var.agent_id
  name     = "DISABLE_AUTOUPDATER"
  value    = "1"
}

# ---- MCP servers ----

# A URL may carry a token, so the list travels in the environment, not in the start script's command
# line; base64, because the agent expands `$` in coder_env values. The start script unsets it before
# it starts anything.
resource "coder_env" "mcp_config_urls" {
  count    = nonsensitive(length(var.mcp_config_remote_path)) > 0 ? 1 : 0
  agent_id = var.agent_id
  name     = "CLAUDE_MODULE_MCP_CONFIG_URLS"
  value    = base64encode(join("\n", var.mcp_config_remote_path))
}

# ---- Tasks, authentication and Claude configuration ----

locals {
  # Claude learns this through CLAUDE.md: the coder CLI writes it there in task mode.
  task_reporting_prompt = <<-EOT
    You are running as a Coder Task: the user follows your work from the Coder dashboard rather than
    watching this terminal. Keep that view current with the coder_report_task tool of the "coder" MCP server.
    - Report state "working" when you begin a piece of work and whenever its focus changes.
    - Report state "idle" when you are waiting for the user: a question, a decision or more input.
    - Report state "complete" when the request is done, with the outcome in one line.
    - Report state "failure" when you cannot go on, with the reason.
    Keep each summary short (under 160 characters) and written for someone skimming a list of tasks.
    Report before a long-running step, not only after it. The tool only shows status; it does no work.
  EOT

  # The task-reporting instructions (task mode only) followed by the template's own.
  system_prompt = join("\n\n", compact([
    local.report_tasks && var.status_source != "hooks" ? trimspace(local.task_reporting_prompt) : "",
    trimspace(var.system_prompt),
  ]))
}

locals {
  # claude_api_key (upstream v4) and anthropic_api_key (upstream v5) name the same key; at most one is set.
  api_key = var.claude_api_key != "" ? var.claude_api_key : var.anthropic_api_key
}

# Claude Code does not read CLAUDE_API_KEY; the coder CLI and upstream templates do.
resource "coder_env" "claude_api_key" {
  count    = local.api_key != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "CLAUDE_API_KEY"
  value    = local.api_key
}

# What Claude Code reads; the start script approves it so Claude does not ask "use this API key?".
resource "coder_env" "anthropic_api_key" {
  count    = local.api_key != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "ANTHROPIC_API_KEY"
  value    = local.api_key
}

# Upstream's own README example sets both, so this is a warning, not an error.
check "one_claude_credential" {
  assert {
    condition     = local.api_key == "" || var.claude_code_oauth_token == ""
    error_message = "An API key and claude_code_oauth_token are both set: Claude Code uses the API key and ignores the token. Set only one."
  }
}

resource "coder_env" "claude_code_oauth_token" {
  count    = var.claude_code_oauth_token != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "CLAUDE_CODE_OAUTH_TOKEN"
  value    = var.claude_code_oauth_token
}

resource "coder_env" "anthropic_model" {
  count    = var.model != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "ANTHROPIC_MODEL"
  value    = var.model
}

# The system prompt is deliberately not a coder_env: the agent expands `$NAME` in every coder_env
# value (Go's os.ExpandEnv, no escape), which would mangle a prompt like "costs $5". Only the coder
# CLI reads CODER_MCP_CLAUDE_SYSTEM_PROMPT, and the start script hands it the prompt itself.
# For the same reason variables.tf refuses a `$` in every value below but a leading $HOME/.
resource "coder_env" "claude_md_path" {
  count    = var.claude_md_path != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "CODER_MCP_CLAUDE_MD_PATH"
  value    = var.claude_md_path
}

# A terminal attached to the session AgentAPI runs. The binary path is fixed by the start script;
# the port is a validated whole number, so it is safe in the command text.
resource "coder_app" "cli" {
  count        = var.cli_app && local.session_app == "agentapi" ? 1 : 0
  agent_id     = var.agent_id
  slug         = "${local.app_slug}-cli"
  display_name = var.cli_app_display_name
  icon         = var.icon
  command      = <<-EOT
    agentapi="$HOME/.claude-module/bin/agentapi"
    if [ ! -x "$agentapi" ]; then
      echo "Claude Code is not set up yet: $agentapi is missing. Wait for the workspace's Claude Code script to finish." >&2
      exit 1
    fi
    LANG=C.UTF-8 LC_ALL=C.UTF-8 exec "$agentapi" attach --url "localhost:${var.agentapi_port}"
  EOT
}

# ---- Boundary ----

# ---- Model access: AI Gateway, base URL, cloud providers, telemetry ----

locals {
  # Coder's AI Gateway: /ai-gateway from Coder 2.35 (enable_ai_gateway), /aibridge on 2.30 to 2.36 (enable_aibridge).
  ai_gateway_route = var.enable_ai_gateway ? "ai-gateway" : var.enable_aibridge ? "aibridge" : ""
  ai_gateway_url   = "${trimsuffix(data.coder_workspace.me.access_url, "/")}/api/v2/${local.ai_gateway_route}/${var.ai_gateway_provider}"
  # With no credential of the user's own the Coder token is the credential (the gateway's central key
  # pays); with one, the Coder token rides along in the governance header Coder documents.
  ai_gateway_byok = local.ai_gateway_route != "" && (local.api_key != "" || var.claude_code_oauth_token != "")
  base_url        = local.ai_gateway_route != "" ? local.ai_gateway_url : var.anthropic_base_url

  telemetry_attributes = merge(var.telemetry.resource_attributes, {
    "coder.workspace_id"       = data.coder_workspace.me.id
    "coder.workspace_name"     = data.coder_workspace.me.name
    "coder.workspace_owner"    = data.coder_workspace_owner.me.name
    "coder.workspace_owner_id" = data.coder_workspace_owner.me.id
    "coder.template_name"      = data.coder_workspace.me.template_name
    "coder.template_version"   = data.coder_workspace.me.template_version
    "coder.access_url"         = data.coder_workspace.me.access_url
  })
  # Claude Code exports only to the exporters named; the endpoint alone sends nothing.
  telemetry_env = !var.telemetry.enabled ? {} : merge(
    {
      CLAUDE_CODE_ENABLE_TELEMETRY = "1"
      OTEL_RESOURCE_ATTRIBUTES     = join(",", [for k, v in local.telemetry_attributes : "${k}=${v}"])
    },
    var.telemetry.otlp_endpoint == "" ? {} : {
      OTEL_METRICS_EXPORTER       = "otlp"
      OTEL_LOGS_EXPORTER          = "otlp"
      OTEL_EXPORTER_OTLP_ENDPOINT = var.telemetry.otlp_endpoint
      OTEL_EXPORTER_OTLP_PROTOCOL = var.telemetry.otlp_protocol
    },
    length(var.telemetry.otlp_headers) == 0 ? {} : {
      OTEL_EXPORTER_OTLP_HEADERS = join(",", [for k, v in var.telemetry.otlp_headers : "${k}=${v}"])
    },
  )
}

resource "coder_env" "anthropic_base_url" {
  count    = local.base_url != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "ANTHROPIC_BASE_URL"
  value    = local.base_url
}

resource "coder_env" "ai_gateway_token" {
  count    = local.ai_gateway_route != "" && !local.ai_gateway_byok ? 1 : 0
  agent_id = var.agent_id
  name     = "ANTHROPIC_AUTH_TOKEN"
  value    = data.coder_workspace_owner.me.session_token
}

resource "coder_env" "ai_gateway_header" {
  count    = local.ai_gateway_byok ? 1 : 0
  agent_id = var.agent_id
  name     = "ANTHROPIC_CUSTOM_HEADERS"
  value    = "X-Coder-AI-Governance-Token: ${data.coder_workspace_owner.me.session_token}"
}

resource "coder_env" "use_bedrock" {
  count    = var.use_bedrock ? 1 : 0
  agent_id = var.agent_id
  name     = "CLAUDE_CODE_USE_BEDROCK"
  value    = "1"
}

resource "coder_env" "use_vertex" {
  count    = var.use_vertex ? 1 : 0
  agent_id = var.agent_id
  name     = "CLAUDE_CODE_USE_VERTEX"
  value    = "1"
}

resource "coder_env" "telemetry" {
  for_each = nonsensitive(toset(keys(local.telemetry_env)))
  agent_id = var.agent_id
  name     = each.key
  value    = local.telemetry_env[each.key]
}

# ---- Managed settings and API key helper ----

locals {
  # An empty object is "unset": the start script then takes the module's drop-in file back.
  managed_settings = var.managed_settings == null ? "" : length(keys(var.managed_settings)) == 0 ? "" : jsonencode(var.managed_settings)
}

# Both may hold secrets, so they travel as coder_env (not in the script's text, which the agent
# passes as a process argument), base64-encoded so the agent's $NAME expansion leaves them intact.
resource "coder_env" "managed_settings" {
  count    = local.managed_settings != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "CLAUDE_MODULE_MANAGED_SETTINGS"
  value    = base64encode(local.managed_settings)
}

resource "coder_env" "api_key_helper" {
  count    = var.api_key_helper != null ? 1 : 0
  agent_id = var.agent_id
  name     = "CLAUDE_MODULE_API_KEY_HELPER"
  value    = base64encode(var.api_key_helper.script)
}

resource "coder_env" "api_key_helper_ttl" {
  count    = var.api_key_helper != null ? 1 : 0
  agent_id = var.agent_id
  name     = "CLAUDE_CODE_API_KEY_HELPER_TTL_MS"
  value    = tostring(var.api_key_helper.ttl_ms)
}
