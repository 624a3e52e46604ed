# Model access: the API key's two names, Coder's AI Gateway in its three modes, a base URL of the
# template's own, Bedrock and Vertex, and OpenTelemetry export.

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

override_data {
  target = data.coder_workspace_owner.me
  values = {
    id            = "owner-id"
    name          = "alice"
    session_token = "coder-session-token"
  }
}

override_data {
  target = data.coder_workspace.me
  values = {
    id               = "ws-id"
    name             = "dev"
    access_url       = "https://coder.example.com/"
    template_name    = "claude"
    template_version = "v1"
  }
}

run "anthropic_api_key_is_claude_api_key_by_its_v5_name" {
  command = plan
  variables {
    anthropic_api_key = "sk-ant-v5-key"
  }
  assert {
    condition     = nonsensitive(coder_env.anthropic_api_key[0].value) == "sk-ant-v5-key" && nonsensitive(coder_env.claude_api_key[0].value) == "sk-ant-v5-key"
    error_message = "anthropic_api_key reaches ANTHROPIC_API_KEY and CLAUDE_API_KEY like claude_api_key"
  }
}

run "both_names_of_the_key_are_refused" {
  command = plan
  variables {
    claude_api_key    = "sk-ant-one"
    anthropic_api_key = "sk-ant-two"
  }
  expect_failures = [var.anthropic_api_key]
}

run "ai_gateway_with_no_credential_of_the_users_own_uses_the_coder_token" {
  command = plan
  variables {
    enable_ai_gateway = true
  }
  assert {
    condition     = coder_env.anthropic_base_url[0].value == "https://coder.example.com/api/v2/ai-gateway/anthropic"
    error_message = "the gateway URL is the access URL's /api/v2/ai-gateway/<provider>"
  }
  assert {
    condition     = nonsensitive(coder_env.ai_gateway_token[0].value) == "coder-session-token" && length(coder_env.ai_gateway_header) == 0
    error_message = "the central mode sends the owner's Coder token as ANTHROPIC_AUTH_TOKEN, and no governance header"
  }
}

run "ai_gateway_with_an_own_api_key_sends_the_coder_token_in_the_governance_header" {
  command = plan
  variables {
    enable_ai_gateway   = true
    anthropic_api_key   = "sk-ant-own"
    ai_gateway_provider = "anthropic-corp"
  }
  assert {
    condition     = coder_env.anthropic_base_url[0].value == "https://coder.example.com/api/v2/ai-gateway/anthropic-corp"
    error_message = "the provider name is the URL's last segment"
  }
  assert {
    condition     = length(coder_env.ai_gateway_token) == 0 && nonsensitive(coder_env.anthropic_api_key[0].value) == "sk-ant-own"
    error_message = "with a key of the user's own, the key authenticates and ANTHROPIC_AUTH_TOKEN is not set"
  }
  assert {
    condition     = nonsensitive(coder_env.ai_gateway_header[0].value) == "X-Coder-AI-Governance-Token: coder-session-token"
    error_message = "the Coder token travels in the X-Coder-AI-Governance-Token header"
  }
}

run "ai_gateway_with_a_subscription_sends_the_governance_header" {
  command = plan
  variables {
    enable_ai_gateway       = true
    claude_code_oauth_token = "sk-ant-oat-own"
  }
  assert {
    condition     = length(coder_env.ai_gateway_token) == 0 && length(coder_env.ai_gateway_header) == 1
    error_message = "a subscription goes through the gateway with the governance header, not the Coder token as credential"
  }
}

run "aibridge_uses_its_own_route" {
  command = plan
  variables {
    enable_aibridge = true
  }
  assert {
    condition     = coder_env.anthropic_base_url[0].value == "https://coder.example.com/api/v2/aibridge/anthropic" && length(coder_env.ai_gateway_token) == 1
    error_message = "enable_aibridge keeps upstream v4.5's route and central token"
  }
}

run "aibridge_with_a_key_is_refused" {
  command = plan
  variables {
    enable_aibridge = true
    claude_api_key  = "sk-ant-own"
  }
  expect_failures = [var.enable_aibridge]
}

