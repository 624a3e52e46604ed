// cli_app: the "Claude Code CLI" app's command, run for real in a terminal, attaches to the
// Claude Code session that the module's AgentAPI runs.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { squash, waitForScreen } from "../lib/agentapi-screen.ts";
import { useE2E } from "../lib/e2e.ts";
import { modelEnv, startScriptedModel } from "../lib/model.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { scratchDir } from "../lib/scratch.ts";
import { readyPort, exitOf } from "../lib/start-output.ts";
import { runInTerminal } from "../lib/terminal.ts";
import { waitFor } from "../lib/wait.ts";

const e2e = useE2E();
const image = preinstalled("claude");
const scratch = scratchDir("cli-app");

describe("cli_app", () => {
  test("the app's command attaches to the running session and shows Claude's screen", async () => {
    const { agent, resources } = await e2e.workspace(
      { ...image.inputs, cli_app: true, cli_app_display_name: "Claude in a terminal", report_tasks: false },
      image.options,
    );
    const app = resources.find((r) => r.type === "coder_app" && r.values.slug === "ccw-cli");
    expect(app?.values.display_name).toBe("Claude in a terminal");

    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    const port = readyPort(run!.output);
    await waitForScreen(port, (s) => s.includes("ClaudeCodev"));

    const attached = await runInTerminal(agent, app!.values.command, 8);
    // timeout ends the attached session; until then it mirrors Claude's terminal.
    expect(attached.exitCode).toBe(124);
    expect(squash(attached.all.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ""))).toContain("ClaudeCodev");
  });

  test("what is typed in the app's terminal reaches Claude, and the model's answer shows there", async () => {
    const m = startScriptedModel();
    try {
      const question = `Typed in the terminal ${Date.now()}`;
      m.on(question, [{ text: "Heard you from the terminal." }]);
      const { agent, resources } = await e2e.workspace(
        { ...image.inputs, cli_app: true, report_tasks: false },
        { ...image.options, env: modelEnv(m) },
      );
      const app = resources.find((r) => r.type === "coder_app" && r.values.slug === "ccw-cli");
      const [run] = await agent.start();
      expect(exitOf(run)).toBe(0);
      await waitForScreen(readyPort(run!.output), (s) => s.includes("ClaudeCodev"));

      const file = join(scratch, `app-${Date.now()}.sh`);
      writeFileSync(file, app!.values.command);
      const terminal = spawn("script", ["-qfec", `bash ${file}`, "/dev/null"], {
        cwd: agent.home,
        env: { ...agent.env, TERM: "xterm-256color", SHELL: "/bin/bash" },
      });
      let shown = "";
      terminal.stdout.on("data", (chunk: Buffer) => {
        // A terminal answers the cursor position query the attached view sends as it starts; until
        // it has an answer, it does not take input.
        if (chunk.toString().includes("\x1b[6n")) terminal.stdin.write("\x1b[1;1R");
        shown += chunk.toString();
      });
      try {
        await waitFor("the attached view to draw Claude's screen", () =>
          squash(shown.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")).includes("ClaudeCodev") ? true : undefined,
        );
        terminal.stdin.write(question);
        await waitFor("Claude's input box to show the typed text", () =>
          squash(shown.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")).includes(squash(question)) ? true : undefined,
        );
        terminal.stdin.write("\r");
        await m.waitForRequest((r) => r.lastUserText.includes(question), 60_000);
        await waitFor("the answer in the terminal", () =>
          squash(shown.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")).includes("Heardyoufromtheterminal.") ? true : undefined,
        );
      } finally {
        terminal.kill();
      }
    } finally {
      m.stop();
    }
  });

  test("before the module has set up AgentAPI, the command says so instead of failing obscurely", async () => {
    const { agent, resources } = await e2e.workspace({ cli_app: true });
    const app = resources.find((r) => r.type === "coder_app" && r.values.slug === "ccw-cli");
    const attached = await runInTerminal(agent, app!.values.command, 8);
    expect(attached.exitCode).toBe(1);
    expect(attached.all).toContain("Claude Code is not set up yet");
  });
});
