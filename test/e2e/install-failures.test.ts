// Installs that cannot succeed stop the start with the cause and the log to
// read, and never print a success line; transient download errors are retried.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { agentapiBinary, agentapiVersion, claudeVersion } from "../lib/paths.ts";
import { preinstalled, preinstalledDir } from "../lib/preinstalled.ts";
import { startReleaseServer } from "../lib/release-server.ts";
import { expectFailedStart, success } from "../lib/start-output.ts";
import { scratchDir } from "../lib/scratch.ts";
import { freePort, workspace } from "../lib/workspace.ts";

const e2e = useE2E();

const installerPath = "/claude/install.sh";
const agentapiPath = (version: string) => `/agentapi/download/${version}/agentapi-linux-amd64`;

describe("Claude Code install failures", () => {
  test("the installer URL answering 500 every time: retried, then a failure naming the URL and the log", async () => {
    e2e.server.fail(installerPath, Infinity);
    try {
      const before = e2e.server.hitsOf(installerPath);
      const { agent, moduleDir } = await e2e.workspace();
      const [run] = await agent.start();
      expectFailedStart(run, `download failed: ${e2e.server.claudeInstallerUrl}`, join(moduleDir, "install.log"), [
        "claude",
      ]);
      expect(e2e.server.hitsOf(installerPath) - before).toBe(4);
      expect(readFileSync(join(moduleDir, "install.log"), "utf8")).toContain("download failed");
    } finally {
      e2e.server.fail(installerPath, 0);
    }
  });

  test("two transient 500s from the installer URL are retried and the install succeeds", async () => {
    e2e.server.fail(installerPath, 2);
    const before = e2e.server.hitsOf(installerPath);
    const { agent } = await e2e.workspace();
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain("attempt 1/4 failed");
    expect(run?.output).toContain("attempt 2/4 failed");
    expect(run?.output).toContain(`installed Claude Code ${claudeVersion} (official installer)`);
    expect(e2e.server.hitsOf(installerPath) - before).toBe(3);
  });

  test("an installer that exits non-zero fails the start with its status", async () => {
    const broken = startReleaseServer();
    broken.serve(installerPath, () => "#!/usr/bin/env bash\necho 'cannot reach the download bucket' >&2\nexit 7\n");
    try {
      const { agent, moduleDir } = await workspace(broken);
      const [run] = await agent.start();
      expectFailedStart(
        run,
        `the Claude Code installer from ${broken.claudeInstallerUrl} exited with status 7`,
        join(moduleDir, "install.log"),
        ["claude"],
      );
      expect(run?.output).toContain("cannot reach the download bucket");
      expect(existsSync(join(moduleDir, "claude-installer.sh"))).toBe(false);
    } finally {
      broken.stop();
    }
  });

  test("a pinned version npm does not have fails at once, naming claude_code_version", async () => {
    const { agent, moduleDir } = await e2e.workspace({ claude_code_version: "0.0.0" });
    const [run] = await agent.start();
    expectFailedStart(run, "npm has no @anthropic-ai/claude-code@0.0.0", join(moduleDir, "install.log"), ["claude"]);
    expect(run?.output).toContain("set claude_code_version to a published version");
    // Not retried: a version that does not exist will not appear on the next attempt.
    expect(run?.output).not.toContain("attempt 1/2 failed");
  });

  test("an npm registry nobody answers on fails within a minute (not npm's retries times ours), naming the log", async () => {
    // An empty cache, so npm cannot fall back to a stored copy of the package's metadata.
    const env = { npm_config_registry: `http://127.0.0.1:${await freePort()}/`, npm_config_cache: scratchDir("npm") };
    const { agent, moduleDir } = await e2e.workspace({ claude_code_version: claudeVersion }, { env });
    const began = performance.now();
    const [run] = await agent.start();
    const seconds = (performance.now() - began) / 1000;
    expectFailedStart(
      run,
      `npm install of @anthropic-ai/claude-code@${claudeVersion} failed`,
      join(moduleDir, "install.log"),
      ["claude"],
    );
    expect(run?.output).toContain("ECONNREFUSED");
    // The bound the module promises for an unreachable registry (it took 218 s with npm's defaults).
    expect(seconds).toBeLessThan(60);
  }, 300_000);

  test("install_claude_code = false with no claude anywhere fails and says what to change", async () => {
    const before = e2e.server.downloads();
    const { agent, moduleDir } = await e2e.workspace({ install_claude_code: false });
    const [run] = await agent.start();
    expectFailedStart(run, "install_claude_code is false and no working claude is in", join(moduleDir, "install.log"), [
      "claude",
    ]);
    expect(run?.output).toContain("or set install_claude_code = true");
    expect(e2e.server.downloads()).toBe(before);
  });
});

