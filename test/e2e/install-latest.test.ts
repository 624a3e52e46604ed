// "latest" through the official installer (or npm), claude on PATH without
// shell-profile edits, the auto-updater switch, and warm restarts that
// download and reinstall nothing.

import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { identity } from "../lib/files.ts";
import { claudeVersion } from "../lib/paths.ts";
import { claudeUnderAgentapi } from "../lib/processes.ts";
import { scratchDir } from "../lib/scratch.ts";
import { freePort } from "../lib/workspace.ts";
import { giveSkeletonProfile, settingsOf } from "../lib/workspace-files.ts";

const e2e = useE2E();

const binaryPath = `/claude/binary/${claudeVersion}`;

describe("latest Claude Code from the official installer", () => {
  test("installs via claude_installer_url; claude is on PATH in plain and login shells; a warm restart downloads nothing", async () => {
    const { agent, moduleDir } = await e2e.workspace();
    const profiles = giveSkeletonProfile(agent.home);
    const profileText = profiles.map((p) => readFileSync(p, "utf8"));
    const installerHits = e2e.server.hitsOf("/claude/install.sh");
    const binaryHits = e2e.server.hitsOf(binaryPath);

    const [first] = await agent.start();
    expect(first?.exitCode).toBe(0);
    expect(first?.output).toContain(`installed Claude Code ${claudeVersion} (official installer)`);
    expect(e2e.server.hitsOf("/claude/install.sh") - installerHits).toBe(1);
    expect(e2e.server.hitsOf(binaryPath) - binaryHits).toBe(1);
    // The installer's download is never kept around.
    expect(existsSync(join(moduleDir, "claude-installer.sh"))).toBe(false);

    // A terminal's shell: the agent's script bin dir is first on PATH.
    const plain = await agent.exec("bash", ["-c", "command -v claude && claude --version"]);
    expect(plain.stdout).toContain(join(agent.binDir, "claude"));
    expect(plain.stdout).toContain(claudeVersion);
    // A login shell on Debian resets PATH in /etc/profile; ~/.profile adds ~/.local/bin back.
    const login = await agent.exec("bash", ["-lc", "command -v claude && claude --version"]);
    expect(login.stdout).toContain(join(agent.home, ".local", "bin", "claude"));
    expect(login.stdout).toContain(claudeVersion);

    // latest without disable_autoupdater leaves updates to Claude Code.
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.env.has("DISABLE_AUTOUPDATER")).toBe(false);
    // The module wrote no update setting. (Claude Code, running, may write its own into
    // settings.json at a moment of its choosing, so that file cannot tell who did.)
    expect(first?.output).toMatch(/auto-update: +left to Claude Code\n/);
    expect(existsSync(join(moduleDir, "claude-updates-blocked"))).toBe(false);

    await agent.stop();
    const versionFile = join(agent.home, ".local", "share", "claude", "versions", claudeVersion);
    const installed = identity(versionFile);
    const downloads = e2e.server.downloads();
    const [second] = await agent.start();
    expect(second?.exitCode).toBe(0);
    expect(second?.output).toContain(`Claude Code ${claudeVersion} is already installed`);
    expect(second?.output).toContain("AgentAPI 0.12.2 is already installed");
    expect(e2e.server.downloads()).toBe(downloads);
    expect(identity(versionFile)).toBe(installed);
    // Two starts, and not a byte of the user's shell profiles changed.
    expect(profiles.map((p) => readFileSync(p, "utf8"))).toEqual(profileText);
  });

  test("disable_autoupdater = true turns updates off for latest too: claude's environment and settings.json", async () => {
    const { agent, moduleDir } = await e2e.workspace({ disable_autoupdater: true });
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.env.get("DISABLE_AUTOUPDATER")).toBe("1");
    expect(settingsOf(agent.home)?.env?.DISABLE_AUTOUPDATER).toBe("1");
    // A terminal gets it from the coder_env too.
    const shell = await agent.exec("bash", ["-c", 'printf %s "$DISABLE_AUTOUPDATER"']);
    expect(shell.stdout).toBe("1");
  });

  test("switching a workspace from a pinned version to latest reinstalls with the installer and hands updates back", async () => {
    const pinned = await e2e.workspace({ claude_code_version: claudeVersion });
    const [first] = await pinned.agent.start();
    expect(first?.exitCode).toBe(0);
    expect(settingsOf(pinned.agent.home)?.env?.DISABLE_AUTOUPDATER).toBe("1");
    // The npm install is linked into the default claude_binary_path.
    expect(readlinkSync(join(pinned.agent.home, ".local", "bin", "claude"))).toBe(
      join(pinned.moduleDir, "npm", "bin", "claude"),
    );
    await pinned.agent.stop();

    const latest = await e2e.workspace({}, { home: pinned.agent.home });
    const installerHits = e2e.server.hitsOf("/claude/install.sh");
    const [second] = await latest.agent.start();
    expect(second?.exitCode).toBe(0);
    expect(second?.output).toContain(`installed Claude Code ${claudeVersion} (official installer)`);
    expect(e2e.server.hitsOf("/claude/install.sh") - installerHits).toBe(1);
    expect(readlinkSync(join(latest.agent.home, ".local", "bin", "claude"))).toContain(
      join(".local", "share", "claude", "versions"),
    );
    // The module took its update setting back. (Claude Code, running, may write its own into
    // settings.json at a moment of its choosing, so that file cannot tell who did.)
    expect(second?.output).toContain(
      `handed updates back to Claude Code in ${join(latest.agent.home, ".claude", "settings.json")}`,
    );
    expect(second?.output).toMatch(/auto-update: +left to Claude Code\n/);
    expect(existsSync(join(latest.moduleDir, "claude-updates-blocked"))).toBe(false);
    const claude = await claudeUnderAgentapi(latest.moduleDir);
    expect(claude.env.has("DISABLE_AUTOUPDATER")).toBe(false);
  });
});

