// MCP servers from the template are reconciled with Claude's real configuration on every start.

import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { useE2E } from "../lib/e2e.ts";
import { scratchDir } from "../lib/scratch.ts";
import { modeOf } from "../lib/files.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import type { Workspace } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude");

const mcp = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers });

/** The MCP servers Claude has for the work dir, read from Claude's own config file. In task mode (the
 * default) that includes "coder", which the coder CLI adds and the module's reconciliation leaves be. */
function configured(ws: Workspace): Record<string, any> {
  const config = JSON.parse(readFileSync(join(ws.agent.home, ".claude.json"), "utf8"));
  return config.projects?.[ws.workdir]?.mcpServers ?? {};
}

/** Starts the template with `servers`, in the same home and work dir as `previous` when given. */
async function startWith(servers: Record<string, unknown>, previous?: Workspace) {
  const ws = await e2e.workspace(
    { ...image.inputs, mcp: mcp(servers), ...(previous ? { workdir: previous.workdir } : {}) },
    { ...image.options, ...(previous ? { home: previous.agent.home } : {}) },
  );
  if (previous) await previous.agent.stop();
  const [run] = await ws.agent.start();
  expect(run?.exitCode).toBe(0);
  return { ws, output: run!.output };
}

describe("MCP reconciliation", () => {
  test("a changed definition is applied, a dropped server removed, a user's own server untouched", async () => {
    const first = await startWith({
      keep: { command: "/bin/true" },
      change: { command: "/bin/v1" },
      drop: { command: "/bin/x" },
    });
    expect(Object.keys(configured(first.ws)).sort()).toEqual(["change", "coder", "drop", "keep"]);

    const mine = await first.ws.agent.exec(
      "claude",
      ["mcp", "add-json", "--scope", "local", "mine", '{"command":"/bin/mine"}'],
      {
        cwd: first.ws.workdir,
      },
    );
    expect(mine.exitCode).toBe(0);

    const second = await startWith({ keep: { command: "/bin/true" }, change: { command: "/bin/v2" } }, first.ws);
    const servers = configured(second.ws);
    expect(Object.keys(servers).sort()).toEqual(["change", "coder", "keep", "mine"]);
    expect(servers.change.command).toBe("/bin/v2");
    expect(servers.mine.command).toBe("/bin/mine");
    expect(second.output).toContain("mcp:           1 added, 1 unchanged, 1 removed, 0 skipped");

    // The template drops them all: the module's go, the user's stays; then there is nothing to do.
    const third = await startWith({}, second.ws);
    expect(Object.keys(configured(third.ws)).sort()).toEqual(["coder", "mine"]);
    expect(third.output).toContain("mcp:           0 added, 0 unchanged, 2 removed, 0 skipped");
    const fourth = await startWith({}, third.ws);
    expect(Object.keys(configured(fourth.ws)).sort()).toEqual(["coder", "mine"]);
    expect(fourth.output).toContain("mcp:           0 added, 0 unchanged, 0 removed, 0 skipped");
  });

  test("a server Claude rejects is skipped and reported; the others are configured and the start succeeds", async () => {
    const { ws, output } = await startWith({
      good: { command: "/bin/true" },
      bad: { type: "bogus", command: "x", env: { TOKEN: "rejected-secret-value" } },
    });
    expect(Object.keys(configured(ws)).sort()).toEqual(["coder", "good"]);
    expect(output).toContain("MCP server 'bad' was rejected by Claude Code and skipped: Invalid configuration");
    expect(output).toContain("1 added, 0 unchanged, 0 removed, 1 skipped (bad)");
    expect(output).toContain("AgentAPI is ready");
    expect(output).not.toContain("rejected-secret-value");
  });

  test("a rejection whose first line Claude leaves empty is reported by its first non-empty line", async () => {
    // A ~/.claude.json the module left untouched as malformed: Claude starts its complaint with an empty line.
    // Standalone: in task mode the coder CLI refuses that file too, and the start fails there.
    const ws = await e2e.workspace(
      {
        ...image.inputs,
        report_tasks: false,
        mcp: mcp({ tool: { command: "/bin/true", env: { TOKEN: "corrupted-secret-value" } } }),
      },
      image.options,
    );
    writeFileSync(join(ws.agent.home, ".claude.json"), '{"theme": "dark", "projects": {');
    const [run] = await ws.agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toMatch(
      /MCP server 'tool' was rejected by Claude Code and skipped: Claude configuration file at \S+\.claude\.json is corrupted/,
    );
    expect(run?.output).toContain("0 added, 0 unchanged, 0 removed, 1 skipped (tool)");
    expect(run?.output).not.toContain("corrupted-secret-value");
  });

  test("JSON with apostrophes arrives intact; secrets in env and headers never reach a log", async () => {
    const secret = "sk-test-7f3a9c-never-log-me";
    const { ws, output } = await startWith({
      quoted: { command: "/bin/echo", args: ["it's", `"$(id)"`], env: { API_TOKEN: secret } },
      remote: { type: "http", url: "http://127.0.0.1:9/mcp", headers: { Authorization: `Bearer ${secret}` } },
    });
    const servers = configured(ws);
    expect(servers.quoted.args).toEqual(["it's", `"$(id)"`]);
    expect(servers.quoted.env.API_TOKEN).toBe(secret);
    expect(servers.remote.headers.Authorization).toBe(`Bearer ${secret}`);

    expect(output).not.toContain(secret);
    for (const file of readdirSync(ws.moduleDir, { recursive: true }) as string[]) {
      const path = join(ws.moduleDir, file);
      if (statSync(path).isFile()) expect(readFileSync(path, "latin1")).not.toContain(secret);
    }
    expect(modeOf(join(ws.agent.home, ".claude.json")) & 0o077).toBe(0);
  });

  test("a module server the user deleted by hand is added again on the next start", async () => {
    const first = await startWith({ tool: { command: "/bin/true" } });
    const removed = await first.ws.agent.exec("claude", ["mcp", "remove", "--scope", "local", "tool"], {
      cwd: first.ws.workdir,
    });
    expect(removed.exitCode).toBe(0);
    const second = await startWith({ tool: { command: "/bin/true" } }, first.ws);
    expect(Object.keys(configured(second.ws)).sort()).toEqual(["coder", "tool"]);
  });

  test("a work dir inside a git repository: Claude files the servers under the repository root, and a restart finds them", async () => {
    const repo = scratchDir("repo");
    expect((await execa("git", ["init", "-q", repo], { reject: false })).exitCode).toBe(0);
    const workdir = join(repo, "services", "api");
    const first = await e2e.workspace(
      { ...image.inputs, workdir, mcp: mcp({ tool: { command: "/bin/true" } }) },
      image.options,
    );
    const [run] = await first.agent.start();
    expect(run?.exitCode).toBe(0);
    const config = () => JSON.parse(readFileSync(join(first.agent.home, ".claude.json"), "utf8"));
    expect(Object.keys(config().projects[repo].mcpServers).sort()).toEqual(["coder", "tool"]);
    expect(config().projects[repo].hasTrustDialogAccepted).toBe(true);
    expect(config().projects[workdir].hasTrustDialogAccepted).toBe(true);

    await first.agent.stop();
    const [again] = await first.agent.start();
    expect(again?.exitCode).toBe(0);
    expect(again?.output).toContain("mcp:           0 added, 1 unchanged, 0 removed, 0 skipped");
    expect(again?.output).not.toContain("rejected");
  });
});
