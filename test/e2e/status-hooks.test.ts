// The app's status from Claude Code's hooks: the chat's Claude runs the module's hook at each
// moment that matters, and the module's relay sends each status to the agent API. Here the agent
// API is a loopback test double recording what it is sent (the real Coder level checks what Coder
// shows); Claude, AgentAPI and the hook are real.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { useE2E } from "../lib/e2e.ts";
import { defaultFallback, modelEnv, type ScriptedModel } from "../lib/model.ts";
import { settledScreen, squash } from "../lib/agentapi-screen.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { claudeUnderAgentapi } from "../lib/processes.ts";
import { scratchDir } from "../lib/scratch.ts";
import { exitOf } from "../lib/start-output.ts";
import { waitFor } from "../lib/wait.ts";
import { freePort } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");

interface AppStatus {
  app_slug: string;
  state: string;
  message: string;
}

/** A loopback stand-in for the Coder agent API's PATCH /api/v2/workspaceagents/me/app-status. */
function agentApiDouble(token: string) {
  const statuses: AppStatus[] = [];
  const refused: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (req.method !== "PATCH" || path !== "/api/v2/workspaceagents/me/app-status") {
        refused.push(`${req.method} ${path}`);
        return new Response("not found", { status: 404 });
      }
      if (req.headers.get("coder-session-token") !== token) {
        refused.push("wrong token");
        return new Response("unauthorized", { status: 401 });
      }
      statuses.push((await req.json()) as AppStatus);
      return new Response(null, { status: 204 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}/`, statuses, refused, stop: () => server.stop(true) };
}

/** A task whose prompt has Claude ask permission to run a Bash command (an explicit permission
 * mode: a task's default skips permissions, and Claude would never ask), started and waited for
 * until the permission prompt is reported. `m` may hold further rules. */
async function atPermissionPrompt(m: ScriptedModel) {
  const token = `agent-${randomUUID()}`;
  const agentApi = agentApiDouble(token);
  e2e.afterTest(agentApi.stop);
  const prompt = `Run a command ${randomUUID()}`;
  m.on(prompt, [{ tool: "Bash", input: { command: "echo approved > ran.txt" } }], [{ text: "The command ran." }]);
  const port = await freePort();
  const { agent, workdir } = await e2e.workspace(
    { ...image.inputs, ai_prompt: prompt, permission_mode: "default", agentapi_port: port },
    { ...image.options, env: { ...modelEnv(m), CODER_AGENT_URL: agentApi.url, CODER_AGENT_TOKEN: token } },
  );
  const [run] = await agent.start();
  expect(exitOf(run)).toBe(0);
  await waitFor(
    "the permission prompt to be reported",
    () => (agentApi.statuses.some((s) => s.state === "idle") ? true : undefined),
    120_000,
  );
  const seen = () => agentApi.statuses.map((s) => `${s.state}: ${s.message}`);
  return { agentApi, prompt, port, workdir, seen };
}

describe("status from Claude Code's hooks (the default)", () => {
  test("a tool turn reports working (the prompt, then the tool) and complete with the reply's first line", async () => {
    const m = e2e.model();
    const token = `agent-${randomUUID()}`;
    const agentApi = agentApiDouble(token);
    e2e.afterTest(agentApi.stop);
    const prompt = `Write notes.txt\nwith some detail ${randomUUID()}`;
    m.on(
      "Write notes.txt",
      [{ tool: "Write", input: { file_path: "{cwd}/notes.txt", content: "notes\n" } }],
      [{ text: "Wrote notes.txt.\nIt holds one line." }],
    );
    const { agent, moduleDir } = await e2e.workspace(
      { ...image.inputs, ai_prompt: prompt },
      { ...image.options, env: { ...modelEnv(m), CODER_AGENT_URL: agentApi.url, CODER_AGENT_TOKEN: token } },
    );
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run?.output).toMatch(/status: +Claude Code hooks, relayed to Coder/);

    await waitFor("Claude's turn to be reported complete", () =>
      agentApi.statuses.some((s) => s.state === "complete") ? true : undefined,
    );
    const seen = agentApi.statuses.map((s) => `${s.state}: ${s.message}`);
    expect(seen[0]).toBe("working: Write notes.txt");
    expect(seen).toContain("working: Using Write");
    expect(seen.at(-1)).toBe("complete: Wrote notes.txt.");
    expect(agentApi.statuses.every((s) => s.app_slug === "ccw")).toBe(true);
    expect(agentApi.refused).toEqual([]);
    // The token reaches the agent API, never a log or a process's arguments.
    for (const log of ["install.log", "status-relay.log", "agentapi-start.log"]) {
      const file = join(moduleDir, log);
      if (existsSync(file)) expect(readFileSync(file, "utf8")).not.toContain(token);
    }
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.args.join(" ")).not.toContain(token);
    // With hooks alone the model is not asked to report: no coder_report_task instructions.
    expect(readFileSync(join(agent.home, ".claude", "CLAUDE.md"), "utf8")).not.toContain("coder_report_task");

    // The stop ends the relay with AgentAPI.
    const [stop] = await agent.stop({ kill: false });
    expect(stop?.output).toContain("stopped the status relay");
    expect(agent.processes()).toEqual([]);
  });

  test("a turn whose every model call fails (529, each retry too) reports failure, naming the error", async () => {
    const m = e2e.model();
    const token = `agent-${randomUUID()}`;
    const agentApi = agentApiDouble(token);
    e2e.afterTest(agentApi.stop);
    const prompt = `Overloaded ${randomUUID()}`;
    m.on(prompt, [{ error: { status: 529, type: "overloaded_error", message: "Overloaded" } }]);
    // Claude sends its idle notification after a second instead of a minute, and the user's own
    // hook on it leaves a mark, so the test knows when it has come.
    const home = scratchDir("home");
    const idleMark = join(home, "idle-notified");
    writeFileSync(join(home, ".claude.json"), JSON.stringify({ messageIdleNotifThresholdMs: 1000 }));
    mkdirSync(join(home, ".claude"));
    const touch = { type: "command", command: `touch ${idleMark}` };
    writeFileSync(
      join(home, ".claude", "settings.json"),
      JSON.stringify({ hooks: { Notification: [{ matcher: "idle_prompt", hooks: [touch] }] } }),
    );
    const port = await freePort();
    const { agent } = await e2e.workspace(
      { ...image.inputs, ai_prompt: prompt, agentapi_port: port },
      {
        ...image.options,
        home,
        // Claude retries a 529 (10 times by default, with growing pauses); one retry shows it giving up.
        env: { ...modelEnv(m), CODER_AGENT_URL: agentApi.url, CODER_AGENT_TOKEN: token, CLAUDE_CODE_MAX_RETRIES: "1" },
      },
    );
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    await waitFor(
      "the failed turn to be reported",
      () => (agentApi.statuses.some((s) => s.state === "failure") ? true : undefined),
      120_000,
    );
    expect(m.requests().filter((r) => r.lastUserText.includes(prompt))).toHaveLength(2);
    const seen = agentApi.statuses.map((s) => `${s.state}: ${s.message}`);
    expect(seen[0]).toBe(`working: ${prompt}`);
    expect(seen[1]).toMatch(/^failure: server_error: API Error: 529 Overloaded/);

    // Claude sitting idle afterwards does not hide the failure; the next prompt is working again.
    await waitFor("Claude's idle notification", () => (existsSync(idleMark) ? true : undefined), 120_000);
    const next = `Next ${randomUUID()}`;
    await waitFor("AgentAPI to take the next prompt", async () => {
      const sent = await fetch(`http://127.0.0.1:${port}/message`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "user", content: next }),
      });
      return sent.ok ? true : undefined;
    });
    await waitFor("the next prompt to be reported", () =>
      agentApi.statuses.some((s) => s.message === next) ? true : undefined,
    );
    expect(agentApi.statuses.map((s) => s.state).slice(0, 3)).toEqual(["working", "failure", "working"]);
  });

  test("a permission prompt reports waiting; the answer typed through AgentAPI continues the turn", async () => {
    const { agentApi, prompt, port, workdir, seen } = await atPermissionPrompt(e2e.model());
    expect(seen()).toEqual([`working: ${prompt}`, "working: Using Bash", "idle: Claude needs your permission"]);
    expect(existsSync(join(workdir, "ran.txt"))).toBe(false);

    // Enter picks the dialog's first choice, "Yes".
    const answer = await fetch(`http://127.0.0.1:${port}/message`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "raw", content: "\r" }),
    });
    expect(answer.status).toBe(200);
    await waitFor(
      "the turn to be reported complete",
      () => (agentApi.statuses.some((s) => s.state === "complete") ? true : undefined),
      120_000,
    );
    expect(seen().slice(3)).toEqual(["working: Continuing after Bash", "complete: The command ran."]);
    expect(readFileSync(join(workdir, "ran.txt"), "utf8")).toBe("approved\n");
  });

  test("a denied permission prompt: nothing runs, and the next prompt is reported working, then complete", async () => {
    const m = e2e.model();
    const next = `Then just answer ${randomUUID()}`;
    m.on(next, [{ text: "Answered without the command." }]);
    const { agentApi, prompt, port, workdir, seen } = await atPermissionPrompt(m);

    // Escape denies. No hook fires for a denial, so the app keeps showing the prompt (idle) until
    // the user's next message, which Claude then works on.
    const post = (content: string, type: "raw" | "user") =>
      fetch(`http://127.0.0.1:${port}/message`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type, content }),
      });
    expect((await post("\u001b", "raw")).status).toBe(200);
    await waitFor("AgentAPI to take the next prompt", async () => ((await post(next, "user")).ok ? true : undefined));
    await waitFor(
      "the next turn to be reported complete",
      () => (agentApi.statuses.some((s) => s.state === "complete") ? true : undefined),
      120_000,
    );
    expect(seen()).toEqual([
      `working: ${prompt}`,
      "working: Using Bash",
      "idle: Claude needs your permission",
      `working: ${next}`,
      "complete: Answered without the command.",
    ]);
    expect(existsSync(join(workdir, "ran.txt"))).toBe(false);
  });

  test("web_app = false: no app to report to, so no hook and no relay, and those of an earlier start are removed", async () => {
    const m = e2e.model();
    const token = `agent-${randomUUID()}`;
    const agentApi = agentApiDouble(token);
    e2e.afterTest(agentApi.stop);
    const options = {
      ...image.options,
      env: { ...modelEnv(m), CODER_AGENT_URL: agentApi.url, CODER_AGENT_TOKEN: token },
    };
    const standalone = { ...image.inputs, report_tasks: false };
    // An earlier start with the app: its hook and relay are in place.
    const first = await e2e.workspace(standalone, options);
    const [run1] = await first.agent.start();
    expect(exitOf(run1)).toBe(0);
    const files = ["bin/claude-status-hook", "bin/claude-status-relay", "status"].map((f) => join(first.moduleDir, f));
    expect(files.filter((f) => existsSync(f))).toEqual(files);
    await first.agent.stop({ kill: false });

    // The same home, now without the app.
    const port = await freePort();
    const { agent, moduleDir } = await e2e.workspace(
      { ...standalone, web_app: false, ai_prompt: "Hello without an app", agentapi_port: port },
      { ...options, home: first.agent.home },
    );
    expect(moduleDir).toBe(first.moduleDir);
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run?.output).toMatch(/status: +off \(web_app = false: there is no app to report to\)/);
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.args.join(" ")).not.toContain("claude-status-hook");
    expect(files.filter((f) => existsSync(f))).toEqual([]);
    // Claude's turn ends (its answer on a settled screen), and nothing reported it.
    await m.waitForRequest((r) => r.lastUserText.includes("Hello without an app"), 120_000);
    expect(await settledScreen(port, 120)).toContain(squash(defaultFallback));
    expect(agentApi.statuses).toEqual([]);
    expect(agentApi.refused).toEqual([]);
  });

  test('status_source = "model": no hook, no relay, and the model is asked to report', async () => {
    const m = e2e.model();
    const { agent, moduleDir } = await e2e.workspace(
      { ...image.inputs, status_source: "model" },
      { ...image.options, env: modelEnv(m) },
    );
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run?.output).toMatch(/status: +reported by the model/);
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.args.join(" ")).not.toContain("claude-status-hook");
    expect(existsSync(join(moduleDir, "status", "relay.pid"))).toBe(false);
    expect(readFileSync(join(agent.home, ".claude", "CLAUDE.md"), "utf8")).toContain("coder_report_task");
  });
});
