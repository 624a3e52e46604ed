// Authentication: with only an API key or only an OAuth token, the real Claude Code under
// AgentAPI starts authenticated and asks nothing; the secret stays out of argv, logs and
// readable files; Bedrock and Vertex set up by the template work unchanged.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LocalAgent } from "../lib/agent.ts";
import { authenticatedStartupDone, notLoggedIn, settledScreen, waitForScreen } from "../lib/agentapi-screen.ts";
import { configureCalls } from "../lib/coder-double.ts";
import { useE2E } from "../lib/e2e.ts";
import { filesUnder, modeOf } from "../lib/files.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { commandLines } from "../lib/processes.ts";
import { readyPort, exitOf } from "../lib/start-output.ts";

const e2e = useE2E();
const image = preinstalled("claude");

// Shaped like a real key; its last 20 characters are what Claude Code records as approved.
const apiKey = "sk-ant-api03-e2eKEY" + "x".repeat(60) + "Q7fD2kLm9PzR4tVw8YbN";
const oauthToken = "sk-ant-oat01-e2eTOKEN" + "y".repeat(60) + "Zz";

const apiKeyQuestion = (s: string) => s.includes("DetectedacustomAPIkey") || s.includes("DoyouwanttousethisAPIkey");

/** The secret appears in no process argument, no module log, and no file anyone but the user can read. */
function expectSecretKept(agent: LocalAgent, output: string, secret: string) {
  expect(output).not.toContain(secret);
  expect(commandLines(agent).filter((c) => c.includes(secret))).toEqual([]);
  for (const file of [...filesUnder(agent.home), ...filesUnder(agent.dataDir)]) {
    let text: string;
    try {
      text = readFileSync(file, "latin1");
    } catch {
      continue;
    }
    if (text.includes(secret)) expect({ file, mode: modeOf(file) & 0o077 }).toEqual({ file, mode: 0 });
  }
  for (const log of filesUnder(join(agent.home, ".claude-module")).filter((f) => f.endsWith(".log"))) {
    expect(readFileSync(log, "utf8")).not.toContain(secret);
  }
}

describe("claude_api_key alone", () => {
  for (const reportTasks of [false, true]) {
    test(`${reportTasks ? "task mode" : "standalone"}: Claude starts authenticated without asking about the key`, async () => {
      const { agent } = await e2e.workspace(
        { ...image.inputs, claude_api_key: apiKey, report_tasks: reportTasks },
        image.options,
      );
      const [run] = await agent.start();
      expect(exitOf(run)).toBe(0);

      const shown = await waitForScreen(
        readyPort(run!.output),
        (s) => authenticatedStartupDone(s) || apiKeyQuestion(s) || notLoggedIn(s),
      );
      expect(apiKeyQuestion(shown)).toBe(false);
      expect(notLoggedIn(shown)).toBe(false);
      expect(shown).toContain("APIUsageBilling");

      expect(run?.output).toMatch(/auth: +api key\n/);
      const claudeJson = readFileSync(join(agent.home, ".claude.json"), "utf8");
      expect(JSON.parse(claudeJson).customApiKeyResponses.approved).toEqual([apiKey.slice(-20)]);
      expectSecretKept(agent, run!.output, apiKey);

      if (reportTasks) {
        // The coder CLI would otherwise store the key itself in ~/.claude.json.
        const [configure] = configureCalls(agent);
        expect(configure?.credentials).not.toContain("CLAUDE_API_KEY");
      }
    });
  }

  test("the key reaches Claude Code's environment as ANTHROPIC_API_KEY and the coder CLI's as CLAUDE_API_KEY", async () => {
    const { agent } = await e2e.workspace({
      ...image.inputs,
      claude_api_key: apiKey,
      report_tasks: false,
    });
    // A workspace terminal has what coder_env sets.
    expect(agent.env.ANTHROPIC_API_KEY).toBe(apiKey);
    expect(agent.env.CLAUDE_API_KEY).toBe(apiKey);
    expect(agent.env.CLAUDE_CODE_OAUTH_TOKEN).toBeUndefined();
  });
});

