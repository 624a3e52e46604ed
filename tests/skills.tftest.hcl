# skills: how the skills reach the start script, and what plan time refuses (each message lists
# the skills it refuses).

variables {
  agent_id = "test-agent"
  workdir  = "/home/coder/project"
}

run "no_skills_by_default" {
  command = plan
  assert {
    condition     = local.start_args.SKILLS == ""
    error_message = "without skills the start script gets none (and its step costs nothing)"
  }
}

run "skills_travel_as_name_and_text_per_line" {
  command = plan
  variables {
    skills = {
      "deploy-check" = "---\nname: deploy-check\ndescription: Checks a deploy. Use after a release.\n---\n\nRun `make check` and read its output; it's $HOME-relative.\n"
      "a"            = "---\r\nname: \"a\"\r\ndescription: >\r\n  Folded over\r\n  two lines.\r\n---\r\nBody\r\n"
    }
  }
  assert {
    condition     = length(split("\n", local.start_args.SKILLS)) == 2
    error_message = "one line per skill"
  }
  assert {
    condition     = [for line in split("\n", local.start_args.SKILLS) : base64decode(split(" ", line)[0])] == ["a", "deploy-check"]
    error_message = "each line starts with the skill's name, base64-encoded"
  }
  assert {
    condition     = base64decode(split(" ", split("\n", local.start_args.SKILLS)[1])[1]) == var.skills["deploy-check"]
    error_message = "the SKILL.md text arrives byte for byte (quotes, $ and trailing newline included)"
  }
}

run "a_64_character_name_is_accepted" {
  command = plan
  variables {
    skills = {
      "a234567890123456789012345678901234567890123456789012345678901234" = "---\nname: a234567890123456789012345678901234567890123456789012345678901234\ndescription: Long name.\n---\n"
    }
  }
}

run "a_65_character_name_is_refused" {
  command = plan
  variables {
    skills = {
      "a2345678901234567890123456789012345678901234567890123456789012345" = "---\nname: a2345678901234567890123456789012345678901234567890123456789012345\ndescription: Too long.\n---\n"
    }
  }
  expect_failures = [var.skills]
}

run "an_uppercase_name_is_refused" {
  command = plan
  variables {
    skills = { "Deploy" = "---\nname: Deploy\ndescription: Upper case.\n---\n" }
  }
  expect_failures = [var.skills]
}

run "a_name_with_an_underscore_or_slash_is_refused" {
  command = plan
  variables {
    skills = { "../deploy_check" = "---\nname: deploy\ndescription: A path.\n---\n" }
  }
  expect_failures = [var.skills]
}

run "a_name_ending_in_a_hyphen_is_refused" {
  command = plan
  variables {
    skills = { "deploy-" = "---\nname: deploy-\ndescription: Trailing hyphen.\n---\n" }
  }
  expect_failures = [var.skills]
}

run "a_text_without_frontmatter_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "# Deploy\n\nname: deploy\ndescription: no block.\n" }
  }
  expect_failures = [var.skills]
}

run "an_unclosed_frontmatter_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\nname: deploy\ndescription: Never closed.\n" }
  }
  expect_failures = [var.skills]
}

run "a_frontmatter_without_the_skills_name_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\ndescription: No name.\n---\n" }
  }
  expect_failures = [var.skills]
}

run "a_frontmatter_naming_another_skill_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\nname: deploy-check\ndescription: The name differs.\n---\n" }
  }
  expect_failures = [var.skills]
}

run "a_name_only_in_the_body_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\ndescription: Name after the block.\n---\nname: deploy\n" }
  }
  expect_failures = [var.skills]
}

run "a_frontmatter_without_a_description_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\nname: deploy\n---\ndescription: only in the body\n" }
  }
  expect_failures = [var.skills]
}

run "an_empty_description_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\nname: deploy\ndescription:\n---\n" }
  }
  expect_failures = [var.skills]
}

run "an_empty_quoted_description_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\nname: deploy\ndescription: \"\"\n---\n" }
  }
  expect_failures = [var.skills]
}

run "an_empty_single_quoted_description_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\nname: deploy\ndescription: ''\n---\n" }
  }
  expect_failures = [var.skills]
}

run "a_null_description_is_refused" {
  command = plan
  variables {
    skills = { "deploy" = "---\nname: deploy\ndescription: ~\n---\n" }
  }
  expect_failures = [var.skills]
}

run "quoted_descriptions_are_accepted" {
  command = plan
  variables {
    skills = {
      "deploy" = "---\nname: deploy\ndescription: \"Checks a deploy.\"\n---\n"
      "review" = "---\nname: review\ndescription: 'Reviews a diff.'\n---\n"
      "home"   = "---\nname: home\ndescription: ~/notes are read first.\n---\n"
    }
  }
  assert {
    condition     = length(split("\n", local.start_args.SKILLS)) == 3
    error_message = "all three skills are accepted"
  }
}
