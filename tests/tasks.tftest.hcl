# Tasks, authentication and Claude configuration: what reaches the workspace at plan time.
# Run by test/terraform/terraform.test.ts against every provider version in tools/versions.env.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "defaults_create_no_empty_credentials" {
  command = plan
  assert {
    condition     = length(coder_env.claude_api_key) == 0 && length(coder_env.anthropic_api_key) == 0
    error_message = "no API key env without claude_api_key"
  }
  assert {
    condition     = length(coder_env.claude_code_oauth_token) == 0
    error_message = "no empty CLAUDE_CODE_OAUTH_TOKEN (upstream always created one, clobbering values set elsewhere)"
  }
  assert {
    condition     = length(coder_env.anthropic_model) == 0
    error_message = "no empty ANTHROPIC_MODEL"
  }
  assert {
    condition     = length(coder_app.cli) == 0
    error_message = "no CLI app unless asked for"
  }
}

run "task_mode_prompt_and_md_path" {
  command = plan
  assert {
    condition     = !strcontains(local.start_args.SYSTEM_PROMPT, "coder_report_task") && local.start_args.REPORT_TASKS == "true" && local.start_args.STATUS_SOURCE == "hooks"
    error_message = "by default Claude Code's hooks report the status: the model is not told to report"
  }
  assert {
    condition     = one(coder_env.claude_md_path).name == "CODER_MCP_CLAUDE_MD_PATH" && one(coder_env.claude_md_path).value == "$HOME/.claude/CLAUDE.md"
    error_message = "CODER_MCP_CLAUDE_MD_PATH carries claude_md_path"
  }
}

run "status_source_model_tells_the_model_to_report" {
  command = plan
  variables {
    status_source = "model"
  }
  assert {
    condition     = strcontains(local.start_args.SYSTEM_PROMPT, "coder_report_task") && local.start_args.STATUS_SOURCE == "model"
    error_message = "status_source = model tells Claude to report status with the coder MCP tool"
  }
}

run "unknown_status_source_is_rejected" {
  command = plan
  variables {
    status_source = "screen"
  }
  expect_failures = [var.status_source]
}

run "task_mode_appends_the_template_prompt" {
  command = plan
  variables {
    system_prompt = "Prefer small commits.\n"
    status_source = "both"
  }
  assert {
    condition     = startswith(local.start_args.SYSTEM_PROMPT, trimspace(local.task_reporting_prompt)) && endswith(local.start_args.SYSTEM_PROMPT, "\n\nPrefer small commits.")
    error_message = "the template's prompt follows the task-reporting instructions"
  }
}

run "standalone_without_prompt_passes_none" {
  command = plan
  variables {
    report_tasks = false
  }
  assert {
    condition     = local.start_args.SYSTEM_PROMPT == ""
    error_message = "no task-reporting instructions in standalone mode"
  }
}

run "standalone_prompt_is_the_template_prompt_alone" {
  command = plan
  variables {
    report_tasks  = false
    system_prompt = "Answer in French."
  }
  assert {
    condition     = local.start_args.SYSTEM_PROMPT == "Answer in French."
    error_message = "standalone mode passes the template's prompt without the task-reporting instructions"
  }
}

run "api_key" {
  command = plan
  variables {
    claude_api_key = "sk-ant-api03-tftest"
  }
  assert {
    condition     = one(coder_env.claude_api_key).name == "CLAUDE_API_KEY" && one(coder_env.claude_api_key).value == "sk-ant-api03-tftest"
    error_message = "CLAUDE_API_KEY for the coder CLI"
  }
  assert {
    condition     = one(coder_env.anthropic_api_key).name == "ANTHROPIC_API_KEY" && one(coder_env.anthropic_api_key).value == "sk-ant-api03-tftest"
    error_message = "ANTHROPIC_API_KEY for Claude Code"
  }
  assert {
    condition     = length(coder_env.claude_code_oauth_token) == 0
    error_message = "no OAuth env with an API key"
  }
  assert {
    condition     = !strcontains(coder_script.start.script, "sk-ant-api03-tftest") && !strcontains(coder_script.start.script, base64encode("sk-ant-api03-tftest"))
    error_message = "the key never reaches the script text, plain or encoded"
  }
}

run "oauth_token" {
  command = plan
  variables {
    claude_code_oauth_token = "sk-ant-oat01-tftest"
  }
  assert {
    condition     = one(coder_env.claude_code_oauth_token).name == "CLAUDE_CODE_OAUTH_TOKEN" && one(coder_env.claude_code_oauth_token).value == "sk-ant-oat01-tftest"
    error_message = "CLAUDE_CODE_OAUTH_TOKEN when set"
  }
  assert {
    condition     = length(coder_env.claude_api_key) == 0 && length(coder_env.anthropic_api_key) == 0
    error_message = "no API key env with a token"
  }
}

# Upstream's README example sets both: it must plan, with a warning from the check block.
run "key_and_token_together_warn_but_plan" {
  command = plan
  variables {
    claude_api_key          = "sk-ant-api03-tftest"
    claude_code_oauth_token = "sk-ant-oat01-tftest"
  }
  expect_failures = [check.one_claude_credential]
}

run "key_with_a_newline_is_rejected" {
  command = plan
  variables {
    claude_api_key = "sk-ant-api03-tftest\n"
  }
  expect_failures = [var.claude_api_key]
}

run "model" {
  command = plan
  variables {
    model = "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
  }
  assert {
    condition     = one(coder_env.anthropic_model).name == "ANTHROPIC_MODEL" && one(coder_env.anthropic_model).value == "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
    error_message = "ANTHROPIC_MODEL carries model"
  }
}

