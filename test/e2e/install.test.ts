import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { claudeVersion } from "../lib/paths.ts";
import { startReleaseServer, type ReleaseServer } from "../lib/release-server.ts";
import { disposeWorkspaces, workspace } from "../lib/workspace.ts";

let server: ReleaseServer;
beforeAll(() => {
  server = startReleaseServer();
});
afterAll(() => server.stop());
afterEach(() => disposeWorkspaces());

const mcp = JSON.stringify({
  mcpServers: { "e2e-tool": { command: "/bin/false", args: ["--port", "8080"] } },
});

describe("pinned Claude Code from npm, AgentAPI from a release URL", () => {
  test("installs, configures MCP, serves /status; a second start installs and adds nothing", async () => {
    const { agent, workdir, moduleDir } = await workspace(server, { claude_code_version: claudeVersion, mcp });

    const [first] = await agent.start();
    expect(first?.output).toContain("AgentAPI is ready");
    expect(first?.exitCode).toBe(0);

    const port = Number(first!.output.match(/ready on port (\d+)/)![1]);
    const status = await fetch(`http://127.0.0.1:${port}/status`);
    expect(status.status).toBe(200);

    const installLog = readFileSync(join(moduleDir, "install.log"), "utf8");
    expect(installLog).toContain(`installed Claude Code ${claudeVersion}`);
    const list = await agent.exec("claude", ["mcp", "list"], { cwd: workdir });
    expect(list.stdout).toContain("e2e-tool");

    await agent.stop();
    const downloads = server.downloads();
    const mcpState = readFileSync(join(agent.home, ".claude.json"), "utf8");

    const [second] = await agent.start();
    expect(second?.exitCode).toBe(0);
    expect(server.downloads()).toBe(downloads);
    expect(second?.output).toContain(`Claude Code ${claudeVersion} is already installed`);
    expect(second?.output).toContain("mcp:           0 added, 1 unchanged");
    expect(mcpServersOf(readFileSync(join(agent.home, ".claude.json"), "utf8"), workdir)).toEqual(
      mcpServersOf(mcpState, workdir),
    );
  });
});

function mcpServersOf(claudeJson: string, workdir: string): unknown {
  return JSON.parse(claudeJson).projects?.[workdir]?.mcpServers;
}
