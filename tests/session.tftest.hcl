# Plan-time behaviour of the prompt, session and permission inputs.
# Run by test/terraform/terraform.test.ts against every provider version in tools/versions.env.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "session_and_permission_defaults_match_upstream" {
  command = plan
  assert {
    condition     = local.start_args.CONTINUE == "true" && local.start_args.RESUME_SESSION_ID == "" && local.start_args.DANGEROUSLY_SKIP_PERMISSIONS == "false" && local.start_args.PERMISSION_MODE == ""
    error_message = "continue defaults to true; no resume id, no permission flags by default"
  }
  assert {
    condition     = local.start_args.ALLOWED_TOOLS == "" && local.start_args.DISALLOWED_TOOLS == ""
    error_message = "no tool rules by default"
  }
}

run "tool_rules_split_at_commas_and_spaces_outside_parentheses" {
  command = plan
  variables {
    allowed_tools    = " Read,Edit  Bash(git log:*),mcp__github__get_issue\nWebFetch(domain:example.com) Bash(echo \"a, b\"),"
    disallowed_tools = "Bash(rm -rf:*) , WebSearch"
  }
  assert {
    condition     = local.start_args.ALLOWED_TOOLS == "Read\nEdit\nBash(git log:*)\nmcp__github__get_issue\nWebFetch(domain:example.com)\nBash(echo \"a, b\")"
    error_message = "each allowed rule is one line; spaces and commas inside parentheses stay in the rule"
  }
  assert {
    condition     = local.start_args.DISALLOWED_TOOLS == "Bash(rm -rf:*)\nWebSearch"
    error_message = "each disallowed rule is one line"
  }
}

run "unbalanced_parentheses_are_rejected" {
  command = plan
  variables {
    allowed_tools = "Bash(git log:*"
  }
  expect_failures = [var.allowed_tools]
}

run "a_rule_that_looks_like_an_option_is_rejected" {
  command = plan
  variables {
    disallowed_tools = "Read --dangerously-skip-permissions"
  }
  expect_failures = [var.disallowed_tools]
}

run "nested_parentheses_are_rejected" {
  command = plan
  variables {
    allowed_tools = "Bash(echo (x))"
  }
  expect_failures = [var.allowed_tools]
}

run "every_permission_mode_claude_and_upstream_accept_plans" {
  command = plan
  variables {
    permission_mode = "default"
  }
  assert {
    condition     = local.start_args.PERMISSION_MODE == "default"
    error_message = "upstream's \"default\" is passed as is (Claude still accepts it)"
  }
}

run "manual_plans" {
  command = plan
  variables {
    permission_mode = "manual"
  }
}

run "dont_ask_plans" {
  command = plan
  variables {
    permission_mode = "dontAsk"
  }
}

run "unknown_permission_mode_is_rejected" {
  command = plan
  variables {
    permission_mode = "yolo"
  }
  expect_failures = [var.permission_mode]
}

run "skip_permissions_with_another_mode_is_rejected" {
  command = plan
  variables {
    dangerously_skip_permissions = true
    permission_mode              = "plan"
  }
  expect_failures = [var.permission_mode]
}

run "skip_permissions_with_bypass_mode_plans" {
  command = plan
  variables {
    dangerously_skip_permissions = true
    permission_mode              = "bypassPermissions"
  }
}

run "resume_session_id_is_lowercased" {
  command = plan
  variables {
    resume_session_id = "0B6F1E42-8C1D-4C57-9B1E-2F4A6D3C9E10"
  }
  assert {
    condition     = local.start_args.RESUME_SESSION_ID == "0b6f1e42-8c1d-4c57-9b1e-2f4a6d3c9e10"
    error_message = "Claude names transcripts by the lowercase id"
  }
}

run "resume_session_id_must_be_a_uuid" {
  command = plan
  variables {
    resume_session_id = "'; touch /tmp/x #"
  }
  expect_failures = [var.resume_session_id]
}

run "tmux_session_app_replaces_the_web_and_cli_apps" {
  command = plan
  variables {
    session_app  = "tmux"
    report_tasks = false
    cli_app      = true
  }
  assert {
    condition     = length(coder_app.web) == 0 && length(coder_app.cli) == 0 && length(coder_app.session) == 1
    error_message = "tmux mode has one app, the terminal on the session, and neither AgentAPI app"
  }
  assert {
    condition     = coder_app.session[0].slug == "ccw" && coder_app.session[0].open_in == "slim-window" && strcontains(coder_app.session[0].command, "/.claude-module/bin/claude-session")
    error_message = "the session app keeps the chat's slug (statuses name it), opens in a slim window and runs the module's launcher"
  }
  assert {
    condition     = local.start_args.SESSION_APP == "tmux" && local.start_args.STATUS_SOURCE == "hooks"
    error_message = "the start script learns the mode, and hooks report the status to the session app"
  }
}

