# The inputs of the start's MCP server check: its time limit and the servers that must pass it.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "mcp_check_inputs_reach_the_start_script" {
  command = plan
  variables {
    mcp                    = jsonencode({ mcpServers = { "a-tool" = { command = "a" }, "b.tool" = { command = "b" } } })
    mcp_check_timeout      = 12
    mcp_required           = ["a-tool", "b.tool"]
    mcp_check_user_servers = true
  }
  assert {
    condition     = local.start_args.MCP_CHECK_USER_SERVERS == "true"
    error_message = "the request to check the user's own servers reaches the start script"
  }
  assert {
    condition     = local.start_args.MCP_CHECK_TIMEOUT == "12"
    error_message = "the time limit reaches the start script"
  }
  assert {
    condition     = local.start_args.MCP_REQUIRED == "a-tool\nb.tool"
    error_message = "the required names reach the start script, one a line"
  }
}

run "mcp_check_timeout_defaults_to_five_seconds" {
  command = plan
  assert {
    condition     = local.start_args.MCP_CHECK_TIMEOUT == "5" && local.start_args.MCP_REQUIRED == ""
    error_message = "five seconds, and no server required, unless the template says otherwise"
  }
  assert {
    condition     = local.start_args.MCP_CHECK_USER_SERVERS == "false"
    error_message = "the user's own servers are left alone unless the template asks"
  }
}

run "mcp_check_timeout_of_zero_is_rejected" {
  command = plan
  variables {
    mcp_check_timeout = 0
  }
  expect_failures = [var.mcp_check_timeout]
}

run "fractional_mcp_check_timeout_is_rejected" {
  command = plan
  variables {
    mcp_check_timeout = 2.5
  }
  expect_failures = [var.mcp_check_timeout]
}

run "mcp_check_timeout_over_two_minutes_is_rejected" {
  command = plan
  variables {
    mcp_check_timeout = 121
  }
  expect_failures = [var.mcp_check_timeout]
}

run "mcp_required_with_a_bad_name_is_rejected" {
  command = plan
  variables {
    mcp_required = ["bad name"]
  }
  expect_failures = [var.mcp_required]
}

run "mcp_required_naming_a_server_not_in_mcp_is_rejected" {
  command = plan
  variables {
    mcp          = jsonencode({ mcpServers = { "a-tool" = { command = "a" } } })
    mcp_required = ["a-tool", "typo"]
  }
  expect_failures = [var.mcp_required]
}

run "mcp_required_without_mcp_is_rejected" {
  command = plan
  variables {
    mcp_required = ["a-tool"]
  }
  expect_failures = [var.mcp_required]
}

run "mcp_required_may_name_a_server_of_a_remote_config" {
  command = plan
  variables {
    mcp_config_remote_path = ["https://config.example.com/mcp.json"]
    mcp_required           = ["from-remote"]
  }
  assert {
    condition     = local.start_args.MCP_REQUIRED == "from-remote"
    error_message = "a remote config's names are known only in the workspace, so the start checks them"
  }
}
