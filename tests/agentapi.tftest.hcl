# AgentAPI inputs at plan time: where the chat's history can be kept (AgentAPI's state file, from
# v0.12.0) is decided from a pinned version, and left to the start script where only the binary knows.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "state_persistence_on_by_default_with_the_default_version" {
  command = plan
  assert {
    condition     = local.start_args.STATE_PERSISTENCE == "on"
    error_message = "the default AgentAPI keeps the chat"
  }
}

run "state_persistence_off_when_turned_off" {
  command = plan
  variables {
    enable_state_persistence = false
  }
  assert {
    condition     = local.start_args.STATE_PERSISTENCE == "off"
    error_message = "enable_state_persistence = false tells the script to keep no chat"
  }
}

run "state_persistence_checked_at_start_for_latest" {
  command = plan
  variables {
    agentapi_version = "latest"
  }
  assert {
    condition     = local.start_args.STATE_PERSISTENCE == "check"
    error_message = "latest is asked at start"
  }
}

run "state_persistence_checked_at_start_for_a_binary_of_the_image" {
  command = plan
  variables {
    install_agentapi = false
    agentapi_version = "v0.11.8"
  }
  assert {
    condition     = local.start_args.STATE_PERSISTENCE == "check"
    error_message = "with install_agentapi = false the binary in the image decides, whatever agentapi_version says"
  }
}

run "state_persistence_on_for_later_pinned_versions" {
  command = plan
  variables {
    agentapi_version = "1.0.0"
  }
  assert {
    condition     = local.start_args.STATE_PERSISTENCE == "on"
    error_message = "a major version past 0 keeps the chat"
  }
}

# Upstream v4.8's default: the plan warns (a check, not an error) and the script is told it cannot.
run "state_persistence_warns_for_a_pinned_version_before_0_12" {
  command = plan
  variables {
    agentapi_version = "v0.11.8"
  }
  expect_failures = [check.state_persistence_supported]
  assert {
    condition     = local.start_args.STATE_PERSISTENCE == "unsupported"
    error_message = "a pinned AgentAPI before v0.12.0 cannot keep the chat"
  }
}

run "an_old_version_turned_off_is_simply_off" {
  command = plan
  variables {
    agentapi_version         = "v0.11.8"
    enable_state_persistence = false
  }
  assert {
    condition     = local.start_args.STATE_PERSISTENCE == "off"
    error_message = "turned off, an old AgentAPI is not even considered"
  }
}

run "task_id_reaches_the_stop_script" {
  command = plan
  variables {
    task_id = "0F8FAD5B-D9CB-469F-A165-70867728950E"
  }
  assert {
    condition     = local.stop_args.TASK_ID == "0f8fad5b-d9cb-469f-a165-70867728950e"
    error_message = "the task's id reaches the stop script, lowercase"
  }
}

run "no_task_id_by_default" {
  command = plan
  assert {
    condition     = local.stop_args.TASK_ID == ""
    error_message = "no snapshot without a task id"
  }
}

run "task_id_must_be_a_uuid" {
  command = plan
  variables {
    task_id = "not-a-task; rm -rf /"
  }
  expect_failures = [var.task_id]
}
