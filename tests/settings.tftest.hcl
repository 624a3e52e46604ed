# managed_settings and api_key_helper: how each reaches the workspace (base64 coder_env, never the
# script's text), what empties them, and the plan-time refusals.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "managed_settings_travel_as_base64_json_in_coder_env_not_in_the_script" {
  command = plan
  variables {
    managed_settings = {
      permissions = { deny = ["WebFetch"] }
      env         = { GATEWAY_TOKEN = "s3cret-$HOME" }
    }
  }
  assert {
    condition     = jsondecode(base64decode(nonsensitive(coder_env.managed_settings[0].value))) == { permissions = { deny = ["WebFetch"] }, env = { GATEWAY_TOKEN = "s3cret-$HOME" } }
    error_message = "CLAUDE_MODULE_MANAGED_SETTINGS is the settings' JSON, base64-encoded (the agent's $NAME expansion cannot touch it)"
  }
  assert {
    condition     = coder_env.managed_settings[0].name == "CLAUDE_MODULE_MANAGED_SETTINGS"
    error_message = "the start script reads CLAUDE_MODULE_MANAGED_SETTINGS"
  }
  assert {
    condition     = !strcontains(nonsensitive(coder_script.start.script), base64encode("s3cret-$HOME")) && !strcontains(nonsensitive(coder_script.start.script), "s3cret")
    error_message = "the settings are not in the start script's text (a process argument)"
  }
}

run "managed_settings_unset_or_empty_sets_nothing" {
  command = plan
  variables {
    managed_settings = {}
  }
  assert {
    condition     = length(coder_env.managed_settings) == 0
    error_message = "an empty object is unset: no CLAUDE_MODULE_MANAGED_SETTINGS, so the start script removes the module's file"
  }
}

run "managed_settings_must_be_an_object" {
  command = plan
  variables {
    managed_settings = "{\"permissions\": {}}"
  }
  expect_failures = [var.managed_settings]
}

run "managed_settings_list_is_refused" {
  command = plan
  variables {
    managed_settings = ["WebFetch"]
  }
  expect_failures = [var.managed_settings]
}

run "api_key_helper_script_and_ttl" {
  command = plan
  variables {
    api_key_helper = {
      script = "#!/bin/sh\nvault read -field=key secret/anthropic # $NOT_EXPANDED\n"
      ttl_ms = 60000
    }
  }
  assert {
    condition     = base64decode(nonsensitive(coder_env.api_key_helper[0].value)) == "#!/bin/sh\nvault read -field=key secret/anthropic # $NOT_EXPANDED\n"
    error_message = "CLAUDE_MODULE_API_KEY_HELPER is the script, base64-encoded"
  }
  assert {
    condition     = nonsensitive(coder_env.api_key_helper_ttl[0].value) == "60000" && coder_env.api_key_helper_ttl[0].name == "CLAUDE_CODE_API_KEY_HELPER_TTL_MS"
    error_message = "ttl_ms becomes CLAUDE_CODE_API_KEY_HELPER_TTL_MS"
  }
  assert {
    condition     = !strcontains(nonsensitive(coder_script.start.script), "vault read")
    error_message = "the helper is not in the start script's text"
  }
}

run "api_key_helper_ttl_defaults_to_upstreams_five_minutes" {
  command = plan
  variables {
    api_key_helper = { script = "echo key" }
  }
  assert {
    condition     = nonsensitive(coder_env.api_key_helper_ttl[0].value) == "300000"
    error_message = "ttl_ms defaults to 300000"
  }
}

run "no_api_key_helper_sets_nothing" {
  command = plan
  assert {
    condition     = length(coder_env.api_key_helper) == 0 && length(coder_env.api_key_helper_ttl) == 0 && length(coder_env.managed_settings) == 0
    error_message = "unset inputs add no coder_env"
  }
}

run "api_key_helper_refuses_an_empty_script" {
  command = plan
  variables {
    api_key_helper = { script = "  \n" }
  }
  expect_failures = [var.api_key_helper]
}

run "api_key_helper_refuses_a_fractional_ttl" {
  command = plan
  variables {
    api_key_helper = { script = "echo key", ttl_ms = 1.5 }
  }
  expect_failures = [var.api_key_helper]
}

run "api_key_helper_refuses_an_api_key" {
  command = plan
  variables {
    api_key_helper    = { script = "echo key" }
    anthropic_api_key = "sk-ant-key"
  }
  expect_failures = [var.api_key_helper]
}

run "api_key_helper_refuses_an_oauth_token" {
  command = plan
  variables {
    api_key_helper          = { script = "echo key" }
    claude_code_oauth_token = "sk-ant-oat"
  }
  expect_failures = [var.api_key_helper]
}

run "api_key_helper_refuses_the_ai_gateway" {
  command = plan
  variables {
    api_key_helper    = { script = "echo key" }
    enable_ai_gateway = true
  }
  expect_failures = [var.api_key_helper]
}
