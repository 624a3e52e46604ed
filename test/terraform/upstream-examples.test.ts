// Every usage shown in the upstream v4.4.1 README must plan with only `source` changed.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { plan, templatePreamble } from "../lib/terraform.ts";
import { root } from "../lib/paths.ts";
import { scratchDir } from "../lib/scratch.ts";

const examples: Record<string, string> = {
  basic: `
module "claude-code" {
  source         = "${root}"
  agent_id       = coder_agent.main.id
  workdir        = "/home/coder/project"
  claude_api_key = "xxxx-xxxxx-xxxx"
}`,
  boundary: `
module "claude-code" {
  source           = "${root}"
  agent_id         = coder_agent.main.id
  workdir          = "/home/coder/project"
  enable_boundary  = true
  boundary_version = "v0.5.1"
}`,
  "tasks and advanced configuration": `
data "coder_parameter" "ai_prompt" {
  type        = "string"
  name        = "AI Prompt"
  default     = ""
  description = "Initial task prompt for Claude Code."
  mutable     = true
}
module "claude-code" {
  source   = "${root}"
  agent_id = coder_agent.main.id
  workdir  = "/home/coder/project"

  claude_api_key          = "xxxx-xxxxx-xxxx"
  claude_code_oauth_token = "xxxxx-xxxx-xxxx"

  claude_code_version = "2.0.62"
  claude_binary_path  = "/opt/claude/bin"
  agentapi_version    = "0.11.4"

  ai_prompt = data.coder_parameter.ai_prompt.value
  model     = "sonnet"

  permission_mode = "plan"

  mcp = <<-EOF
  {
    "mcpServers": {
      "my-custom-tool": {
        "command": "my-tool-server",
        "args": ["--port", "8080"]
      }
    }
  }
  EOF
}`,
  standalone: `
module "claude-code" {
  source              = "${root}"
  agent_id            = coder_agent.main.id
  workdir             = "/home/coder/project"
  install_claude_code = true
  claude_code_version = "2.0.62"
  report_tasks        = false
}`,
  subscription: `
variable "claude_code_oauth_token" {
  type      = string
  sensitive = true
  default   = "xxxx-xxx-xxxx"
}
module "claude-code" {
  source                  = "${root}"
  agent_id                = coder_agent.main.id
  workdir                 = "/home/coder/project"
  claude_code_oauth_token = var.claude_code_oauth_token
}`,
  bedrock: `
resource "coder_env" "bedrock_use" {
  agent_id = coder_agent.main.id
  name     = "CLAUDE_CODE_USE_BEDROCK"
  value    = "1"
}
resource "coder_env" "aws_region" {
  agent_id = coder_agent.main.id
  name     = "AWS_REGION"
  value    = "us-east-1"
}
resource "coder_env" "bedrock_api_key" {
  agent_id = coder_agent.main.id
  name     = "AWS_BEARER_TOKEN_BEDROCK"
  value    = "xxxx-xxx-xxxx"
}
module "claude-code" {
  source   = "${root}"
  agent_id = coder_agent.main.id
  workdir  = "/home/coder/project"
  model    = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
}`,
  vertex: `
resource "coder_env" "vertex_use" {
  agent_id = coder_agent.main.id
  name     = "CLAUDE_CODE_USE_VERTEX"
  value    = "1"
}
resource "coder_env" "google_application_credentials" {
  agent_id = coder_agent.main.id
  name     = "GOOGLE_APPLICATION_CREDENTIALS"
  value    = "/tmp/gcp-sa.json"
}
module "claude-code" {
  source   = "${root}"
  agent_id = coder_agent.main.id
  workdir  = "/home/coder/project"
  model    = "claude-sonnet-4@20250514"

  pre_install_script = <<-EOT
    #!/bin/bash
    echo "$VERTEX_SA_JSON" > /tmp/gcp-sa.json
  EOT
}`,
};

// Upstream v5's inputs in the shapes its variables declare (managed_settings: any object;
// api_key_helper: {script, ttl_ms}) and its scripts output as its README has templates use it.
const v5Examples: Record<string, string> = {
  "managed settings": `
module "claude-code" {
  source   = "${root}"
  agent_id = coder_agent.main.id
  workdir  = "/home/coder/project"
  managed_settings = {
    permissions = {
      defaultMode                  = "plan"
      deny                         = ["Bash(rm -rf:*)", "WebFetch"]
      disableBypassPermissionsMode = "disable"
    }
  }
}`,
  "API key helper": `
module "claude-code" {
  source   = "${root}"
  agent_id = coder_agent.main.id
  workdir  = "/home/coder/project"
  api_key_helper = {
    script = <<-EOT
      #!/bin/bash
      vault kv get -field=key secret/anthropic
    EOT
    ttl_ms = 60000
  }
}`,
  "a script ordered after the module's": `
module "claude-code" {
  source   = "${root}"
  agent_id = coder_agent.main.id
  workdir  = "/home/coder/project"
}
resource "coder_script" "claude" {
  agent_id     = coder_agent.main.id
  display_name = "Claude Code"
  run_on_start = true
  script       = <<-EOT
    coder exp sync want claude-start \${join(" ", module.claude-code.scripts)}
    coder exp sync start claude-start
  EOT
}`,
};

/** A test per example: the template plans with only `source` changed. */
function plansWithOnlySourceChanged(examples: Record<string, string>) {
  for (const [name, example] of Object.entries(examples)) {
    test(`${name}: plans with only source changed`, async () => {
      const dir = scratchDir("example");
      writeFileSync(join(dir, "main.tf"), templatePreamble + example);
      const r = await plan(dir);
      if (r.exitCode !== 0) console.error(r.all);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain("module.claude-code.coder_script.start");
    });
  }
}

describe("upstream v5 input shapes", () => plansWithOnlySourceChanged(v5Examples));

describe("upstream v4.4.1 README examples", () => plansWithOnlySourceChanged(examples));
