// mcp_project_file: the module's MCP servers also in the work dir's .mcp.json, where other clients
// (Coder Agents) read a project's servers, merged with the user's entries and approved for Claude
// (whose "New MCP server found" dialog then names only the user's own).

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { notLoggedIn, waitForScreen } from "../lib/agentapi-screen.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { readyPort } from "../lib/start-output.ts";
import type { Workspace } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude");

const mcp = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers });
const projectFile = (ws: Workspace) => join(ws.workdir, ".mcp.json");
const readProjectFile = (ws: Workspace) => JSON.parse(readFileSync(projectFile(ws), "utf8"));
/** The .mcp.json servers Claude takes for the work dir without asking (read after Claude started,
 * which would move an approval it found elsewhere into this file). */
const approved = (ws: Workspace): string[] =>
  JSON.parse(readFileSync(join(ws.workdir, ".claude", "settings.local.json"), "utf8")).enabledMcpjsonServers;

/** Starts the template with `servers` and `inputs`, in the same home and work dir as `previous`
 * when given; `before` runs first, with the work dir made. */
async function start(
  servers: Record<string, unknown>,
  inputs: Record<string, unknown>,
  previous?: Workspace,
  before?: (ws: Workspace) => void,
) {
  const ws = await e2e.workspace(
    {
      ...image.inputs,
      report_tasks: false,
      mcp: mcp(servers),
      ...inputs,
      ...(previous ? { workdir: previous.workdir } : {}),
    },
    { ...image.options, ...(previous ? { home: previous.agent.home } : {}) },
  );
  if (previous) await previous.agent.stop();
  mkdirSync(ws.workdir, { recursive: true });
  before?.(ws);
  const [run] = await ws.agent.start();
  expect(run?.exitCode).toBe(0);
  return { ws, output: run!.output };
}

describe("mcp_project_file", () => {
  test("the module's servers join the user's in .mcp.json, approved; a dropped one leaves, one the user changed stays; off takes them out", async () => {
    const first = await start(
      { alpha: { command: "/bin/alpha" }, beta: { command: "/bin/beta" } },
      { mcp_project_file: true },
      undefined,
      (ws) =>
        writeFileSync(
          projectFile(ws),
          JSON.stringify({ mcpServers: { theirs: { command: "/bin/theirs" } }, comment: "the user's" }),
        ),
    );
    expect(readProjectFile(first.ws)).toEqual({
      mcpServers: {
        theirs: { command: "/bin/theirs" },
        alpha: { command: "/bin/alpha", args: [] },
        beta: { command: "/bin/beta", args: [] },
      },
      comment: "the user's",
    });
    expect(approved(first.ws).sort()).toEqual(["alpha", "beta"]);
    // Claude asks about the user's own server only: the module's are approved.
    const shown = await waitForScreen(readyPort(first.output), (s) => notLoggedIn(s) || s.includes("NewMCPserver"));
    expect(shown).toContain("NewMCPserverfoundinthisproject:theirsMCPservers");
    expect(first.output).toMatch(/mcp\.json: +2 server\(s\) of the module in /);

    // The user makes beta their own; the template drops alpha, changes beta and adds gamma.
    const file = readProjectFile(first.ws);
    file.mcpServers.beta = { command: "/bin/mine" };
    writeFileSync(projectFile(first.ws), JSON.stringify(file));
    const second = await start(
      { beta: { command: "/bin/beta2" }, gamma: { command: "/bin/gamma" } },
      { mcp_project_file: true },
      first.ws,
    );
    expect(readProjectFile(second.ws).mcpServers).toEqual({
      theirs: { command: "/bin/theirs" },
      beta: { command: "/bin/mine" },
      gamma: { command: "/bin/gamma", args: [] },
    });
    expect(approved(second.ws)).toEqual(["gamma"]);
    expect(second.output).toContain("MCP server(s) beta in");
    expect(second.output).toContain("left as they are");

    // Turned off: the module's entry leaves, the user's stay.
    const third = await start({ gamma: { command: "/bin/gamma" } }, { mcp_project_file: false }, second.ws);
    expect(readProjectFile(third.ws)).toEqual({
      mcpServers: { theirs: { command: "/bin/theirs" }, beta: { command: "/bin/mine" } },
      comment: "the user's",
    });
    expect(approved(third.ws)).toEqual([]);
    expect(third.output).toContain("the module's servers taken out of");
  });

  test("off and never on: no .mcp.json is made; on with a malformed one: it is left as it is, and the start goes on", async () => {
    const off = await start({ alpha: { command: "/bin/alpha" } }, {});
    expect(existsSync(projectFile(off.ws))).toBe(false);
    expect(off.output).not.toContain("mcp.json");

    const malformed = await start({ alpha: { command: "/bin/alpha" } }, { mcp_project_file: true }, undefined, (ws) =>
      writeFileSync(projectFile(ws), "{ not json"),
    );
    expect(readFileSync(projectFile(malformed.ws), "utf8")).toBe("{ not json");
    expect(malformed.output).toContain(".mcp.json is not valid JSON; left it untouched");
  });
});
