# Installation inputs at plan time: upstream's documented examples plan, bad
# values are refused, and the auto-updater switch exists exactly when needed.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "defaults_leave_updates_to_claude_code" {
  command = plan
  assert {
    condition     = length(coder_env.disable_autoupdater) == 0
    error_message = "latest without disable_autoupdater creates no DISABLE_AUTOUPDATER env"
  }
  assert {
    condition     = local.start_args.BLOCK_CLAUDE_UPDATES == "false" && local.start_args.INSTALL_VIA_NPM == "false"
    error_message = "the script is told not to block updates and to use the official installer"
  }
  assert {
    condition     = local.start_args.CLAUDE_BINARY_PATH == "$HOME/.local/bin"
    error_message = "claude_binary_path defaults to upstream's $HOME/.local/bin, expanded by the script"
  }
  assert {
    condition     = local.start_args.PRE_INSTALL_SCRIPT == "" && local.start_args.POST_INSTALL_SCRIPT == ""
    error_message = "no hooks by default"
  }
}

# Upstream v4.4.1's README "advanced" example: upstream's own precondition rejects it. It plans, with
# a warning that AgentAPI 0.11.4 cannot keep the chat's history across restarts.
run "upstream_readme_advanced_example_plans" {
  command = plan
  variables {
    claude_code_version = "2.0.62"
    claude_binary_path  = "/opt/claude/bin"
    agentapi_version    = "0.11.4"
  }
  expect_failures = [check.state_persistence_supported]
  assert {
    condition     = local.start_args.CLAUDE_BINARY_PATH == "/opt/claude/bin" && local.start_args.CLAUDE_CODE_VERSION == "2.0.62"
    error_message = "the directory and the pinned version reach the script"
  }
  assert {
    condition     = one(coder_env.disable_autoupdater[*].name) == "DISABLE_AUTOUPDATER" && one(coder_env.disable_autoupdater[*].value) == "1"
    error_message = "a pinned version turns the auto-updater off for every terminal"
  }
  assert {
    condition     = local.start_args.BLOCK_CLAUDE_UPDATES == "true"
    error_message = "a pinned version tells the script to block updates in settings.json"
  }
}

run "disable_autoupdater_for_latest" {
  command = plan
  variables {
    disable_autoupdater = true
  }
  assert {
    condition     = length(coder_env.disable_autoupdater) == 1 && local.start_args.BLOCK_CLAUDE_UPDATES == "true"
    error_message = "disable_autoupdater turns the updater off for latest too"
  }
}

run "home_relative_binary_paths_are_accepted" {
  command = plan
  variables {
    claude_binary_path = "~/tools/bin"
    install_via_npm    = true
  }
  assert {
    condition     = local.start_args.CLAUDE_BINARY_PATH == "~/tools/bin" && local.start_args.INSTALL_VIA_NPM == "true"
    error_message = "~ is passed through for the script to expand (never by eval)"
  }
  assert {
    condition     = length(coder_env.disable_autoupdater) == 0
    error_message = "npm for latest is not a pin"
  }
}

run "claude_executable_reaches_the_script" {
  command = plan
  variables {
    claude_executable = "$HOME/tools/claude"
  }
  assert {
    condition     = local.start_args.CLAUDE_EXECUTABLE == "$HOME/tools/claude"
    error_message = "the path is passed through for the script to expand a leading $HOME (never by eval)"
  }
}

run "claude_executable_defaults_to_empty" {
  command = plan
  assert {
    condition     = local.start_args.CLAUDE_EXECUTABLE == ""
    error_message = "by default the module finds or installs claude"
  }
}

run "claude_executable_must_be_a_file_path" {
  command = plan
  variables {
    claude_executable = "/opt/claude/bin/"
  }
  expect_failures = [var.claude_executable]
}

run "relative_claude_executable_is_rejected" {
  command = plan
  variables {
    claude_executable = "claude"
  }
  expect_failures = [var.claude_executable]
}

run "other_variables_in_claude_executable_are_rejected" {
  command = plan
  variables {
    claude_executable = "$HOME/$(id)/claude"
  }
  expect_failures = [var.claude_executable]
}

run "relative_binary_path_is_rejected" {
  command = plan
  variables {
    claude_binary_path = "opt/claude/bin"
  }
  expect_failures = [var.claude_binary_path]
}

run "other_variables_in_binary_path_are_rejected" {
  command = plan
  variables {
    claude_binary_path = "/home/$USER/bin"
  }
  expect_failures = [var.claude_binary_path]
}

run "command_substitution_in_binary_path_is_rejected" {
  command = plan
  variables {
    claude_binary_path = "$HOME/$(id)/bin"
  }
  expect_failures = [var.claude_binary_path]
}

run "hooks_reach_the_script_base64_encoded" {
  command = plan
  variables {
    pre_install_script  = "echo 'pre' $(id)"
    post_install_script = "echo \"post\" `id`"
  }
  assert {
    condition     = local.start_args.PRE_INSTALL_SCRIPT == "echo 'pre' $(id)" && local.start_args.POST_INSTALL_SCRIPT == "echo \"post\" `id`"
    error_message = "the hook bodies reach the script unchanged"
  }
  assert {
    condition     = strcontains(coder_script.start.script, base64encode("echo 'pre' $(id)")) && !strcontains(coder_script.start.script, "$(id)")
    error_message = "hook bodies travel base64-encoded, never as shell text"
  }
}
