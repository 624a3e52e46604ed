// Where claude comes from: claude_executable, a claude on PATH, claude_binary_path (where a pre-installed claude
// is looked for), or an install.

import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { claudeBinary, claudeVersion } from "../lib/paths.ts";
import { preinstalledDir } from "../lib/preinstalled.ts";
import { claudeUnderAgentapi } from "../lib/processes.ts";
import { scratchDir } from "../lib/scratch.ts";

const e2e = useE2E();

describe("claude_binary_path", () => {
  test("a pre-installed claude of the pinned version there is used as it is: no npm, no download", async () => {
    const dir = preinstalledDir(["claude"]);
    const downloads = e2e.server.downloads();
    const { agent, moduleDir } = await e2e.workspace({
      claude_code_version: claudeVersion,
      claude_binary_path: `${dir}/`,
    });
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain(`using the pre-installed Claude Code ${claudeVersion} in ${dir}; nothing to install`);
    expect(run?.output).not.toContain("installing");
    expect(existsSync(join(moduleDir, "npm"))).toBe(false);
    // Only AgentAPI was downloaded.
    expect(e2e.server.downloads() - downloads).toBe(1);

    const claude = await claudeUnderAgentapi(moduleDir);
    expect(realpathSync(claude.argv[0]!)).toBe(realpathSync(claudeBinary));
    const shell = await agent.exec("bash", ["-c", 'readlink -f "$(command -v claude)"']);
    expect(shell.stdout).toBe(realpathSync(claudeBinary));
    // The module never writes into a directory it was only told to search.
    expect(readdirSync(dir)).toEqual(["claude"]);
  });

  test("a claude there that does not run is left alone; the pinned version comes from npm, once", async () => {
    const dir = scratchDir("claude-binary-path");
    writeFileSync(join(dir, "claude"), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const { agent, moduleDir } = await e2e.workspace({
      claude_code_version: claudeVersion,
      claude_binary_path: dir,
    });
    const [first] = await agent.start();
    expect(first?.exitCode).toBe(0);
    expect(first?.output).toContain(`installed Claude Code ${claudeVersion} (npm)`);
    expect(readdirSync(dir)).toEqual(["claude"]);
    expect(readFileSync(join(dir, "claude"), "utf8")).toBe("#!/bin/sh\nexit 1\n");
    // A custom directory gets no link, and neither does the default one.
    expect(existsSync(join(agent.home, ".local", "bin", "claude"))).toBe(false);
    const shell = await agent.exec("bash", ["-c", 'readlink -f "$(command -v claude)"']);
    expect(shell.stdout).toStartWith(realpathSync(join(moduleDir, "npm")));

    await agent.stop();
    const [second] = await agent.start();
    expect(second?.exitCode).toBe(0);
    expect(second?.output).toContain(`Claude Code ${claudeVersion} is already installed; nothing to install`);
  });

  for (const spelling of ["~/tools/bin", "$HOME/tools/bin"]) {
    test(`${spelling} means the user's home; with install_claude_code = false any version there is used`, async () => {
      const { agent } = await e2e.workspace({
        install_claude_code: false,
        claude_code_version: "2.0.62",
        claude_binary_path: spelling,
      });
      preinstalledDir(["claude"], join(agent.home, "tools", "bin"));
      const downloads = e2e.server.downloads();
      const installerHits = e2e.server.hitsOf("/claude/install.sh");
      const [run] = await agent.start();
      expect(run?.exitCode).toBe(0);
      expect(run?.output).toContain(
        `using existing Claude Code ${claudeVersion} from ${join(agent.home, "tools", "bin", "claude")}`,
      );
      expect(run?.output).toContain(`not the requested 2.0.62 (install_claude_code is false)`);
      expect(e2e.server.hitsOf("/claude/install.sh")).toBe(installerHits);
      // Only AgentAPI was downloaded.
      expect(e2e.server.downloads() - downloads).toBe(1);
    });
  }

  test("the default $HOME/.local/bin: a claude already there (e.g. in the image) is used for latest without the installer", async () => {
    const { agent } = await e2e.workspace();
    preinstalledDir(["claude"], join(agent.home, ".local", "bin"));
    const installerHits = e2e.server.hitsOf("/claude/install.sh");
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain(
      `using the pre-installed Claude Code ${claudeVersion} in ${join(agent.home, ".local", "bin")}`,
    );
    expect(e2e.server.hitsOf("/claude/install.sh")).toBe(installerHits);
  });
});

describe("where claude comes from: claude_executable, then PATH, then claude_binary_path, then an install", () => {
  test("claude_executable is used as it is, even with a claude on PATH: no install, and the summary says so", async () => {
    const chosen = join(preinstalledDir(["claude"]), "claude");
    const onPath = preinstalledDir(["claude"]);
    const installerHits = e2e.server.hitsOf("/claude/install.sh");
    const { agent, moduleDir } = await e2e.workspace({ claude_executable: chosen }, { path: [onPath] });
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain(`using existing Claude Code ${claudeVersion} from ${chosen}`);
    expect(run?.output).toContain(`claude:        ${claudeVersion} (claude_executable ${chosen})`);
    expect(e2e.server.hitsOf("/claude/install.sh")).toBe(installerHits);
    expect(existsSync(join(moduleDir, "npm"))).toBe(false);
    expect(readlinkSync(join(moduleDir, "bin", "claude"))).toBe(chosen);
  });

  test("a claude_executable that does not run stops the start naming it; nothing is installed instead", async () => {
    const dir = scratchDir("claude-executable");
    const broken = join(dir, "claude");
    writeFileSync(broken, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const installerHits = e2e.server.hitsOf("/claude/install.sh");
    const { agent, moduleDir } = await e2e.workspace({ claude_executable: broken });
    const [run] = await agent.start();
    expect(run?.exitCode).not.toBe(0);
    expect(run?.output).toContain(
      `ERROR: claude_executable ${broken} does not run ('${broken} --version' failed); correct claude_executable`,
    );
    expect(run?.output).toContain(`details: ${join(moduleDir, "install.log")}`);
    expect(e2e.server.hitsOf("/claude/install.sh")).toBe(installerHits);
    expect(existsSync(join(moduleDir, "npm"))).toBe(false);
  });

  test("a claude of the pinned version on PATH is used without npm; one of another version is not, and the summary says why", async () => {
    const right = preinstalledDir(["claude"]);
    const used = await e2e.workspace({ claude_code_version: claudeVersion }, { path: [right] });
    const [run] = await used.agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain(`using existing Claude Code ${claudeVersion} from ${realpathSync(claudeBinary)}`);
    expect(run?.output).toContain(`(on PATH at ${join(right, "claude")})`);
    expect(existsSync(join(used.moduleDir, "npm"))).toBe(false);

    // An image's claude of another version: the pinned one comes from npm.
    const wrong = scratchDir("claude-on-path");
    writeFileSync(join(wrong, "claude"), "#!/bin/sh\necho '2.0.62 (Claude Code)'\n", { mode: 0o755 });
    const installed = await e2e.workspace({ claude_code_version: claudeVersion }, { path: [wrong] });
    const [second] = await installed.agent.start();
    expect(second?.exitCode).toBe(0);
    expect(second?.output).toContain(`installed Claude Code ${claudeVersion} (npm)`);
    expect(second?.output).toContain(
      `not used: ${join(wrong, "claude")} on PATH is 2.0.62, not ${claudeVersion}; none in `,
    );
  });
});
