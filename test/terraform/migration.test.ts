// Templates written the way upstream v4.9.2 and v5.4.1 document the module's use, every input of
// each version at least once (spread over templates where upstream itself refuses a combination),
// apply with the real coder provider with only `source` changed.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { apply, templatePreamble, type TfResource } from "../lib/terraform.ts";
import { root } from "../lib/paths.ts";
import { scratchDir } from "../lib/scratch.ts";

const mcp = `<<-EOF
  {
    "mcpServers": {
      "github": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-github"] }
    }
  }
  EOF`;

/** v4.9.2's 40 inputs; enable_aibridge excludes a key and a token, so it has a template of its own. */
const v4: Record<string, string> = {
  "every input but enable_aibridge": `
module "claude-code" {
  source                       = "${root}"
  agent_id                     = coder_agent.main.id
  order                        = 1
  group                        = "AI"
  icon                         = "/icon/claude.svg"
  workdir                      = "/home/coder/project"
  report_tasks                 = true
  cli_app                      = true
  web_app                      = true
  web_app_display_name         = "Claude"
  cli_app_display_name         = "Claude CLI"
  pre_install_script           = "echo pre"
  post_install_script          = "echo post"
  install_agentapi             = true
  agentapi_version             = "v0.11.8"
  ai_prompt                    = "Fix the failing test"
  subdomain                    = false
  install_claude_code          = true
  claude_code_version          = "2.0.62"
  disable_autoupdater          = true
  claude_api_key               = "xxxx-xxxxx-xxxx"
  claude_code_oauth_token      = "xxxxx-xxxx-xxxx"
  model                        = "sonnet"
  resume_session_id            = "0d4b4d1a-8f6e-4c8e-9d43-0d3b8b4f9e11"
  continue                     = true
  dangerously_skip_permissions = false
  permission_mode              = "acceptEdits"
  mcp                          = ${mcp}
  mcp_config_remote_path       = ["https://example.com/mcp.json"]
  allowed_tools                = "Bash(git:*),Read"
  disallowed_tools             = "WebFetch"
  system_prompt                = "Be brief."
  claude_md_path               = "$HOME/.claude/CLAUDE.md"
  claude_binary_path           = "$HOME/.local/bin"
  install_via_npm              = true
  enable_boundary              = true
  boundary_version             = "latest"
  use_boundary_directly        = true
  compile_boundary_from_source = false
  enable_state_persistence     = true
}`,
  enable_aibridge: `
module "claude-code" {
  source          = "${root}"
  agent_id        = coder_agent.main.id
  workdir         = "/home/coder/project"
  enable_aibridge = true
}`,
};

/** v5.4.1's 21 inputs. Upstream refuses the gateway with a base URL, Bedrock, Vertex or a key
 * helper, a key helper with a key or token, and Bedrock with Vertex: four templates. */
const v5: Record<string, string> = {
  "key, base URL, managed settings, telemetry, no workdir": `
module "claude-code" {
  source                 = "${root}"
  agent_id               = coder_agent.main.id
  icon                   = "/icon/claude.svg"
  pre_install_script     = "echo pre"
  post_install_script    = "echo post"
  install_claude_code    = true
  claude_code_version    = "2.1.329"
  disable_autoupdater    = true
  anthropic_api_key      = "sk-ant-xxxx"
  model                  = "opus"
  mcp                    = ${mcp}
  mcp_config_remote_path = ["https://example.com/mcp.json"]
  anthropic_base_url     = "https://llm-proxy.example.com"
  managed_settings = {
    permissions = { deny = ["WebFetch"] }
  }
  telemetry = {
    enabled             = true
    otlp_endpoint       = "https://otel.example.com:4318"
    otlp_protocol       = "http/protobuf"
    otlp_headers        = { Authorization = "Bearer xxxx" }
    resource_attributes = { team = "platform" }
  }
}`,
  "AI Gateway with a subscription": `
module "claude-code" {
  source                  = "${root}"
  agent_id                = coder_agent.main.id
  workdir                 = "/home/coder/project"
  enable_ai_gateway       = true
  claude_code_oauth_token = "xxxxx-xxxx-xxxx"
}`,
  "Bedrock with a key helper": `
module "claude-code" {
  source      = "${root}"
  agent_id    = coder_agent.main.id
  workdir     = "/home/coder/project"
  use_bedrock = true
  api_key_helper = {
    script = "#!/bin/sh\\necho key"
    ttl_ms = 60000
  }
}`,
  "Vertex with a pre-installed claude": `
module "claude-code" {
  source              = "${root}"
  agent_id            = coder_agent.main.id
  workdir             = "/home/coder/project"
  use_vertex          = true
  install_claude_code = false
  claude_binary_path  = "/opt/claude/bin"
}`,
};

async function applied(template: string): Promise<TfResource[]> {
  const dir = scratchDir("migration");
  writeFileSync(join(dir, "main.tf"), templatePreamble + template);
  return apply(dir);
}

for (const [version, templates] of [
  ["v4.9.2", v4],
  ["v5.4.1", v5],
] as const) {
  describe(`a template written for upstream ${version}`, () => {
    for (const [name, template] of Object.entries(templates)) {
      test(`${name}: applies with only source changed`, async () => {
        const resources = await applied(template);
        const start = resources.find((r) => r.type === "coder_script" && r.name === "start");
        expect(start?.values.run_on_start).toBe(true);
      });
    }
  });
}

test("the v4.9.2 and v5.4.1 templates together set every input of those versions", () => {
  const inputs = (templates: Record<string, string>) =>
    new Set(Object.values(templates).flatMap((t) => [...t.matchAll(/^  ([a-z_]+) +=/gm)].map((m) => m[1]!)));
  const v4Inputs = ["agent_id", "order", "group", "icon", "workdir", "report_tasks", "cli_app", "web_app"]
    .concat(["web_app_display_name", "cli_app_display_name", "pre_install_script", "post_install_script"])
    .concat(["install_agentapi", "agentapi_version", "ai_prompt", "subdomain", "install_claude_code"])
    .concat(["claude_code_version", "disable_autoupdater", "claude_api_key", "model", "resume_session_id"])
    .concat(["continue", "dangerously_skip_permissions", "permission_mode", "mcp", "allowed_tools"])
    .concat(["disallowed_tools", "claude_code_oauth_token", "system_prompt", "claude_md_path"])
    .concat(["claude_binary_path", "install_via_npm", "enable_boundary", "boundary_version"])
    .concat(["compile_boundary_from_source", "enable_aibridge", "mcp_config_remote_path"])
    .concat(["use_boundary_directly", "enable_state_persistence"]);
  const v5Inputs = ["agent_id", "icon", "workdir", "pre_install_script", "post_install_script"]
    .concat(["install_claude_code", "claude_code_version", "disable_autoupdater", "anthropic_api_key", "model"])
    .concat(["mcp", "mcp_config_remote_path", "claude_code_oauth_token", "claude_binary_path"])
    .concat(["managed_settings", "enable_ai_gateway", "telemetry", "anthropic_base_url", "use_bedrock"])
    .concat(["use_vertex", "api_key_helper"]);
  expect(v4Inputs).toHaveLength(40);
  expect(v5Inputs).toHaveLength(21);
  expect(v4Inputs.filter((i) => !inputs(v4).has(i))).toEqual([]);
  // workdir is the one v5 input a template may leave out; one template does.
  expect(v5Inputs.filter((i) => i !== "workdir" && !inputs(v5).has(i))).toEqual([]);
  expect(Object.values(v5).some((t) => !/^  workdir +=/m.test(t))).toBe(true);
});
