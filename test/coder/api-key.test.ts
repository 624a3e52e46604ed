// API-key mode in task mode, in a real Coder: the module gives the key to Claude (ANTHROPIC_API_KEY)
// and withholds it from the coder CLI on purpose, so the CLI does not store a copy in
// ~/.claude.json. The start log the dashboard shows must say so consistently: no "CLAUDE_API_KEY is
// not set" warning next to a summary saying the API key is used.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  agentLogs,
  coder,
  deleteWorkspace,
  deployment,
  homeOf,
  pushTemplate,
  scriptOutput,
  uniqueName,
  waitAgent,
  type Deployment,
} from "../lib/coder.ts";
import { startScriptedModel, type ScriptedModel } from "../lib/model.ts";

let d: Deployment;
let model: ScriptedModel;
let template: string;
const workspaces: string[] = [];

beforeAll(async () => {
  d = deployment();
  model = startScriptedModel();
  // pushTemplate passes the model's key as claude_api_key.
  template = await pushTemplate(d, uniqueName("api-key"), {
    module: { workdir: "~/project" },
    modelUrl: model.url,
    modelApiKey: model.apiKey,
  });
});

afterAll(async () => {
  for (const ws of workspaces) await deleteWorkspace(d, ws);
  model?.stop();
});

describe(`claude_api_key in task mode on Coder v${process.env.CODER_VERSION ?? "newest"}`, () => {
  test("the start log does not warn that CLAUDE_API_KEY is not set, and the CLI stores no copy of the key", async () => {
    const ws = uniqueName("ws");
    workspaces.push(ws);
    await coder(d, ["create", ws, "-t", template, "--yes"], { timeout: 300_000 });
    const agent = await waitAgent(d, ws);
    const start = scriptOutput(await agentLogs(d, agent), "Claude Code");
    expect(agent.lifecycle_state, start).toBe("ready");

    expect(start).toMatch(/auth: +api key$/m);
    expect(start).not.toContain("CLAUDE_API_KEY is not set");
    // The rest of what the coder CLI says still shows.
    expect(start).toMatch(/Wrote config to \S+\.claude\.json/);
    const config = JSON.parse(readFileSync(join(homeOf(d, ws), ".claude.json"), "utf8"));
    expect(config.primaryApiKey).toBeUndefined();
  });
});
