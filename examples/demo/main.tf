# A minimal template using the module: one agent, Claude Code behind AgentAPI,
# one MCP server. tools/demo.sh applies it and runs it through the local agent
# runner; the download URLs point at a loopback stand-in for GitHub and
# claude.ai because this machine cannot reach them.

terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

variable "workdir" {
  type = string
}

variable "agentapi_releases_url" {
  type = string
}

variable "claude_installer_url" {
  type = string
}

variable "agentapi_port" {
  type    = number
  default = 3284
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}

module "claude-code" {
  source                = "../.."
  agent_id              = coder_agent.main.id
  workdir               = var.workdir
  agentapi_releases_url = var.agentapi_releases_url
  claude_installer_url  = var.claude_installer_url
  agentapi_port         = var.agentapi_port
  ai_prompt             = "Summarise the README in this directory."
  mcp = jsonencode({
    mcpServers = {
      filesystem = {
        command = "npx"
        args    = ["-y", "@modelcontextprotocol/server-filesystem", var.workdir]
      }
    }
  })
}

output "task_app_id" {
  value = module.claude-code.task_app_id
}
