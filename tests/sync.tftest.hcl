# The scripts output and wait_for_scripts: the names a template gives `coder exp sync`.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "scripts_names_the_start_scripts_sync_unit" {
  command = plan
  assert {
    condition     = output.scripts == ["coder-claude-code-start_script"]
    error_message = "scripts is the start script's unit, as the script itself names it"
  }
  assert {
    condition     = strcontains(coder_script.start.script, "export CLAUDE_MODULE_ARG_SYNC_UNIT='${base64encode("coder-claude-code-start_script")}'")
    error_message = "the start script receives the same unit name"
  }
}

run "wait_for_scripts_reach_the_start_script_one_per_line" {
  command = plan
  variables {
    wait_for_scripts = ["git-clone", "dotfiles"]
  }
  assert {
    condition     = strcontains(coder_script.start.script, "export CLAUDE_MODULE_ARG_WAIT_FOR_SCRIPTS='${base64encode("git-clone\ndotfiles")}'")
    error_message = "wait_for_scripts travels base64-encoded, one unit a line"
  }
}

run "wait_for_scripts_refuses_names_the_cli_would_misread" {
  command = plan
  variables {
    wait_for_scripts = ["--timeout"]
  }
  expect_failures = [var.wait_for_scripts]
}

run "wait_for_scripts_refuses_the_modules_own_unit" {
  command = plan
  variables {
    wait_for_scripts = ["coder-claude-code-start_script"]
  }
  expect_failures = [var.wait_for_scripts]
}