describe("claude_code_oauth_token alone", () => {
  test("Claude starts authenticated with no question; the token stays secret", async () => {
    const { agent } = await e2e.workspace(
      { ...image.inputs, claude_code_oauth_token: oauthToken, report_tasks: false },
      image.options,
    );
    expect(agent.env.CLAUDE_CODE_OAUTH_TOKEN).toBe(oauthToken);
    expect(agent.env.ANTHROPIC_API_KEY).toBeUndefined();
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);

    const shown = await waitForScreen(
      readyPort(run!.output),
      (s) => authenticatedStartupDone(s) || apiKeyQuestion(s) || notLoggedIn(s),
    );
    expect(authenticatedStartupDone(shown)).toBe(true);
    expect(notLoggedIn(shown)).toBe(false);
    expect(run?.output).toMatch(/auth: +oauth token\n/);
    expectSecretKept(agent, run!.output, oauthToken);
  });
});

describe("claude_code_oauth_token in task mode", () => {
  test("the coder CLI's warning about CLAUDE_API_KEY, which Claude does not need with a token, is not in the log", async () => {
    const { agent } = await e2e.workspace({ ...image.inputs, claude_code_oauth_token: oauthToken }, image.options);
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run?.output).toMatch(/auth: +oauth token\n/);
    expect(run?.output).toContain("configuring task reporting: coder exp mcp configure claude-code");
    expect(run?.output).not.toContain("CLAUDE_API_KEY is not set");
    expectSecretKept(agent, run!.output, oauthToken);
  });
});

describe("no credentials", () => {
  test("onboarding is still seeded; Claude shows its own login hint and the module reports auth none without a warning", async () => {
    const { agent, workdir } = await e2e.workspace({ ...image.inputs, report_tasks: false }, image.options);
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    // The control case: the same wait tells a logged-in start from one that is not.
    const shown = await waitForScreen(readyPort(run!.output), (s) => authenticatedStartupDone(s) || notLoggedIn(s));
    expect(notLoggedIn(shown)).toBe(true);
    expect(run?.output).toMatch(/auth: +none\n/);
    expect(run?.output).not.toContain("WARNING");
    const config = JSON.parse(readFileSync(join(agent.home, ".claude.json"), "utf8"));
    expect(config.hasCompletedOnboarding).toBe(true);
    expect(config.projects[workdir].hasTrustDialogAccepted).toBe(true);
  });
});

describe("Bedrock and Vertex recipes from the upstream README (template-level coder_env)", () => {
  const env = (name: string, value: string) => ({ agent_id: "${coder_agent.main.id}", name, value });
  const recipes = [
    {
      provider: "bedrock",
      shown: "AmazonBedrock",
      model: "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
      env: {
        bedrock_use: env("CLAUDE_CODE_USE_BEDROCK", "1"),
        aws_region: env("AWS_REGION", "us-east-1"),
        bedrock_api_key: env("AWS_BEARER_TOKEN_BEDROCK", "e2e-bedrock-token"),
      },
    },
    {
      provider: "vertex",
      shown: "GoogleVertex",
      model: "claude-sonnet-4@20250514",
      env: {
        vertex_use: env("CLAUDE_CODE_USE_VERTEX", "1"),
        vertex_project_id: env("ANTHROPIC_VERTEX_PROJECT_ID", "e2e-project"),
        cloud_ml_region: env("CLOUD_ML_REGION", "global"),
      },
    },
  ];
  for (const recipe of recipes) {
    test(`${recipe.provider}: onboarding seeded, Claude uses the provider, the module prints no auth complaint`, async () => {
      const { agent, workdir } = await e2e.workspace(
        { ...image.inputs, model: recipe.model },
        { ...image.options, templateResources: { coder_env: recipe.env } },
      );
      expect(agent.env.ANTHROPIC_MODEL).toBe(recipe.model);
      const [run] = await agent.start();
      expect(exitOf(run)).toBe(0);
      expect(run?.output).toMatch(new RegExp(`auth: +${recipe.provider}\\n`));
      // Running as root draws the bypass-permissions warning; nothing may complain about auth.
      const warnings = run!.output.split("\n").filter((l) => l.includes("WARNING") && !l.includes("IS_SANDBOX"));
      expect(warnings).toEqual([]);
      expect(run?.output).not.toContain("ERROR");
      const config = JSON.parse(readFileSync(join(agent.home, ".claude.json"), "utf8"));
      expect(config.hasCompletedOnboarding).toBe(true);
      expect(config.projects[workdir].hasTrustDialogAccepted).toBe(true);

      const port = readyPort(run!.output);
      await waitForScreen(port, (s) => s.includes(recipe.shown) || notLoggedIn(s));
      const shown = await settledScreen(port);
      expect(shown).toContain(recipe.shown);
      expect(notLoggedIn(shown)).toBe(false);
    });
  }
});
