// AgentAPI as the module runs it: the chat URL, the port, readiness and shutdown.

import { describe, expect, test } from "bun:test";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { agentapiPid, processInfo } from "../lib/processes.ts";
import { freePort } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude");

const start = (inputs: Record<string, string | number | boolean> = {}) =>
  e2e.workspace({ ...image.inputs, ...inputs }, image.options);

describe("the web chat", () => {
  test("path-based (subdomain = false): the chat base path names the agent, not its id", async () => {
    const ws = await start({ subdomain: false });
    const [run] = await ws.agent.start();
    expect(run?.exitCode).toBe(0);
    const env = processInfo(agentapiPid(ws.moduleDir)).env;
    expect(env.get("AGENTAPI_CHAT_BASE_PATH")).toBe("/@default/default.main/apps/ccw/chat");
    // None of the module's encoded arguments leak into AgentAPI's (and so Claude's) environment.
    expect([...env.keys()].filter((k) => k.startsWith("CLAUDE_MODULE_ARG_"))).toEqual([]);
  });

  test("subdomain = true: no base path", async () => {
    const ws = await start({ subdomain: true });
    const [run] = await ws.agent.start();
    expect(run?.exitCode).toBe(0);
    expect(processInfo(agentapiPid(ws.moduleDir)).env.has("AGENTAPI_CHAT_BASE_PATH")).toBe(false);
  });
});

describe("start-up", () => {
  test("a port taken by another program fails the start with the cause and the log", async () => {
    const port = await freePort();
    const squatter = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("someone else") });
    try {
      const ws = await start({ agentapi_port: port });
      const [run] = await ws.agent.start();
      expect(run?.exitCode).not.toBe(0);
      expect(run?.output).toContain(`port ${port} is already in use by another program; set agentapi_port`);
      expect(run?.output).toContain(".claude-module/agentapi-start.log");
      expect(run?.output).not.toContain("AgentAPI is ready");
    } finally {
      squatter.stop(true);
    }
  });

  test("running the start script again while AgentAPI runs leaves it alone", async () => {
    const ws = await start();
    await ws.agent.start();
    const pid = agentapiPid(ws.moduleDir);
    const [again] = await ws.agent.start();
    expect(again?.exitCode).toBe(0);
    expect(again?.output).toContain(`AgentAPI is already running (pid ${pid})`);
    expect(agentapiPid(ws.moduleDir)).toBe(pid);
  });
});

describe("shutdown", () => {
  test("the stop script ends AgentAPI and Claude under it", async () => {
    const ws = await start();
    const [run] = await ws.agent.start();
    expect(run?.exitCode).toBe(0);
    expect(ws.agent.processes().length).toBeGreaterThanOrEqual(2);

    const [stop] = await ws.agent.stop({ kill: false });
    expect(stop?.exitCode).toBe(0);
    expect(stop?.output).toContain("AgentAPI stopped");
    expect(ws.agent.processes()).toEqual([]);
  });
});
