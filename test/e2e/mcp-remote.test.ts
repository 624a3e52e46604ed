// Remote MCP configs (mcp_config_remote_path) are fetched on every start and reconciled with Claude's
// real configuration like mcp's servers; a config that cannot be read is reported, never fatal.

import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { filesUnder } from "../lib/files.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { agentapiPid, claudeUnderAgentapi, processInfo } from "../lib/processes.ts";
import { freePort, type Workspace } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude");

const mcp = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers });
const token = "cfg-t0ken-never-log-me";
const password = "cfg-passw0rd-never-log-me";

/** A double of the hosts that serve MCP configs, on loopback: each path answers with what the test
 * sets, and /team.json only with the token in its query, as a private config behind a token would. */
const configs = new Map<string, () => Response>();
const host = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/team.json" && url.searchParams.get("token") !== token) {
      return new Response("forbidden", { status: 403 });
    }
    return configs.get(url.pathname)?.() ?? new Response("not found", { status: 404 });
  },
});
afterAll(() => host.stop(true));
const base = `http://127.0.0.1:${host.port}`;

/** The MCP servers Claude has for the work dir, read from Claude's own config file. */
function configured(ws: Workspace): Record<string, any> {
  const config = JSON.parse(readFileSync(join(ws.agent.home, ".claude.json"), "utf8"));
  return config.projects?.[ws.workdir]?.mcpServers ?? {};
}

/** Starts the template with `urls`, in the same home and work dir as `previous` when given. */
async function startWith(urls: string[], previous?: Workspace) {
  const ws = await e2e.workspace(
    {
      ...image.inputs,
      mcp: mcp({ shared: { command: "/bin/from-mcp" }, local: { command: "/bin/true" } }),
      mcp_config_remote_path: urls,
      ...(previous ? { workdir: previous.workdir } : {}),
    },
    { ...image.options, ...(previous ? { home: previous.agent.home } : {}) },
  );
  if (previous) await previous.agent.stop();
  const [run] = await ws.agent.start();
  expect(run?.exitCode).toBe(0);
  expect(run?.output).toContain("AgentAPI is ready");
  return { ws, output: run!.output };
}

function expectNoSecretIn(ws: Workspace, output: string) {
  for (const secret of [token, password]) {
    expect(output).not.toContain(secret);
    for (const file of filesUnder(ws.moduleDir)) expect(readFileSync(file, "latin1")).not.toContain(secret);
  }
}

describe("remote MCP configs", () => {
  test("servers from loopback configs are added; a 404, an unreachable port and invalid JSON are reported and skipped", async () => {
    configs.set("/team.json", () =>
      Response.json({ mcpServers: { alpha: { command: "/bin/alpha" }, shared: { command: "/bin/from-remote" } } }),
    );
    configs.set("/extra.json", () =>
      Response.json({
        mcpServers: { beta: { type: "http", url: "http://127.0.0.1:9/mcp" }, alpha: { command: "/bin/alpha-2" } },
      }),
    );
    configs.set("/broken.json", () => new Response('{"mcpServers": {'));
    const closed = await freePort();

    const { ws, output } = await startWith([
      `${base}/team.json?token=${token}`,
      `http://reader:${password}@127.0.0.1:${host.port}/missing.json?token=${token}`,
      `http://127.0.0.1:${closed}/gone.json`,
      `${base}/broken.json`,
      `${base}/extra.json`,
    ]);

    const servers = configured(ws);
    expect(Object.keys(servers).sort()).toEqual(["alpha", "beta", "coder", "local", "shared"]);
    // mcp wins over a remote config, and an earlier URL over a later one.
    expect(servers.shared.command).toBe("/bin/from-mcp");
    expect(servers.alpha.command).toBe("/bin/alpha");
    expect(servers.beta.url).toBe("http://127.0.0.1:9/mcp");

    expect(output).toMatch(
      new RegExp(`MCP config http://127\\.0\\.0\\.1:${host.port}/missing\\.json\\?\\*\\*\\* was skipped .*: .*404`),
    );
    expect(output).toMatch(
      new RegExp(`MCP config http://127\\.0\\.0\\.1:${closed}/gone\\.json was skipped .*: .*connect`),
    );
    expect(output).toContain(
      `MCP config ${base}/broken.json was skipped (the servers it added before stay): not JSON of the form`,
    );
    expect(output).toContain(`MCP config ${base}/team.json?*** read`);
    expect(output).toContain("mcp configs:   2 read, 3 skipped");
    expect(output).toContain("mcp:           4 added, 0 unchanged, 0 removed, 2 skipped (shared alpha)");
    expectNoSecretIn(ws, output);
    expect(readFileSync(join(ws.moduleDir, "install.log"), "utf8")).toContain(
      `MCP config ${base}/broken.json was skipped`,
    );

    // The URLs stay out of what the start script leaves running.
    const claude = await claudeUnderAgentapi(ws.moduleDir);
    for (const env of [claude.env, processInfo(agentapiPid(ws.moduleDir)).env]) {
      expect([...env.keys()]).not.toContain("CLAUDE_MODULE_MCP_CONFIG_URLS");
      expect([...env.values()].join("\n")).not.toContain(token);
    }
  });

  test("a URL dropped from the list takes its servers away; one that fails keeps them; the user's own server survives", async () => {
    configs.set("/team.json", () => Response.json({ mcpServers: { alpha: { command: "/bin/alpha" } } }));
    configs.set("/extra.json", () => Response.json({ mcpServers: { beta: { command: "/bin/beta" } } }));
    configs.set("/more.json", () => Response.json({ mcpServers: { gamma: { command: "/bin/gamma" } } }));
    const first = await startWith([`${base}/team.json?token=${token}`, `${base}/extra.json`, `${base}/more.json`]);
    expect(Object.keys(configured(first.ws)).sort()).toEqual(["alpha", "beta", "coder", "gamma", "local", "shared"]);

    const mine = await first.ws.agent.exec(
      "claude",
      ["mcp", "add-json", "--scope", "local", "mine", '{"command":"/bin/mine"}'],
      { cwd: first.ws.workdir },
    );
    expect(mine.exitCode).toBe(0);

    // extra.json leaves the list; more.json answers 500 this time.
    configs.set("/more.json", () => new Response("down", { status: 500 }));
    const second = await startWith([`${base}/team.json?token=${token}`, `${base}/more.json`], first.ws);
    const servers = configured(second.ws);
    expect(Object.keys(servers).sort()).toEqual(["alpha", "coder", "gamma", "local", "mine", "shared"]);
    expect(servers.mine.command).toBe("/bin/mine");
    expect(second.output).toContain("MCP server 'beta' removed (no longer in the template)");
    expect(second.output).toContain("MCP server 'gamma' kept: its remote config could not be read");
    expect(second.output).toContain("mcp configs:   1 read, 1 skipped");
    expect(second.output).toContain("mcp:           0 added, 4 unchanged, 1 removed, 0 skipped");
    expectNoSecretIn(second.ws, second.output);
  });
});
