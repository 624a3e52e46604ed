# The module part of the demo template that tools/demo.sh pushes to a real Coder: a Coder Task
# whose prompt (read by the module from data.coder_task) starts Claude Code behind AgentAPI, in the
# work dir ~/project. The rest of the template (the agent, the "compute" that starts it on this
# machine, the scripted model's address and the variables used below) is
# test/coder/template/workspace.tf. The download URLs point at the
# deployment's release mirror, a loopback stand-in for GitHub and claude.ai.

module "claude-code" {
  source   = "../.."
  agent_id = coder_agent.main.id
  workdir  = "~/project"

  claude_api_key        = var.model_api_key
  agentapi_port         = var.agentapi_port
  agentapi_releases_url = "${var.releases_url}/agentapi"
  claude_installer_url  = "${var.releases_url}/claude/install.sh"
  cli_app               = true
}

resource "coder_ai_task" "task" {
  count  = data.coder_workspace.me.start_count
  app_id = module.claude-code.task_app_id
}
