// claude_binary_path: where a pre-installed claude is looked for first.

import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
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