run "agentapi_is_the_default_session_app" {
  command = plan
  assert {
    condition     = local.start_args.SESSION_APP == "agentapi" && length(coder_app.session) == 0 && length(coder_app.web) == 1
    error_message = "the default serves Claude with AgentAPI and its web chat, as before"
  }
}

run "tmux_with_a_task_is_refused" {
  command = plan
  variables {
    session_app = "tmux"
  }
  expect_failures = [var.session_app]
}

run "unknown_session_app_is_refused" {
  command = plan
  variables {
    session_app  = "screen"
    report_tasks = false
  }
  expect_failures = [var.session_app]
}

run "the_default_instance_keeps_its_paths" {
  command = plan
  variables {
    cli_app = true
  }
  assert {
    condition     = local.start_args.INSTANCE_DIR == ".claude-module" && local.stop_args.INSTANCE_DIR == ".claude-module"
    error_message = "app_slug \"ccw\" keeps everything where the README and upstream put it"
  }
  assert {
    condition     = strcontains(coder_script.start.script, "dir=\"$${HOME}/.claude-module/scripts\"") && output.scripts == ["coder-claude-code-start_script"]
    error_message = "the default instance's script and its sync unit keep their names"
  }
  assert {
    condition     = coder_app.web[0].slug == "ccw" && coder_app.cli[0].slug == "ccw-cli"
    error_message = "the apps keep upstream's slugs"
  }
}

run "a_second_instance_has_its_own_slug_and_paths" {
  command = plan
  variables {
    app_slug      = "ccw-api"
    workdir       = "/home/coder/api"
    agentapi_port = 3285
    cli_app       = true
  }
  assert {
    condition     = coder_app.web[0].slug == "ccw-api" && coder_app.cli[0].slug == "ccw-api-cli" && local.start_args.APP_SLUG == "ccw-api"
    error_message = "the apps and the statuses take the instance's slug"
  }
  assert {
    condition     = local.start_args.INSTANCE_DIR == ".claude-module/instances/ccw-api" && local.stop_args.INSTANCE_DIR == ".claude-module/instances/ccw-api"
    error_message = "the instance keeps its own files beside the default one's"
  }
  assert {
    condition     = strcontains(coder_script.start.script, "dir=\"$${HOME}/.claude-module/instances/ccw-api/scripts\"") && strcontains(coder_script.stop.script, "dir=\"$${HOME}/.claude-module/instances/ccw-api/scripts\"")
    error_message = "both scripts are installed in the instance's own scripts dir"
  }
  assert {
    condition     = output.scripts == ["coder-claude-code-ccw-api-start_script"]
    error_message = "the instance's sync unit is its own"
  }
}

run "a_second_session_app_opens_its_own_session" {
  command = plan
  variables {
    app_slug     = "ccw-api"
    session_app  = "tmux"
    report_tasks = false
  }
  assert {
    condition     = coder_app.session[0].slug == "ccw-api" && strcontains(coder_app.session[0].command, "$HOME/.claude-module/instances/ccw-api/bin/claude-session")
    error_message = "the session app runs its own instance's launcher"
  }
}

run "an_app_slug_coder_would_refuse_is_refused" {
  command = plan
  variables {
    app_slug = "CCW_api"
  }
  expect_failures = [var.app_slug]
}

run "an_app_slug_without_room_for_the_cli_app_is_refused" {
  command = plan
  variables {
    app_slug = "a-slug-that-is-29-characters1"
  }
  expect_failures = [var.app_slug]
}

run "auto_serves_a_task_with_the_web_chat" {
  command = plan
  variables {
    session_app = "auto"
  }
  override_data {
    target = data.coder_task.me
    values = { enabled = true, id = "0f8fad5b-d9cb-469f-a165-70867728950e", prompt = "Fix the build" }
  }
  assert {
    condition     = local.start_args.SESSION_APP == "agentapi" && length(coder_app.web) == 1 && length(coder_app.session) == 0
    error_message = "in a task, auto runs AgentAPI and its web chat, the task's app"
  }
  assert {
    condition     = local.start_args.REPORT_TASKS == "true"
    error_message = "in a task, auto keeps task reporting"
  }
}

run "auto_serves_a_workspace_without_a_task_with_the_session" {
  command = plan
  variables {
    session_app   = "auto"
    status_source = "both"
  }
  assert {
    condition     = local.start_args.SESSION_APP == "tmux" && length(coder_app.session) == 1 && length(coder_app.web) == 0
    error_message = "outside a task, auto opens the terminal session"
  }
  assert {
    condition     = local.start_args.REPORT_TASKS == "false" && !strcontains(local.start_args.SYSTEM_PROMPT, "coder_report_task")
    error_message = "outside a task nothing reports to a task, although report_tasks keeps its default"
  }
}