run "empty_claude_md_path_creates_no_env" {
  command = plan
  variables {
    claude_md_path = ""
  }
  assert {
    condition     = length(coder_env.claude_md_path) == 0
    error_message = "no empty CODER_MCP_CLAUDE_MD_PATH"
  }
}

run "relative_claude_md_path_is_rejected" {
  command = plan
  variables {
    claude_md_path = "CLAUDE.md"
  }
  expect_failures = [var.claude_md_path]
}

# The agent expands `$NAME` in every coder_env value, with no escape: the prompt is no coder_env
# (a `$` in it is fine), and a `$` in a value that is one is refused at plan time.
run "prompt_with_dollars_stays_out_of_coder_env" {
  command = plan
  variables {
    system_prompt = "Costs $5 and $${PWD}."
  }
  assert {
    condition     = endswith(local.start_args.SYSTEM_PROMPT, "Costs $5 and $${PWD}.")
    error_message = "the prompt reaches the start script as written"
  }
  assert {
    condition     = alltrue([for e in [coder_env.claude_md_path, coder_env.claude_api_key, coder_env.anthropic_api_key, coder_env.claude_code_oauth_token, coder_env.anthropic_model, coder_env.disable_autoupdater] : alltrue([for r in e : !strcontains(r.value, "Costs")])])
    error_message = "no coder_env carries the system prompt"
  }
}

run "key_with_a_dollar_is_rejected" {
  command = plan
  variables {
    claude_api_key = "sk-ant-api03-$HOME"
  }
  expect_failures = [var.claude_api_key]
}

run "token_with_a_dollar_is_rejected" {
  command = plan
  variables {
    claude_code_oauth_token = "sk-ant-oat01-$x"
  }
  expect_failures = [var.claude_code_oauth_token]
}

run "model_with_a_dollar_is_rejected" {
  command = plan
  variables {
    model = "$MODEL"
  }
  expect_failures = [var.model]
}

run "claude_md_path_with_a_dollar_past_home_is_rejected" {
  command = plan
  variables {
    claude_md_path = "$HOME/$USER/CLAUDE.md"
  }
  expect_failures = [var.claude_md_path]
}

run "prompt_with_the_block_marker_is_rejected" {
  command = plan
  variables {
    system_prompt = "hi\n<!-- claude-code module: system_prompt end -->"
  }
  expect_failures = [var.system_prompt]
}

run "cli_app" {
  command = plan
  variables {
    cli_app       = true
    agentapi_port = 3999
    icon          = "/icon/custom.svg"
  }
  assert {
    condition     = coder_app.cli[0].slug == "ccw-cli" && coder_app.cli[0].display_name == "Claude Code CLI" && coder_app.cli[0].icon == "/icon/custom.svg"
    error_message = "the CLI app keeps upstream's slug and display name and uses the module's icon"
  }
  assert {
    condition     = strcontains(coder_app.cli[0].command, "exec \"$agentapi\" attach --url \"localhost:3999\"") && strcontains(coder_app.cli[0].command, "agentapi=\"$HOME/.claude-module/bin/agentapi\"")
    error_message = "the CLI app attaches with the module's agentapi to the module's port"
  }
  assert {
    condition     = !strcontains(coder_app.cli[0].command, "/tmp")
    error_message = "the CLI app does not depend on /tmp"
  }
  assert {
    condition     = coder_app.cli[0].url == null && coder_app.cli[0].order == null && coder_app.cli[0].group == null
    error_message = "the CLI app is a command app placed like upstream's"
  }
}

run "cli_app_display_name" {
  command = plan
  variables {
    cli_app              = true
    cli_app_display_name = "Claude (terminal)"
  }
  assert {
    condition     = coder_app.cli[0].display_name == "Claude (terminal)"
    error_message = "cli_app_display_name reaches the app"
  }
}

# From Coder v2.28 a task's prompt and id reach Terraform as data.coder_task, which the module reads
# itself: a template need not pass them, and one that does still wins.
run "a_task_gives_its_prompt_and_id" {
  command = plan
  override_data {
    target = data.coder_task.me
    values = { enabled = true, id = "0F8FAD5B-D9CB-469F-A165-70867728950E", prompt = "Fix the build" }
  }
  assert {
    condition     = local.start_args.AI_PROMPT == "Fix the build"
    error_message = "the task's prompt is Claude's first prompt"
  }
  assert {
    condition     = local.stop_args.TASK_ID == "0f8fad5b-d9cb-469f-a165-70867728950e"
    error_message = "the task's id reaches the stop script, lowercase"
  }
}

run "inputs_given_win_over_the_task" {
  command = plan
  variables {
    ai_prompt = "The template's prompt"
    task_id   = "7C9E6679-7425-40DE-944B-E07FC1F90AE7"
  }
  override_data {
    target = data.coder_task.me
    values = { enabled = true, id = "0f8fad5b-d9cb-469f-a165-70867728950e", prompt = "Fix the build" }
  }
  assert {
    condition     = local.start_args.AI_PROMPT == "The template's prompt" && local.stop_args.TASK_ID == "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    error_message = "ai_prompt and task_id, when given, are used"
  }
}

run "no_task_no_prompt" {
  command = plan
  override_data {
    target = data.coder_task.me
    values = { enabled = false, id = "0f8fad5b-d9cb-469f-a165-70867728950e", prompt = "" }
  }
  assert {
    condition     = local.start_args.AI_PROMPT == "" && local.stop_args.TASK_ID == ""
    error_message = "a workspace that is no task gets no prompt and no task id (the data source's id is then a random one)"
  }
}
