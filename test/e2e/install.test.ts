import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { modeOf } from "../lib/files.ts";
import { claudeVersion } from "../lib/paths.ts";
import { claudeUnderAgentapi } from "../lib/processes.ts";
import { readyPort } from "../lib/start-output.ts";
import { giveSkeletonProfile, settingsOf } from "../lib/workspace-files.ts";

const e2e = useE2E();

const mcp = JSON.stringify({
  mcpServers: { "e2e-tool": { command: "/bin/false", args: ["--port", "8080"] } },
});

describe("pinned Claude Code from npm, AgentAPI from a release URL", () => {
  test("installs, configures MCP, serves /status; a second start installs and adds nothing", async () => {
    const { agent, workdir, moduleDir } = await e2e.workspace({ claude_code_version: claudeVersion, mcp });

    const [first] = await agent.start();
    expect(first?.output).toContain("AgentAPI is ready");
    expect(first?.exitCode).toBe(0);

    const port = readyPort(first!.output);
    const status = await fetch(`http://127.0.0.1:${port}/status`);
    expect(status.status).toBe(200);

    const installLog = readFileSync(join(moduleDir, "install.log"), "utf8");
    expect(installLog).toContain(`installed Claude Code ${claudeVersion}`);
    const list = await agent.exec("claude", ["mcp", "list"], { cwd: workdir });
    expect(list.stdout).toContain("e2e-tool");

    await agent.stop();
    const downloads = e2e.server.downloads();
    const mcpState = readFileSync(join(agent.home, ".claude.json"), "utf8");

    const [second] = await agent.start();
    expect(second?.exitCode).toBe(0);
    expect(e2e.server.downloads()).toBe(downloads);
    expect(second?.output).toContain(`Claude Code ${claudeVersion} is already installed`);
    expect(second?.output).toContain("mcp:           0 added, 1 unchanged");
    expect(mcpServersOf(readFileSync(join(agent.home, ".claude.json"), "utf8"), workdir)).toEqual(
      mcpServersOf(mcpState, workdir),
    );
  });
});

describe("the installed Claude Code's version is kept between starts", () => {
  test("a warm restart does not ask claude for its version again; a claude replaced in place is asked, and reinstalled", async () => {
    const { agent } = await e2e.workspace({ claude_code_version: claudeVersion });
    expect((await agent.start())[0]?.exitCode).toBe(0);
    // The installed file becomes a wrapper that notes each --version it is asked, then runs Claude.
    const real = realpathSync(join(agent.home, ".claude-module", "npm", "bin", "claude"));
    const asked = join(agent.home, "asked");
    renameSync(real, `${real}.real`);
    writeFileSync(real, `#!/bin/sh\n[ "$1" != --version ] || echo asked >>'${asked}'\nexec '${real}.real' "$@"\n`, {
      mode: 0o755,
    });
    const askedTimes = () => (existsSync(asked) ? readFileSync(asked, "utf8").split("\n").length - 1 : 0);

    await agent.stop();
    const [replaced] = await agent.start();
    expect(replaced?.exitCode).toBe(0);
    expect(replaced?.output).toContain(`Claude Code ${claudeVersion} is already installed`);
    expect(askedTimes()).toBe(1);

    await agent.stop();
    const [warm] = await agent.start();
    expect(warm?.exitCode).toBe(0);
    expect(warm?.output).toContain(`Claude Code ${claudeVersion} is already installed`);
    expect(askedTimes()).toBe(1);

    // Replaced by another version: asked again, found wrong, and the pinned one installed.
    writeFileSync(real, '#!/bin/sh\necho "2.0.0 (Claude Code)"\n', { mode: 0o755 });
    await agent.stop();
    const [other] = await agent.start();
    expect(other?.exitCode).toBe(0);
    expect(other?.output).toContain(`installed Claude Code ${claudeVersion}`);
  });
});

describe("a pinned version stays pinned", () => {
  test('"v2.1.329" installs exactly 2.1.329 from npm and turns every auto-update path off', async () => {
    const { agent, moduleDir } = await e2e.workspace({ claude_code_version: `v${claudeVersion}` });
    // The user's own settings survive the merge, with their file mode.
    mkdirSync(join(agent.home, ".claude"), { recursive: true });
    const settingsFile = join(agent.home, ".claude", "settings.json");
    writeFileSync(settingsFile, JSON.stringify({ theme: "dark", env: { FOO: "bar" } }), { mode: 0o640 });
    const profiles = giveSkeletonProfile(agent.home);
    const profileText = profiles.map((p) => readFileSync(p, "utf8"));

    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain(`installing @anthropic-ai/claude-code@${claudeVersion} from npm`);
    expect(run?.output).toContain(`installed Claude Code ${claudeVersion} (npm)`);
    expect(readFileSync(join(moduleDir, "summary.txt"), "utf8")).toMatch(/auto-update:\s+off/);

    // Claude under AgentAPI runs with the updater off...
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.env.get("DISABLE_AUTOUPDATER")).toBe("1");
    // ...so does a claude started in a terminal (coder_env)...
    const shell = await agent.exec("bash", ["-c", 'printf %s "$DISABLE_AUTOUPDATER"; claude --version']);
    expect(shell.stdout).toStartWith("1");
    expect(shell.stdout).toContain(claudeVersion);
    // ...and one started without that variable reads it from its settings.
    expect(settingsOf(agent.home)).toEqual({ theme: "dark", env: { FOO: "bar", DISABLE_AUTOUPDATER: "1" } });
    expect(modeOf(settingsFile)).toBe(0o640);

    // Login shells find it through ~/.local/bin (which ~/.profile puts on PATH); the profile is not edited.
    const login = await agent.exec("bash", ["-lc", "command -v claude && claude --version"]);
    expect(login.stdout).toContain(join(agent.home, ".local", "bin", "claude"));
    expect(login.stdout).toContain(claudeVersion);
    expect(profiles.map((p) => readFileSync(p, "utf8"))).toEqual(profileText);
  });
});

function mcpServersOf(claudeJson: string, workdir: string): unknown {
  return JSON.parse(claudeJson).projects?.[workdir]?.mcpServers;
}

describe("workdir left out, as upstream v5 allows", () => {
  test("Claude works in the user's home, trusted there without a question", async () => {
    const { agent, moduleDir } = await e2e.workspace({ workdir: null });
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.cwd).toBe(agent.home);
    const config = JSON.parse(readFileSync(join(agent.home, ".claude.json"), "utf8"));
    expect(config.projects[agent.home].hasTrustDialogAccepted).toBe(true);
  });
});
