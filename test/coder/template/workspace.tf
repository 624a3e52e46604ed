# The part of every real-Coder test template that is not the module: one agent, started on this
# machine by test/coder/compute.sh as a non-root user (the "compute"), and the environment that
# points Claude Code at the scripted model (test/lib/model.ts, a test double for the Anthropic API).
# The module's block sits next to this file (module.tf, or an example from the README).

terraform {
  required_providers {
    coder = {
      source = "coder/coder"
    }
  }
}

variable "compute_script" {
  type        = string
  description = "Absolute path of test/coder/compute.sh."
}

variable "homes" {
  type        = string
  description = "Directory holding each workspace's persistent home."
}

variable "coder_bin" {
  type        = string
  description = "The coder binary the agent runs as."
}

variable "workspace_user" {
  type        = string
  description = "The Unix user workspaces run as."
}

variable "model_url" {
  type        = string
  description = "Base URL of the scripted Messages API endpoint."
}

variable "model_api_key" {
  type        = string
  sensitive   = true
  description = "The fake API key the scripted endpoint accepts."
}

variable "releases_url" {
  type        = string
  description = "Base URL of the release mirror (tools/release-mirror.ts)."
}

variable "agentapi_port" {
  type        = number
  description = "AgentAPI's port: distinct per template, as workspaces share this machine's network."
}

variable "agentapi_port_2" {
  type        = number
  description = "A second module block's AgentAPI port (another instance in the same workspace)."
}

data "coder_provisioner" "me" {}

data "coder_workspace" "me" {}

data "coder_workspace_owner" "me" {}

resource "coder_agent" "main" {
  os   = "linux"
  arch = data.coder_provisioner.me.arch
}

# Claude Code talks to the scripted model and nowhere else.
resource "coder_env" "model_url" {
  agent_id = coder_agent.main.id
  name     = "ANTHROPIC_BASE_URL"
  value    = var.model_url
}

resource "coder_env" "nonessential_traffic" {
  agent_id = coder_agent.main.id
  name     = "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"
  value    = "1"
}

resource "coder_env" "marketplace" {
  agent_id = coder_agent.main.id
  name     = "CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL"
  value    = "1"
}

resource "terraform_data" "compute" {
  count            = data.coder_workspace.me.start_count
  triggers_replace = [coder_agent.main.id]
  input = {
    script = var.compute_script
    env = {
      WORKSPACE      = "${data.coder_workspace_owner.me.name}.${data.coder_workspace.me.name}"
      HOMES          = var.homes
      CODER_BIN      = var.coder_bin
      WORKSPACE_USER = var.workspace_user
    }
  }

  provisioner "local-exec" {
    command = "${self.input.script} start"
    environment = merge(self.input.env, {
      CODER_AGENT_TOKEN = coder_agent.main.token
      CODER_AGENT_URL   = data.coder_workspace.me.access_url
    })
  }

  provisioner "local-exec" {
    when        = destroy
    command     = "${self.input.script} stop"
    environment = self.input.env
  }
}