describe("two module blocks that ask for different installs", () => {
  test("the start that replaces the other block's install says so, and what to change", async () => {
    const ws = await e2e.workspace(
      {},
      {
        modules: {
          "claude-code-pinned": {
            app_slug: "ccw-pinned",
            claude_code_version: claudeVersion,
            workdir: join(scratchDir("work"), "pinned"),
            agentapi_port: await freePort(),
            agentapi_releases_url: e2e.server.agentapiReleasesUrl,
          },
        },
      },
    );
    // The agent runs both at once; the shared start lock decides which installs first.
    const runs = await ws.agent.start();
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0]);
    const warned = runs.filter((r) => r.output.includes("the blocks of a workspace share one install"));
    expect(warned).toHaveLength(1);
    // Either block may be the one that replaces the other's.
    const replaced = [
      `the module block with app_slug 'ccw' installed Claude Code as 'installer latest', and this one replaces it with 'npm ${claudeVersion}'`,
      `the module block with app_slug 'ccw-pinned' installed Claude Code as 'npm ${claudeVersion}', and this one replaces it with 'installer latest'`,
    ];
    expect(replaced.filter((line) => warned[0]?.output.includes(line))).toHaveLength(1);
    expect(warned[0]?.output).toContain("give every block the same claude_code_version and install_via_npm");
  });
});

describe("latest Claude Code from npm (install_via_npm)", () => {
  test("installs from npm, not the installer; a warm restart reinstalls nothing", async () => {
    const { agent, moduleDir } = await e2e.workspace({ install_via_npm: true });
    const installerHits = e2e.server.hitsOf("/claude/install.sh");
    const [first] = await agent.start();
    expect(first?.exitCode).toBe(0);
    expect(first?.output).toContain("installing @anthropic-ai/claude-code@latest from npm");
    expect(first?.output).toMatch(/installed Claude Code \S+ \(npm\)/);
    expect(e2e.server.hitsOf("/claude/install.sh")).toBe(installerHits);
    const packageJson = join(moduleDir, "npm", "lib", "node_modules", "@anthropic-ai", "claude-code", "package.json");
    const installed = identity(packageJson);

    await agent.stop();
    const downloads = e2e.server.downloads();
    const [second] = await agent.start();
    expect(second?.exitCode).toBe(0);
    expect(second?.output).toMatch(/Claude Code \S+ is already installed; nothing to install/);
    expect(second?.output).not.toContain("installing @anthropic-ai/claude-code");
    expect(identity(packageJson)).toBe(installed);
    expect(e2e.server.downloads()).toBe(downloads);
  });
});
