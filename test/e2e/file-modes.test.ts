// The start script keeps its own files private (umask 077), but what it makes for the user gets the
// umask the agent ran it with: a new work dir, and the files Claude writes there, as in a terminal.

import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { useE2E } from "../lib/e2e.ts";
import { modeOf } from "../lib/files.ts";
import { modelEnv, startScriptedModel } from "../lib/model.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { exitOf } from "../lib/start-output.ts";
import { waitFor } from "../lib/wait.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");
const model = startScriptedModel();
afterAll(() => model.stop());

describe("file modes", () => {
  test.each(["agentapi", "tmux"])(
    "with the agent's umask 002 and session_app = %p, the new work dir is 0775 and Claude's file 0664; the module's own stay private",
    async (sessionApp) => {
      const prompt = `Make a file ${randomUUID()}`;
      model.on(
        prompt,
        [{ tool: "Write", input: { file_path: "{cwd}/made.txt", content: "made\n" } }],
        [{ text: "Made." }],
      );
      const { agent, workdir, moduleDir } = await e2e.workspace(
        { ...image.inputs, report_tasks: false, session_app: sessionApp, ai_prompt: prompt },
        { ...image.options, env: modelEnv(model) },
      );
      // The agent's umask, which its scripts inherit (this process's, while the start runs).
      const before = process.umask(0o002);
      let run;
      try {
        [run] = await agent.start();
      } finally {
        process.umask(before);
      }
      expect(exitOf(run)).toBe(0);
      const made = join(workdir, "made.txt");
      await waitFor("Claude to write made.txt", () => (existsSync(made) ? true : undefined), 120_000);
      expect(modeOf(workdir)).toBe(0o775);
      expect(modeOf(made)).toBe(0o664);
      expect(modeOf(join(moduleDir, "install.log"))).toBe(0o600);
      expect(modeOf(moduleDir)).toBe(0o700);
    },
  );

  test("at the next start, the module's directory is private again and the status hook executable again", async () => {
    const { agent, moduleDir } = await e2e.workspace(image.inputs, image.options);
    expect(exitOf((await agent.start())[0])).toBe(0);
    const hook = join(moduleDir, "bin", "claude-status-hook");
    expect(modeOf(hook)).toBe(0o755);
    chmodSync(hook, 0o644);
    chmodSync(moduleDir, 0o755);
    await agent.stop();
    expect(exitOf((await agent.start())[0])).toBe(0);
    expect(modeOf(hook)).toBe(0o755);
    expect(modeOf(moduleDir)).toBe(0o700);
  });
});
