// api_key_helper: the real Claude Code runs the template's helper for its API key, and the model
// (a scripted Messages API double) receives the key the helper printed. The helper's body stays out
// of the plan, logs and process arguments; the user's own settings survive; unsetting the input
// takes the helper back.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { filesUnder, modeOf } from "../lib/files.ts";
import { startScriptedModel, type ScriptedModel } from "../lib/model.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { commandLines } from "../lib/processes.ts";
import { exitOf, readyPort } from "../lib/start-output.ts";
import { plan, writeTemplate, type Inputs } from "../lib/terraform.ts";
import { scratchDir } from "../lib/scratch.ts";
import { waitFor } from "../lib/wait.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");
let model: ScriptedModel;
beforeEach(() => {
  model = startScriptedModel();
  model.on("whose key?", [{ text: "The helper's key." }]);
});
afterEach(() => model.stop());

describe("api_key_helper", () => {
  test("Claude Code calls the helper and sends the key it printed; the body stays secret; unset takes it back", async () => {
    const key = `sk-ant-helper-${randomUUID()}`;
    const script = `#!/bin/sh\n# printed for Claude Code only\nprintf '%s\\n' '${key}'\n`;
    const base: Inputs = { ...image.inputs, report_tasks: false, anthropic_base_url: model.url };
    const inputs = { ...base, api_key_helper: { script, ttl_ms: 60000 } };

    const planned = await plan(writeTemplate({ ...inputs, workdir: "/home/coder/project" }));
    expect(planned.exitCode).toBe(0);
    expect(planned.all).not.toContain(key);

    const home = scratchDir("home");
    mkdirSync(join(home, ".claude"));
    writeFileSync(join(home, ".claude", "settings.json"), JSON.stringify({ theme: "dark", env: { MY_OWN: "1" } }));
    const { agent, workdir } = await e2e.workspace(inputs, { ...image.options, home });
    expect(agent.env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS).toBe("60000");
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run!.output).toMatch(/auth: +api key helper\n/);

    const helper = join(agent.home, ".claude-module", "api-key-helper.sh");
    expect(modeOf(helper)).toBe(0o700);
    const settings = JSON.parse(readFileSync(join(home, ".claude", "settings.json"), "utf8"));
    expect(settings).toEqual({ theme: "dark", env: { MY_OWN: "1" }, apiKeyHelper: helper });

    // Claude in the chat uses the helper's key without asking anything first.
    const port = readyPort(run!.output);
    await waitFor("AgentAPI to take a message", async () => {
      const sent = await fetch(`http://127.0.0.1:${port}/message`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ content: "whose key?", type: "user" }),
      });
      return sent.ok ? true : undefined;
    });
    await model.waitForRequest((r) => r.lastUserText.includes("whose key?"), 90_000);
    expect(model.sawCredential(key) || model.sawCredential(`Bearer ${key}`)).toBe(true);

    // And so does a claude started in a terminal.
    const asked = await agent.exec("claude", ["-p", "whose key?"], { cwd: workdir });
    expect(asked.stdout).toContain("The helper's key.");

    expect(run!.output).not.toContain(key);
    expect(commandLines(agent).filter((c) => c.includes(key))).toEqual([]);
    for (const f of filesUnder(join(agent.home, ".claude-module")).filter((f) => f !== helper)) {
      expect({ f, key: readFileSync(f, "latin1").includes(key) }).toEqual({ f, key: false });
    }
    await agent.stop();

    // The template drops the input: the helper and its setting go, the user's settings stay.
    const { agent: after } = await e2e.workspace({ ...base, workdir }, { ...image.options, home });
    expect(after.env.CLAUDE_CODE_API_KEY_HELPER_TTL_MS).toBeUndefined();
    const [unset] = await after.start();
    expect(exitOf(unset)).toBe(0);
    expect(existsSync(helper)).toBe(false);
    expect(JSON.parse(readFileSync(join(home, ".claude", "settings.json"), "utf8"))).toEqual({
      theme: "dark",
      env: { MY_OWN: "1" },
    });
  });
});
