// The web chat's history (AgentAPI's /messages) across a stop and start, with real Claude Code and
// real AgentAPI: kept per Claude session by AgentAPI's state file (enable_state_persistence), shown
// once, not again from the screen the resumed Claude redraws.

import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { Message } from "../lib/agentapi-screen.ts";
import { useE2E } from "../lib/e2e.ts";
import { modelEnv, type ScriptedModel } from "../lib/model.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { exitOf, readyPort } from "../lib/start-output.ts";
import { waitFor } from "../lib/wait.ts";
import type { Workspace } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");

const messages = async (port: number) =>
  ((await (await fetch(`http://127.0.0.1:${port}/messages`)).json()) as { messages: Message[] }).messages;

/** Sends `text` as the user through AgentAPI once it takes input (it refuses while Claude's screen changes). */
const say = (port: number, text: string) =>
  waitFor(`AgentAPI on ${port} to take "${text}"`, async () => {
    const r = await fetch(`http://127.0.0.1:${port}/message`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ content: text, type: "user" }),
    });
    return r.ok ? true : undefined;
  });

/** The chat's messages once one from `role` contains `text`. */
const waitForMessage = (port: number, role: string, text: string) =>
  waitFor(`a ${role} message with "${text}" in AgentAPI's chat`, async () => {
    const all = await messages(port).catch(() => []);
    return all.some((m) => m.role === role && m.content.includes(text)) ? all : undefined;
  });

/** Starts the workspace and returns the port AgentAPI is ready on. */
async function start(ws: Workspace): Promise<number> {
  const [run] = await ws.agent.start();
  expect(exitOf(run)).toBe(0);
  return readyPort(run!.output);
}

/** A conversation of one exchange; returns what was said and answered. */
async function converse(m: ScriptedModel, port: number) {
  const question = `Remember the word ${randomUUID()}`;
  const answer = `Noted ${randomUUID()}`;
  m.on(question, [{ text: answer }]);
  await say(port, question);
  await waitForMessage(port, "agent", answer);
  return { question, answer };
}

const count = (all: Message[], text: string) => all.filter((msg) => msg.content.includes(text)).length;
/** Messages the user sent: only a restored chat has one from before the restart (the screen a
 * resumed Claude redraws comes back as an agent message). */
const said = (all: Message[], text: string) =>
  all.filter((msg) => msg.role === "user" && msg.content.includes(text)).length;