describe("AgentAPI install failures", () => {
  // Claude is already in the image, so these tests exercise AgentAPI alone.
  test("a checksum mismatch refuses the binary; the right checksum is accepted", async () => {
    const c = preinstalled("claude");
    const wrong = await e2e.workspace({ ...c.inputs, agentapi_sha256: "0".repeat(64) }, c.options);
    const [bad] = await wrong.agent.start();
    expectFailedStart(bad, "checksum mismatch for", join(wrong.moduleDir, "install.log"), ["agentapi"]);
    expect(existsSync(join(wrong.moduleDir, "bin", "agentapi"))).toBe(false);

    const sha256 = createHash("sha256").update(readFileSync(agentapiBinary)).digest("hex");
    const right = await e2e.workspace({ ...c.inputs, agentapi_sha256: sha256 }, c.options);
    const [good] = await right.agent.start();
    expect(good?.exitCode).toBe(0);
    expect(good?.output).toContain("verified sha256 of");
    expect(good?.output).toContain(`installed AgentAPI ${agentapiVersion.replace(/^v/, "")}`);
  });

  test("a binary that reports another version than requested is refused", async () => {
    const c = preinstalled("claude");
    e2e.server.serve(agentapiPath("v0.12.1"), () => Bun.file(agentapiBinary));
    const { agent, moduleDir } = await e2e.workspace({ ...c.inputs, agentapi_version: "0.12.1" }, c.options);
    const [run] = await agent.start();
    expectFailedStart(
      run,
      `the downloaded AgentAPI reports version '${agentapiVersion.replace(/^v/, "")}', expected 0.12.1`,
      join(moduleDir, "install.log"),
      ["agentapi"],
    );
    expect(e2e.server.hitsOf(agentapiPath("v0.12.1"))).toBe(1);
  });

  test("install_agentapi = false with no agentapi on PATH fails and says what to change", async () => {
    const c = preinstalled("claude");
    const { agent, moduleDir } = await e2e.workspace({ ...c.inputs, install_agentapi: false }, c.options);
    const [run] = await agent.start();
    expectFailedStart(
      run,
      "install_agentapi is false and no agentapi is on PATH; install it in the image or set install_agentapi = true",
      join(moduleDir, "install.log"),
      ["agentapi"],
    );
  });

  test("install_agentapi = false uses the agentapi on PATH without downloading", async () => {
    const before = e2e.server.downloads();
    const { agent } = await e2e.workspace(
      { install_claude_code: false, install_agentapi: false },
      { path: [preinstalledDir(["claude"]), preinstalledDir(["agentapi"])] },
    );
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain(`using existing AgentAPI ${agentapiVersion.replace(/^v/, "")}`);
    expect(e2e.server.downloads()).toBe(before);
  });

  test("the module's default agentapi_version is the one tools/versions.env builds and tests", async () => {
    const c = preinstalled("claude");
    const before = e2e.server.hitsOf(agentapiPath(agentapiVersion));
    const { agent } = await e2e.workspace(c.inputs, c.options);
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(e2e.server.hitsOf(agentapiPath(agentapiVersion)) - before).toBe(1);
    expect(run?.output).toMatch(success.agentapi);
  });
});
