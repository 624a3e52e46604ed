terraform {
  required_version = ">= 1.9"
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.12"
    }
  }
}

data "coder_workspace" "me" {}

data "coder_workspace_owner" "me" {}

locals {
  app_slug = "ccw"

  mcp_servers = jsondecode(var.mcp == "" ? "{\"mcpServers\": {}}" : var.mcp).mcpServers

  # What each script receives: the contract in src/contract.ts, checked by test/terraform/contract.test.ts.
  start_args = {
    # Workspace and apps
    WORKDIR = var.workdir
    # Installing Claude Code
    INSTALL_CLAUDE_CODE  = tostring(var.install_claude_code)
    CLAUDE_CODE_VERSION  = var.claude_code_version
    CLAUDE_INSTALLER_URL = var.claude_installer_url
    # AgentAPI
    INSTALL_AGENTAPI      = tostring(var.install_agentapi)
    AGENTAPI_VERSION      = var.agentapi_version
    AGENTAPI_RELEASES_URL = var.agentapi_releases_url
    AGENTAPI_SHA256       = var.agentapi_sha256
    AGENTAPI_PORT         = tostring(var.agentapi_port)
    # The web app
    APP_SLUG        = local.app_slug
    SUBDOMAIN       = tostring(var.subdomain)
    WORKSPACE_OWNER = data.coder_workspace_owner.me.name
    WORKSPACE_NAME  = data.coder_workspace.me.name
    # MCP servers
    MCP_SERVERS = join("\n", [for name, server in local.mcp_servers : "${base64encode(name)} ${base64encode(jsonencode(server))}"])
    # Prompt, sessions and permissions
    AI_PROMPT = var.ai_prompt
    # Tasks, authentication and Claude configuration
    REPORT_TASKS = tostring(var.report_tasks)
    # Install hooks
    # Boundary
    ENABLE_BOUNDARY       = tostring(var.enable_boundary)
    BOUNDARY_MODE         = var.compile_boundary_from_source ? "source" : var.use_boundary_directly ? "release" : "coder"
    BOUNDARY_VERSION      = var.boundary_version
    BOUNDARY_RELEASES_URL = var.boundary_releases_url
    BOUNDARY_SHA256       = var.boundary_sha256
    BOUNDARY_ALLOWLIST    = join("\n", var.boundary_allowlist)
    BOUNDARY_CONFIG_PATH  = var.boundary_config_path
    BOUNDARY_JAIL_TYPE    = var.boundary_jail_type
    BOUNDARY_FAIL_OPEN    = tostring(var.boundary_fail_open)
    # The deployment's host, without scheme, credentials or port (what an allow rule's domain= takes).
    BOUNDARY_CODER_HOST = try(regex("^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/]*@)?([A-Za-z0-9.-]+)(?::[0-9]+)?(?:[/?#].*)?$", data.coder_workspace.me.access_url)[0], "")
  }
  stop_args = {}
}

resource "coder_script" "start" {
  agent_id     = var.agent_id
  display_name = "Claude Code"
  icon         = var.icon
  run_on_start = true
  script = templatefile("${path.module}/scripts/launch.sh.tftpl", {
    name   = "start"
    script = filebase64("${path.module}/scripts/start.sh")
    args   = { for key, value in local.start_args : key => base64encode(value) }
  })
}

resource "coder_script" "stop" {
  agent_id     = var.agent_id
  display_name = "Claude Code: stop"
  icon         = var.icon
  run_on_stop  = true
  script = templatefile("${path.module}/scripts/launch.sh.tftpl", {
    name   = "stop"
    script = filebase64("${path.module}/scripts/stop.sh")
    args   = { for key, value in local.stop_args : key => base64encode(value) }
  })
}

resource "coder_app" "web" {
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

# ---- Tasks, authentication and Claude configuration ----

# ---- Boundary ----
