// session_app = "tmux": Claude in the module's own tmux session instead of behind AgentAPI, opened
// by the session app's command in a terminal. Real tmux, Claude Code and the module's scripts; the
// model is the scripted Messages API endpoint (a named double).

import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { existsSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import type { LocalAgent } from "../lib/agent.ts";
import { squash } from "../lib/agentapi-screen.ts";
import { boundaryWorkspace } from "../lib/boundary.ts";
import { useE2E } from "../lib/e2e.ts";
import { modelEnv } from "../lib/model.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { ancestors, claudeProcesses, commandLines, splitSettings } from "../lib/processes.ts";
import { exitOf } from "../lib/start-output.ts";
import { waitFor } from "../lib/wait.ts";
import { runInTerminal } from "../lib/terminal.ts";
import { summaryOf } from "../lib/workspace-files.ts";
import type { Workspace } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude");

/** An app's command in a terminal for `seconds`: its exit status and what it showed, escapes and
 * whitespace removed. */
async function openApp(agent: LocalAgent, command: string, seconds: number) {
  const r = await runInTerminal(agent, command, seconds);
  return { exitCode: r.exitCode, screen: squash(String(r.all).replace(/\x1b\[[0-9;?>=]*[A-Za-z]/g, "")) };
}

/** What the module's tmux session shows now. */
async function pane(ws: Workspace): Promise<string> {
  const r = await execa("tmux", ["-S", join(ws.moduleDir, "tmux.sock"), "capture-pane", "-p", "-t", "ccw:"], {
    env: ws.agent.env,
    extendEnv: false,
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`tmux capture-pane failed: ${r.stderr}`);
  return squash(r.stdout);
}

function sessionApp(ws: Workspace) {
  const app = ws.resources.find((r) => r.type === "coder_app" && r.values.slug === "ccw");
  if (!app) throw new Error("no session app in the state");
  return app.values;
}

const agentapiRuns = (ws: Workspace) => commandLines(ws.agent).some((l) => / server --type claude /.test(l));

describe('session_app = "tmux"', () => {
  test("Claude runs in the module's tmux session with the prompt, works, and the app's command shows it", async () => {
    const m = e2e.model();
    const prompt = `Write notes.txt ${randomUUID()}`;
    m.on(
      "Write notes.txt",
      [{ tool: "Write", input: { file_path: "{cwd}/notes.txt", content: "notes\n" } }],
      [{ text: "Wrote notes.txt for you." }],
    );
    const ws = await e2e.workspace(
      { ...image.inputs, session_app: "tmux", report_tasks: false, ai_prompt: prompt },
      { ...image.options, env: modelEnv(m) },
    );
    const app = sessionApp(ws);
    expect(app.open_in).toBe("slim-window");
    expect(ws.resources.some((r) => r.type === "coder_app" && r.values.url)).toBe(false);

    const [run] = await ws.agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run?.output).toMatch(/session: +tmux \(tmux -S .*tmux\.sock attach -t ccw\)/);
    expect(agentapiRuns(ws)).toBe(false);
    expect(existsSync(join(ws.moduleDir, "bin", "agentapi"))).toBe(false);

    const claude = await waitFor("Claude in the tmux session", () => claudeProcesses(ws.agent)[0]);
    expect(ancestors(claude.pid).some((p) => p.argv[0] === "tmux")).toBe(true);
    expect(readlinkSync(`/proc/${claude.pid}/cwd`)).toBe(ws.workdir);
    expect(claude.argv.at(-1)).toBe(prompt);
    await m.waitForRequest((r) => r.lastUserText.includes(prompt), 90_000);
    await waitFor("notes.txt", () => (existsSync(join(ws.workdir, "notes.txt")) ? true : undefined), 90_000);
    await waitFor("Claude's answer in the session", async () =>
      (await pane(ws)).includes("Wrotenotes.txtforyou") ? true : undefined,
    );

    // The app attaches to the session: the window shows Claude's conversation; closing it leaves Claude running.
    const opened = await openApp(ws.agent, app.command, 8);
    expect(opened.exitCode).toBe(124);
    expect(opened.screen).toContain("Wrotenotes.txtforyou");
    expect(claudeProcesses(ws.agent).map((p) => p.pid)).toEqual([claude.pid]);
  });

  test("the stop ends the session; a start resumes it without the prompt; after Claude was exited the app starts it again, resumed", async () => {
    const m = e2e.model();
    const prompt = `First ${randomUUID()}`;
    const ws = await e2e.workspace(
      { ...image.inputs, session_app: "tmux", report_tasks: false, ai_prompt: prompt },
      { ...image.options, env: modelEnv(m) },
    );
    await ws.agent.start();
    await m.waitForRequest((r) => r.lastUserText.includes(prompt), 90_000);
    const first = await waitFor("Claude in the tmux session", () => claudeProcesses(ws.agent)[0]);
    expect(splitSettings(first.argv.slice(1)).args[0]).toBe("--session-id");

    const [stop] = await ws.agent.stop({ kill: false });
    expect(stop?.output).toContain("stopped the tmux session");
    await waitFor("Claude to end", () => (claudeProcesses(ws.agent).length === 0 ? true : undefined));

    const [again] = await ws.agent.start();
    expect(exitOf(again)).toBe(0);
    expect(summaryOf(ws.moduleDir)).toContain("prompt:        not sent (the session was resumed)");
    const resumed = await waitFor("Claude in the tmux session", () => claudeProcesses(ws.agent)[0]);
    expect(splitSettings(resumed.argv.slice(1)).args).toEqual(["--continue"]);

    // The user ends Claude (or tmux): the app's next opening starts it again through the start script.
    await execa("tmux", ["-S", join(ws.moduleDir, "tmux.sock"), "kill-server"], { env: ws.agent.env });
    await waitFor("Claude to end", () => (claudeProcesses(ws.agent).length === 0 ? true : undefined));
    const reopened = await openApp(ws.agent, sessionApp(ws).command, 20);
    expect(reopened.screen).toContain("ClaudeCodeisnotrunning;startingit(resumed)");
    const restarted = await waitFor("Claude in the tmux session", () => claudeProcesses(ws.agent)[0]);
    expect(splitSettings(restarted.argv.slice(1)).args).toEqual(["--continue"]);
    expect(reopened.screen).toContain("runbyhand:usingtheargumentsthelaststartsaved");
  });

  test("with boundary on, Claude in the tmux session runs inside the jail", async () => {
    const ws = await boundaryWorkspace(e2e.server, {
      session_app: "tmux",
      report_tasks: false,
      boundary_jail_type: "landjail",
    });
    const [run] = await ws.agent.start();
    expect(run?.output).toContain("boundary works: landjail (Landlock)");
    expect(exitOf(run)).toBe(0);
    const claude = await waitFor("Claude in the tmux session", () => claudeProcesses(ws.agent)[0]);
    const chain = ancestors(claude.pid);
    expect(chain.some((p) => p.argv[0] === "tmux")).toBe(true);
    expect(chain.some((p) => p.exe === join(ws.moduleDir, "bin", "boundary"))).toBe(true);
    // Landlock requires no_new_privs: a process outside the jail does not have it.
    expect(claude.noNewPrivs).toBe(true);
  });

  test("before the module has set the session up, the app says so instead of failing obscurely", async () => {
    const ws = await e2e.workspace({ session_app: "tmux", report_tasks: false });
    const opened = await openApp(ws.agent, sessionApp(ws).command, 8);
    expect(opened.exitCode).toBe(1);
    expect(opened.screen).toContain("ClaudeCodeisnotsetupyet");
  });
});
