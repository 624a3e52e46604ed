// A workspace of a template using the module, in a real Coder: the agent runs the start script,
// the chat app turns healthy and answers through Coder's app proxy, a terminal finds Claude, and a
// stop and start resumes without downloading anything.

import { beforeAll, describe, expect, test } from "bun:test";
import {
  agentOf,
  agentScriptLog,
  chatUrl,
  cli,
  coder,
  mirrorRequests,
  runInTerminal,
  sendChat,
  uniqueName,
  waitBuild,
  workspaceView,
} from "../lib/coder.ts";
import { coderVersionLabel, readyAgent, useCoder } from "../lib/coder-level.ts";
import { squash } from "../lib/agentapi-screen.ts";
import { claudeVersion } from "../lib/paths.ts";
import { waitFor } from "../lib/wait.ts";

const level = useCoder();
let template: string;

beforeAll(async () => {
  template = await level.push("standalone", { module: { workdir: "~/project", report_tasks: false, cli_app: true } });
});

describe(`a workspace on ${coderVersionLabel}`, () => {
  test("starts Claude Code behind AgentAPI, healthy and reachable through Coder, and restarts without downloading", async () => {
    const { d, model } = level;
    const { ws, agent, start } = await level.start(template);
    expect(start).toMatch(/AgentAPI is ready on port \d+$/m);

    // The dashboard's app turns healthy, and Coder's app proxy reaches AgentAPI.
    await waitFor("the Claude Code app to be healthy", async () => {
      const view = await workspaceView(d, ws);
      const app = view.latest_build.resources.flatMap((r) => r.agents ?? [])[0]?.apps.find((a) => a.slug === "ccw");
      return app?.health === "healthy" ? app : undefined;
    });
    const status = await fetch(`${chatUrl(d, ws)}/status`, {
      headers: { "Coder-Session-Token": d.token },
    });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ agent_type: "claude" });

    // A message typed in the chat goes through Coder to Claude, and the model's answer comes back.
    const question = `Standalone question ${uniqueName("q")}`;
    model.on(question, [{ text: "Standalone answer from the scripted model." }]);
    await sendChat(d, ws, question);
    await model.waitForRequest((r) => r.lastUserText.includes(question));
    await waitFor("the model's answer in the chat", async () => {
      const chat = await fetch(`${chatUrl(d, ws)}/messages`, { headers: { "Coder-Session-Token": d.token } });
      const { messages } = (await chat.json()) as { messages: { role: string; content: string }[] };
      return messages.some((m) => m.role === "agent" && m.content.includes("Standalone answer")) ? true : undefined;
    });

    // The "Claude Code CLI" app, run as the dashboard runs it (a PTY in the workspace), attaches to
    // the session and shows Claude's screen; `timeout` ends it.
    const command = agentOf(await workspaceView(d, ws))!.apps.find((a) => a.slug === "ccw-cli")?.command;
    expect(command).toContain("attach");
    const shown = await runInTerminal(d, ws, command!, 10);
    // Claude's input box and its footer, drawn by Claude and relayed by AgentAPI.
    expect(squash(shown.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ""))).toContain("(shift+tabtocycle)");

    // A terminal finds the pinned Claude Code on PATH.
    const version = await cli(d, ["ssh", ws, "--", "claude", "--version"]);
    expect(version.all).toContain(claudeVersion);

    // Stop: the agent runs the module's stop script, which stops AgentAPI, before it goes.
    await coder(d, ["stop", ws, "--yes"], { timeout: 180_000 });
    await waitBuild(d, ws, "stopped");
    expect(agentScriptLog(d, ws, agent, "Claude Code: stop")).toMatch(/AgentAPI stopped$/m);

    // Start again: ready, with nothing downloaded from the release mirror.
    const served = mirrorRequests(d).length;
    await coder(d, ["start", ws, "--yes"], { timeout: 180_000 });
    await readyAgent(d, ws);
    expect(mirrorRequests(d).slice(served)).toEqual([]);
  }, 600_000); // a workspace build, its agent start, a chat turn, a stop and a start
});
