# Plan-time behaviour with the real coder/coder provider.
# Run by test/terraform/terraform.test.ts against every provider version in tools/versions.env.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "defaults" {
  command = plan

  assert {
    condition     = coder_app.web[0].slug == "ccw" && coder_app.web[0].display_name == "Claude Code"
    error_message = "the web app keeps upstream's slug and name"
  }
  assert {
    condition     = coder_app.web[0].url == "http://localhost:3284/" && one(coder_app.web[0].healthcheck).url == "http://localhost:3284/status"
    error_message = "the web app points at AgentAPI's default port with a /status healthcheck"
  }
  assert {
    condition     = coder_app.web[0].subdomain == false
    error_message = "the chat is path-based by default, as upstream"
  }
  assert {
    condition     = coder_script.start.run_on_start && !coder_script.start.run_on_stop
    error_message = "the start script runs on start only"
  }
  assert {
    condition     = coder_script.stop.run_on_stop && !coder_script.stop.run_on_start
    error_message = "the stop script runs on stop only"
  }
  assert {
    condition     = !strcontains(coder_script.start.script, "/tmp/")
    error_message = "no fixed /tmp path in the launcher"
  }
}

run "custom_port_and_app_placement" {
  command = plan
  variables {
    agentapi_port        = 3999
    subdomain            = true
    order                = 3
    group                = "AI"
    icon                 = "/icon/custom.svg"
    web_app_display_name = "Claude"
  }
  assert {
    condition     = coder_app.web[0].url == "http://localhost:3999/" && one(coder_app.web[0].healthcheck).url == "http://localhost:3999/status"
    error_message = "the app follows agentapi_port"
  }
  assert {
    condition     = coder_app.web[0].subdomain && coder_app.web[0].order == 3 && coder_app.web[0].group == "AI"
    error_message = "subdomain, order and group reach the app"
  }
  assert {
    condition     = coder_app.web[0].icon == "/icon/custom.svg" && coder_script.start.icon == "/icon/custom.svg" && coder_app.web[0].display_name == "Claude"
    error_message = "icon and display name reach the app and the script"
  }
}