describe("the chat's history across a restart (enable_state_persistence)", () => {
  test("on (the default): the earlier exchange is in /messages again after a stop and start, once", async () => {
    const m = e2e.model();
    const ws = await e2e.workspace(image.inputs, { ...image.options, env: modelEnv(m) });
    const port = await start(ws);
    const { question, answer } = await converse(m, port);
    await ws.agent.stop();
    const chat = join(ws.moduleDir, "chat");
    expect(readdirSync(chat).filter((f) => f.endsWith(".json"))).toHaveLength(1);

    const again = await start(ws);
    const restored = await waitForMessage(again, "user", question);
    expect(said(restored, question)).toBe(1);
    expect(count(restored, question)).toBe(1);
    expect(restored.filter((msg) => msg.role === "agent" && msg.content.includes(answer))).toHaveLength(1);

    // The resumed Claude has the same conversation the chat shows: the next turn carries it.
    const next = `And now ${randomUUID()}`;
    m.on(next, [{ text: "Still here." }]);
    await say(again, next);
    const request = await m.waitForRequest((r) => r.lastUserText.includes(next));
    expect(JSON.stringify(request.body.messages)).toContain(question);
    const after = await waitForMessage(again, "agent", "Still here.");
    expect(count(after, question)).toBe(1);
    expect(count(after, answer)).toBe(1);
  });

  test("standalone (Claude's --continue): the chat comes back after every restart, each exchange once", async () => {
    const m = e2e.model();
    const ws = await e2e.workspace({ ...image.inputs, report_tasks: false }, { ...image.options, env: modelEnv(m) });
    const first = await converse(m, await start(ws));
    await ws.agent.stop();
    const port = await start(ws);
    await waitForMessage(port, "user", first.question);
    const second = await converse(m, port);
    await ws.agent.stop();

    const again = await start(ws);
    const all = await waitForMessage(again, "user", second.question);
    for (const text of [first.question, first.answer, second.question, second.answer]) expect(count(all, text)).toBe(1);
  });

  test("a new Claude session (continue = false) starts with an empty chat, not the old session's", async () => {
    const m = e2e.model();
    const ws = await e2e.workspace({ ...image.inputs, continue: false }, { ...image.options, env: modelEnv(m) });
    const port = await start(ws);
    const { question } = await converse(m, port);
    await ws.agent.stop();

    const again = await start(ws);
    const { answer } = await converse(m, again);
    const all = await waitForMessage(again, "agent", answer);
    expect(count(all, question)).toBe(0);
    expect(readdirSync(join(ws.moduleDir, "chat")).filter((f) => f.endsWith(".json"))).toHaveLength(0);
  });

  test("off: no state file, and the chat after a restart has no earlier exchange", async () => {
    const m = e2e.model();
    const ws = await e2e.workspace(
      { ...image.inputs, enable_state_persistence: false },
      { ...image.options, env: modelEnv(m) },
    );
    const port = await start(ws);
    const { question } = await converse(m, port);
    await ws.agent.stop();
    expect(existsSync(join(ws.moduleDir, "chat"))).toBe(false);

    const again = await start(ws);
    const { answer } = await converse(m, again);
    const all = await waitForMessage(again, "agent", answer);
    expect(said(all, question)).toBe(0);
    expect(existsSync(join(ws.moduleDir, "chat"))).toBe(false);
  });
});

/** A loopback stand-in for the Coder agent API's log-snapshot endpoint, answering `status` (a named double). */
function snapshotEndpointDouble(status: number) {
  const seen: { path: string; token: string | null; body: string }[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      // The status relay PATCHes app statuses here too; only the snapshot is recorded.
      if (req.method !== "POST") return new Response(null, { status: 204 });
      seen.push({
        path: url.pathname + url.search,
        token: req.headers.get("coder-session-token"),
        body: await req.text(),
      });
      return new Response(status === 204 ? null : "broken", { status });
    },
  });
  e2e.afterTest(() => server.stop(true));
  return { url: `http://127.0.0.1:${server.port}/`, seen };
}

describe("the task's log snapshot on stop, against a double of the agent API (the real Coder level checks what Coder keeps)", () => {
  const taskId = randomUUID();
  for (const [status, logged] of [
    [404, `Coder has no log snapshot endpoint for task ${taskId}`],
    [500, "WARNING: Coder answered 500 to the log snapshot upload: broken"],
  ] as const) {
    test(`an answer of ${status} never fails the stop, and AgentAPI stops`, async () => {
      const m = e2e.model();
      const token = `agent-${randomUUID()}`;
      const api = snapshotEndpointDouble(status);
      const ws = await e2e.workspace(
        { ...image.inputs, task_id: taskId },
        { ...image.options, env: { ...modelEnv(m), CODER_AGENT_URL: api.url, CODER_AGENT_TOKEN: token } },
      );
      const { question } = await converse(m, await start(ws));
      const [stop] = await ws.agent.stop({ kill: false });
      expect(stop?.exitCode).toBe(0);
      expect(stop?.output).toContain(logged);
      expect(stop?.output).toContain("AgentAPI stopped");
      expect(stop?.output).not.toContain(token);
      expect(api.seen).toHaveLength(1);
      expect(api.seen[0]!.path).toBe(`/api/v2/workspaceagents/me/tasks/${taskId}/log-snapshot?format=agentapi`);
      expect(api.seen[0]!.token).toBe(token);
      expect(said(JSON.parse(api.seen[0]!.body).messages, question)).toBe(1);
    });
  }
});
