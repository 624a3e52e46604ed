# Boundary inputs at plan time, with the real coder/coder provider.
# Run by test/terraform/terraform.test.ts against every provider version in tools/versions.env.

provider "coder" {
  url = "https://user:secret@coder.example.com:8443/some/path"
}

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "boundary_is_off_by_default_and_pinned" {
  command = plan
  assert {
    condition     = local.start_args.ENABLE_BOUNDARY == "false" && local.start_args.BOUNDARY_FAIL_OPEN == "false"
    error_message = "boundary is off by default, and when on it fails closed by default"
  }
  assert {
    condition     = local.start_args.BOUNDARY_VERSION == "v0.8.0" && local.start_args.BOUNDARY_MODE == "coder"
    error_message = "the default is the coder subcommand, with a pinned version for the other modes"
  }
  assert {
    condition     = local.start_args.BOUNDARY_RELEASES_URL == "https://github.com/coder/boundary/releases"
    error_message = "releases come from GitHub by default"
  }
}

run "the_deployment_host_is_derived_from_the_access_url" {
  command = plan
  variables {
    enable_boundary = true
  }
  assert {
    condition     = local.start_args.BOUNDARY_CODER_HOST == "coder.example.com"
    error_message = "scheme, credentials, port and path are stripped: an allow rule takes a bare host"
  }
  assert {
    condition     = strcontains(coder_script.start.script, "CLAUDE_MODULE_ARG_BOUNDARY_CODER_HOST='${base64encode("coder.example.com")}'")
    error_message = "the host reaches the start script base64-encoded"
  }
  assert {
    condition     = !strcontains(coder_script.start.script, "secret")
    error_message = "credentials in the access URL never reach the script"
  }
}

run "install_mode_follows_the_flags" {
  command = plan
  variables {
    enable_boundary       = true
    use_boundary_directly = true
  }
  assert {
    condition     = local.start_args.BOUNDARY_MODE == "release"
    error_message = "use_boundary_directly downloads the release binary"
  }
}

run "building_from_source_wins_over_the_release" {
  command = plan
  variables {
    enable_boundary              = true
    use_boundary_directly        = true
    compile_boundary_from_source = true
  }
  assert {
    condition     = local.start_args.BOUNDARY_MODE == "source"
    error_message = "compile_boundary_from_source takes precedence, as upstream"
  }
}

run "inline_rules_reach_the_script_one_per_line" {
  command = plan
  variables {
    enable_boundary    = true
    boundary_allowlist = ["domain=github.com", "method=GET,HEAD domain=*.example.com path=/api/*"]
    boundary_jail_type = "landjail"
    boundary_fail_open = true
  }
  assert {
    condition     = local.start_args.BOUNDARY_ALLOWLIST == "domain=github.com\nmethod=GET,HEAD domain=*.example.com path=/api/*"
    error_message = "each rule is one line"
  }
  assert {
    condition     = local.start_args.BOUNDARY_JAIL_TYPE == "landjail" && local.start_args.BOUNDARY_FAIL_OPEN == "true"
    error_message = "jail type and fail-open reach the script"
  }
}

run "a_config_path_is_accepted" {
  command = plan
  variables {
    enable_boundary      = true
    boundary_config_path = "~/.config/coder_boundary/config.yaml"
  }
  assert {
    condition     = local.start_args.BOUNDARY_CONFIG_PATH == "~/.config/coder_boundary/config.yaml" && local.start_args.BOUNDARY_ALLOWLIST == ""
    error_message = "the config path reaches the script"
  }
}

run "rules_and_a_config_file_are_mutually_exclusive" {
  command = plan
  variables {
    boundary_allowlist   = ["domain=github.com"]
    boundary_config_path = "/etc/boundary.yaml"
  }
  expect_failures = [var.boundary_config_path]
}

run "a_relative_config_path_is_rejected" {
  command = plan
  variables {
    boundary_config_path = "boundary.yaml"
  }
  expect_failures = [var.boundary_config_path]
}

run "a_rule_without_a_known_key_is_rejected" {
  command = plan
  variables {
    boundary_allowlist = ["github.com"]
  }
  expect_failures = [var.boundary_allowlist]
}

run "a_rule_spanning_lines_is_rejected" {
  command = plan
  variables {
    boundary_allowlist = ["domain=a.com\ndomain=b.com"]
  }
  expect_failures = [var.boundary_allowlist]
}

run "a_branch_is_not_a_boundary_version" {
  command = plan
  variables {
    boundary_version = "feature-x"
  }
  expect_failures = [var.boundary_version]
}

# Upstream's moving defaults plan (a template keeps working) as the default release, with a warning.
run "latest_is_read_as_the_default_release" {
  command = plan
  variables {
    boundary_version = "latest"
  }
  assert {
    condition     = local.start_args.BOUNDARY_VERSION == local.boundary_version && can(regex("^v[0-9]", local.boundary_version))
    error_message = "\"latest\" becomes an exact release (the default; test/unit/defaults.test.ts checks it is the same)"
  }
  expect_failures = [check.boundary_version_pinned]
}

run "main_is_read_as_the_default_release" {
  command = plan
  variables {
    boundary_version = "main"
  }
  assert {
    condition     = local.start_args.BOUNDARY_VERSION == local.boundary_version && can(regex("^v[0-9]", local.boundary_version))
    error_message = "\"main\" (upstream 4.4.1's default) becomes an exact release"
  }
  expect_failures = [check.boundary_version_pinned]
}

run "upstream_style_versions_are_accepted" {
  command = plan
  variables {
    boundary_version = "v0.5.1"
  }
  assert {
    condition     = local.start_args.BOUNDARY_VERSION == "v0.5.1"
    error_message = "a pinned version passes"
  }
}

run "an_unknown_jail_type_is_rejected" {
  command = plan
  variables {
    boundary_jail_type = "docker"
  }
  expect_failures = [var.boundary_jail_type]
}

run "a_bad_boundary_checksum_is_rejected" {
  command = plan
  variables {
    boundary_sha256 = "ABC"
  }
  expect_failures = [var.boundary_sha256]
}

run "a_releases_url_with_a_trailing_slash_is_rejected" {
  command = plan
  variables {
    boundary_releases_url = "https://mirror.example.com/boundary/"
  }
  expect_failures = [var.boundary_releases_url]
}
