// session_app = "tmux" in a real Coder, the way a workspace without Tasks runs it (Coder v2.37+
// removed them): the agent's start script starts Claude in the module's tmux session, the session
// app opens it in a terminal, Claude Code's hooks report to that app, and a stop and start resume
// the conversation. And session_app = "auto": one Tasks template whose tasks get the web chat and
// whose other workspaces get the session.

import { beforeAll, describe, expect, test } from "bun:test";
import {
  agentOf,
  agentScriptLog,
  cli,
  coder,
  runInTerminal,
  tasksTf,
  uniqueName,
  waitBuild,
  workspaceView,
} from "../lib/coder.ts";
import { coderVersionLabel, readyAgent, useCoder } from "../lib/coder-level.ts";
import { squash } from "../lib/agentapi-screen.ts";
import { waitFor } from "../lib/wait.ts";

const level = useCoder();
const prompt = `Write plan.txt in the session ${uniqueName("p")}`;
let template: string;

beforeAll(async () => {
  template = await level.push("session", {
    module: { workdir: "~/project", report_tasks: false, session_app: "tmux", ai_prompt: prompt },
  });
});

describe(`the tmux session app on ${coderVersionLabel}`, () => {
  test("Claude starts in tmux with the prompt, the app shows it, hooks report to the app, and a restart resumes", async () => {
    const { d, model } = level;
    model.on(
      prompt,
      [{ tool: "Write", input: { file_path: "{cwd}/plan.txt", content: "The plan\n" } }],
      [{ text: "plan.txt is written." }],
    );
    const { ws, agent, start } = await level.start(template);
    expect(start).toMatch(/session: +tmux \(tmux -S .*tmux\.sock attach -t ccw\)/);

    // The dashboard lists one Claude Code app: a command in a slim window, no web chat.
    const apps = agentOf(await workspaceView(d, ws))!.apps;
    expect(apps.map((a) => a.slug)).toEqual(["ccw"]);
    expect(apps[0]).toMatchObject({ open_in: "slim-window" });
    expect(apps[0]!.command).toContain("/.claude-module/bin/claude-session");

    // The prompt reached the model, Claude wrote the file, and its hooks reported to the session app.
    await model.waitForRequest((r) => r.lastUserText.includes(prompt), 240_000);
    const statuses = await waitFor("the turn reported complete on the app", async () => {
      const app = agentOf(await workspaceView(d, ws))?.apps.find((a) => a.slug === "ccw");
      const seen = (app?.statuses ?? []).map((s) => `${s.state}: ${s.message}`).reverse();
      return seen.includes("complete: plan.txt is written.") ? seen : undefined;
    });
    expect(statuses[0]).toBe(`working: ${prompt}`);
    expect((await cli(d, ["ssh", ws, "--", "cat ~/project/plan.txt"])).stdout).toBe("The plan");

    // The app's command, run as the dashboard runs it (a PTY in the workspace), shows the conversation.
    const shown = await runInTerminal(d, ws, apps[0]!.command!, 10);
    expect(squash(shown.replace(/\x1b\[[0-9;?>=]*[A-Za-z]/g, ""))).toContain("plan.txtiswritten.");

    // Stop ends the session; start resumes it, without sending the prompt again.
    await coder(d, ["stop", ws, "--yes"], { timeout: 180_000 });
    await waitBuild(d, ws, "stopped");
    expect(agentScriptLog(d, ws, agent, "Claude Code: stop")).toContain("stopped the tmux session");
    const requests = model.requests().filter((r) => r.lastUserText.includes(prompt)).length;
    await coder(d, ["start", ws, "--yes"], { timeout: 180_000 });
    const again = await readyAgent(d, ws);
    expect(again.start).toMatch(/session: +continued the most recent in the work dir/);
    expect(again.start).toMatch(/prompt: +not sent \(the session was resumed\)/);
    const running = await cli(d, ["ssh", ws, "--", "tmux -S ~/.claude-module/tmux.sock list-panes -a"]);
    expect(running.exitCode).toBe(0);
    expect(model.requests().filter((r) => r.lastUserText.includes(prompt)).length).toBe(requests);
  }, 600_000); // a workspace build, its agent start, a model turn, a stop and a start
});

describe(`session_app = "auto" on ${coderVersionLabel}`, () => {
  test("one Tasks template: a task gets AgentAPI's web chat, a workspace without a task the session", async () => {
    const { d, model } = level;
    const auto = await level.push("auto", {
      module: { workdir: "~/project", session_app: "auto" },
      files: { "tasks.tf": tasksTf },
    });
    const taskPrompt = `Plan it in the task ${uniqueName("p")}`;
    model.on(taskPrompt, [{ text: "Planned in the task." }]);
    const task = await level.startTask(auto, taskPrompt);
    expect(task.start).toMatch(/AgentAPI is ready on port \d+$/m);
    const taskApps = agentOf(await workspaceView(d, task.ws))!.apps;
    expect(taskApps.map((a) => a.slug)).toEqual(["ccw"]);
    expect(taskApps[0]!.command).toBeFalsy();
    await model.waitForRequest((r) => r.lastUserText.includes(taskPrompt), 240_000);

    const plain = await level.start(auto);
    expect(plain.start).toMatch(/session: +tmux \(tmux -S .*tmux\.sock attach -t ccw\)/);
    expect(plain.start).not.toMatch(/AgentAPI is ready/);
    const apps = agentOf(await workspaceView(d, plain.ws))!.apps;
    expect(apps.map((a) => a.slug)).toEqual(["ccw"]);
    expect(apps[0]).toMatchObject({ open_in: "slim-window" });
    expect(apps[0]!.command).toContain("/.claude-module/bin/claude-session");
  }, 900_000); // two workspace builds and their agents' starts, and a model turn
});
