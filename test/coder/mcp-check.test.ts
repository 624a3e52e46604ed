// The MCP server check in a real Coder: the start script's output, as the agent logs API serves it
// (what the dashboard shows under the workspace's "Claude Code" script), says per server whether it
// answered an MCP client and, when not, why.

import { describe, expect, test } from "bun:test";
import { coderVersionLabel, useCoder } from "../lib/coder-level.ts";
import { tinyStdioServer } from "../lib/mcp-server.ts";

const level = useCoder();

describe(`the MCP server check on ${coderVersionLabel}`, () => {
  test("the agent's log of the start has a line per server: ok with its tools, or the cause", async () => {
    const mcp = {
      mcpServers: {
        tiny: { command: "bash", args: ["-c", tinyStdioServer(2)] },
        missing: { command: "/nonexistent/mcp-server" },
      },
    };
    const template = await level.push("mcp", {
      module: { workdir: "~/project", report_tasks: false, mcp: JSON.stringify(mcp) },
    });
    const { start } = await level.start(template);
    expect(start).toContain("MCP server 'tiny': ok, 2 tools");
    expect(start).toContain("MCP server 'missing': failed: command not found: /nonexistent/mcp-server");
    expect(start).toMatch(/mcp check: +1 ok, 1 failed, 0 unchanged/);
  }, 600_000); // a template push, a workspace build and its start
});