run "values_reach_the_script_base64_encoded" {
  command = plan
  variables {
    workdir   = "/home/coder/it's $(id)"
    ai_prompt = "say 'hi' `id`"
  }
  assert {
    condition     = strcontains(coder_script.start.script, "CLAUDE_MODULE_ARG_WORKDIR='${base64encode("/home/coder/it's $(id)")}'")
    error_message = "workdir is passed base64-encoded"
  }
  assert {
    condition     = !strcontains(coder_script.start.script, "$(id)") && !strcontains(coder_script.start.script, "`id`")
    error_message = "no raw value appears in the script text"
  }
}

run "mcp_servers_split_at_plan_time" {
  command = plan
  variables {
    mcp = jsonencode({ mcpServers = { "a-tool" = { command = "a" }, "b.tool" = { command = "b", env = { K = "it's" } } } })
  }
  assert {
    condition     = length(split("\n", local.start_args.MCP_SERVERS)) == 2
    error_message = "one line per MCP server"
  }
  assert {
    condition     = jsondecode(base64decode(split(" ", split("\n", local.start_args.MCP_SERVERS)[1])[1])).env.K == "it's"
    error_message = "an apostrophe in the MCP JSON arrives intact"
  }
}

# The agent runs the start script as one command-line argument (128 KiB at most). The prompt travels
# in it gzip-compressed, then base64-encoded: 64 KB of hex digits, which compress about as badly as
# any prompt does, fit with the other inputs at their defaults.
run "ai_prompt_of_64_KB_travels_compressed_and_is_accepted" {
  command = plan
  variables {
    ai_prompt = join("", [for i in range(1000) : sha256(tostring(i))])
  }
  assert {
    condition     = strcontains(coder_script.start.script, "CLAUDE_MODULE_ARG_AI_PROMPT='${base64gzip(var.ai_prompt)}'")
    error_message = "the prompt reaches the script whole, compressed"
  }
}

run "a_start_script_over_128_KiB_is_refused_at_plan_time" {
  command = plan
  variables {
    ai_prompt = join("", [for i in range(1000) : "${sha512(tostring(i))}${sha512("x${i}")}"])
  }
  expect_failures = [coder_script.start]
}

run "invalid_mcp_json_is_rejected" {
  command = plan
  variables {
    mcp = "{\"mcpServers\": {"
  }
  expect_failures = [var.mcp]
}

run "mcp_without_mcpServers_is_rejected" {
  command = plan
  variables {
    mcp = "{\"servers\": {}}"
  }
  expect_failures = [var.mcp]
}

run "bad_mcp_server_name_is_rejected" {
  command = plan
  variables {
    mcp = "{\"mcpServers\": {\"bad name\": {\"command\": \"x\"}}}"
  }
  expect_failures = [var.mcp]
}

run "mcp_config_urls_travel_in_the_environment_not_the_script" {
  command = plan
  variables {
    mcp_config_remote_path = ["https://config.example.com/mcp.json?token=s3cr3t-t0k3n", "HTTP://user:pw@10.0.0.1:8080"]
  }
  assert {
    condition     = base64decode(nonsensitive(coder_env.mcp_config_urls[0].value)) == "https://config.example.com/mcp.json?token=s3cr3t-t0k3n\nHTTP://user:pw@10.0.0.1:8080"
    error_message = "the URLs reach the start script's environment, one a line"
  }
  assert {
    condition     = coder_env.mcp_config_urls[0].name == "CLAUDE_MODULE_MCP_CONFIG_URLS"
    error_message = "the start script reads the URLs from CLAUDE_MODULE_MCP_CONFIG_URLS"
  }
  assert {
    condition     = !strcontains(coder_script.start.script, base64encode("s3cr3t")) && !strcontains(coder_script.start.script, "s3cr3t")
    error_message = "no URL is in the start script, which the agent runs as a command-line argument"
  }
}

run "no_mcp_config_urls_no_environment_variable" {
  command = plan
  assert {
    condition     = length(coder_env.mcp_config_urls) == 0
    error_message = "without remote configs the module sets no variable for them"
  }
}

run "mcp_config_url_without_http_scheme_is_rejected" {
  command = plan
  variables {
    mcp_config_remote_path = ["https://ok.example.com/mcp.json", "ftp://example.com/mcp.json"]
  }
  expect_failures = [var.mcp_config_remote_path]
}

run "mcp_config_url_without_host_is_rejected" {
  command = plan
  variables {
    mcp_config_remote_path = ["https:///mcp.json"]
  }
  expect_failures = [var.mcp_config_remote_path]
}

run "mcp_config_url_with_a_space_is_rejected" {
  command = plan
  variables {
    mcp_config_remote_path = ["https://example.com/my config.json"]
  }
  expect_failures = [var.mcp_config_remote_path]
}

run "mcp_config_url_with_a_quote_is_rejected" {
  command = plan
  variables {
    mcp_config_remote_path = ["https://example.com/a\"b.json"]
  }
  expect_failures = [var.mcp_config_remote_path]
}

run "relative_workdir_is_rejected" {
  command = plan
  variables {
    workdir = "project"
  }
  expect_failures = [var.workdir]
}

run "bad_claude_version_is_rejected" {
  command = plan
  variables {
    claude_code_version = "2.0"
  }
  expect_failures = [var.claude_code_version]
}

run "both_version_spellings_are_accepted" {
  command = plan
  variables {
    claude_code_version = "v2.1.329"
    agentapi_version    = "0.12.2"
  }
}

run "bad_agentapi_version_is_rejected" {
  command = plan
  variables {
    agentapi_version = "main"
  }
  expect_failures = [var.agentapi_version]
}

run "bad_checksum_is_rejected" {
  command = plan
  variables {
    agentapi_sha256 = "abc"
  }
  expect_failures = [var.agentapi_sha256]
}

run "privileged_port_is_rejected" {
  command = plan
  variables {
    agentapi_port = 80
  }
  expect_failures = [var.agentapi_port]
}

run "task_app_id_is_the_web_app" {
  command = apply
  assert {
    condition     = output.task_app_id == coder_app.web[0].id && output.task_app_id != ""
    error_message = "task_app_id is the web app's id"
  }
}

run "web_app_false_standalone_drops_the_chat_app" {
  command = plan
  variables {
    web_app      = false
    report_tasks = false
    cli_app      = true
  }
  assert {
    condition     = length(coder_app.web) == 0 && length(coder_app.cli) == 1 && output.task_app_id == ""
    error_message = "web_app = false removes the chat app only; the CLI app stays, and task_app_id is empty"
  }
  assert {
    condition     = local.start_args.STATUS_SOURCE == "off"
    error_message = "web_app = false leaves no app to report a status to: the start script gets status source off"
  }
}

run "web_app_keeps_the_status_source" {
  command = plan
  variables {
    status_source = "both"
  }
  assert {
    condition     = local.start_args.STATUS_SOURCE == "both"
    error_message = "with the web app, the start script gets status_source as given"
  }
}

run "web_app_false_with_tasks_is_refused" {
  command = plan
  variables {
    web_app = false
  }
  expect_failures = [var.web_app]
}

# Upstream v5 made workdir optional: a template without it plans, and Claude works in the home.
run "workdir_unset_means_the_home" {
  command = plan
  variables {
    workdir = null
  }
  assert {
    condition     = local.start_args.WORKDIR == "$HOME"
    error_message = "an unset workdir reaches the script as $HOME, which it expands to the user's home"
  }
}