run "anthropic_base_url_is_exported" {
  command = plan
  variables {
    anthropic_base_url = "https://llm-proxy.example.com/anthropic"
  }
  assert {
    condition     = coder_env.anthropic_base_url[0].value == "https://llm-proxy.example.com/anthropic" && length(coder_env.ai_gateway_token) == 0
    error_message = "anthropic_base_url reaches ANTHROPIC_BASE_URL"
  }
}

run "anthropic_base_url_with_the_gateway_is_refused" {
  command = plan
  variables {
    anthropic_base_url = "https://llm-proxy.example.com/anthropic"
    enable_ai_gateway  = true
  }
  expect_failures = [var.anthropic_base_url]
}

run "anthropic_base_url_with_a_dollar_is_refused" {
  command = plan
  variables {
    anthropic_base_url = "https://proxy.example.com/$HOME"
  }
  expect_failures = [var.anthropic_base_url]
}

run "bedrock_and_vertex_set_their_switches" {
  command = plan
  variables {
    use_bedrock = true
  }
  assert {
    condition     = coder_env.use_bedrock[0].value == "1" && length(coder_env.use_vertex) == 0
    error_message = "use_bedrock exports CLAUDE_CODE_USE_BEDROCK=1"
  }
}

run "bedrock_and_vertex_together_are_refused" {
  command = plan
  variables {
    use_bedrock = true
    use_vertex  = true
  }
  expect_failures = [var.use_bedrock]
}

run "nothing_of_model_access_by_default" {
  command = plan
  assert {
    condition     = length(coder_env.anthropic_base_url) + length(coder_env.ai_gateway_token) + length(coder_env.ai_gateway_header) + length(coder_env.use_bedrock) + length(coder_env.use_vertex) + length(coder_env.telemetry) == 0
    error_message = "no model-access variable is set unless asked for"
  }
}

run "telemetry_exports_to_the_endpoint_with_the_workspace_attributes" {
  command = plan
  variables {
    telemetry = {
      enabled             = true
      otlp_endpoint       = "http://otel.example.com:4318"
      otlp_headers        = { authorization = "Bearer otel-secret" }
      resource_attributes = { team = "platform", "coder.workspace_name" = "not-this" }
    }
  }
  assert {
    condition     = coder_env.telemetry["CLAUDE_CODE_ENABLE_TELEMETRY"].value == "1" && coder_env.telemetry["OTEL_METRICS_EXPORTER"].value == "otlp" && coder_env.telemetry["OTEL_LOGS_EXPORTER"].value == "otlp"
    error_message = "telemetry is on, with the OTLP exporters Claude Code needs to send anything"
  }
  assert {
    condition     = nonsensitive(coder_env.telemetry["OTEL_EXPORTER_OTLP_ENDPOINT"].value) == "http://otel.example.com:4318" && nonsensitive(coder_env.telemetry["OTEL_EXPORTER_OTLP_PROTOCOL"].value) == "http/protobuf"
    error_message = "the endpoint and the default protocol are exported"
  }
  assert {
    condition     = nonsensitive(coder_env.telemetry["OTEL_EXPORTER_OTLP_HEADERS"].value) == "authorization=Bearer otel-secret"
    error_message = "the headers are exported as k=v"
  }
  assert {
    condition     = strcontains(nonsensitive(coder_env.telemetry["OTEL_RESOURCE_ATTRIBUTES"].value), "coder.workspace_name=dev") && strcontains(nonsensitive(coder_env.telemetry["OTEL_RESOURCE_ATTRIBUTES"].value), "team=platform") && strcontains(nonsensitive(coder_env.telemetry["OTEL_RESOURCE_ATTRIBUTES"].value), "coder.workspace_owner=alice")
    error_message = "the workspace's attributes are added, and win over the template's"
  }
}

run "telemetry_header_with_a_comma_is_refused" {
  command = plan
  variables {
    telemetry = {
      enabled      = true
      otlp_headers = { authorization = "Bearer a,b" }
    }
  }
  expect_failures = [var.telemetry]
}
