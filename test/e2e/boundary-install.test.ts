// Where boundary comes from: the workspace's `coder boundary` subcommand (the
// default; the coder CLI is the test double, running the real boundary when
// told to), a pinned release from a mirrorable URL (checksum and reported
// version verified), or a build from the Go module proxy outside the work dir.

import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import {
  boundaryWorkspace,
  expectNotStarted,
  jailedCommand,
  terminalPath,
  type BoundaryWorkspace,
} from "../lib/boundary.ts";
import { useE2E } from "../lib/e2e.ts";
import { boundaryBinary, boundaryVersion, root } from "../lib/paths.ts";
import { agentapiPid, ancestors, claudeProcesses, processInfo } from "../lib/processes.ts";
import { boundaryMislabeledVersion } from "../lib/release-server.ts";
import { exitOf } from "../lib/start-output.ts";
import { waitFor } from "../lib/wait.ts";

const e2e = useE2E();

const landjail = { boundary_jail_type: "landjail" };
const archivePath = (version: string) => `/boundary/download/${version}/boundary-linux-amd64.tar.gz`;
const boundaryDownloads = () =>
  [...e2e.server.hits.entries()].filter(([path]) => path.startsWith("/boundary/")).reduce((n, [, c]) => n + c, 0);

/** Claude under AgentAPI, and the boundary process it runs under. */
async function jailedClaude(ws: BoundaryWorkspace, boundaryExe: string) {
  const claude = await waitFor("Claude under AgentAPI", () => claudeProcesses(ws.agent)[0]);
  const jail = ancestors(claude.pid).filter((p) => p.exe === boundaryExe);
  expect(jail.length).toBeGreaterThan(0);
  expect(claude.noNewPrivs).toBe(true);
  return { claude, jail: jail.at(-1)! };
}

test("the default boundary_version is the version the tests build (tools/versions.env)", () => {
  const variables = readFileSync(join(root, "variables.tf"), "utf8");
  const block = variables.slice(variables.indexOf('variable "boundary_version"'));
  expect(block.match(/default\s*=\s*"([^"]+)"/)?.[1]).toBe(boundaryVersion);
});

describe("default: the coder CLI's boundary subcommand", () => {
  test("is used when the CLI has it; nothing is downloaded", async () => {
    const before = boundaryDownloads();
    const ws = await boundaryWorkspace(
      e2e.server,
      { ...landjail, use_boundary_directly: false },
      { env: { CODER_DOUBLE_BOUNDARY: boundaryBinary } },
    );
    const [run] = await ws.agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run?.output).toContain("using the coder CLI's boundary subcommand");
    expect(boundaryDownloads()).toBe(before);
    expect(existsSync(join(ws.moduleDir, "bin", "boundary"))).toBe(false);

    // The preflight and the chat's Claude both go through `coder boundary ... -- <command>`; AgentAPI
    // launches Claude after the start script has ended, so its call is waited for.
    const claudeExe = join(ws.moduleDir, "bin", "claude");
    const launched = (calls: string[][]) => calls.map((c) => jailedCommand(c)[0]);
    const calls = await waitFor("the chat's Claude to go through `coder boundary`", () => {
      const boundaryCalls = ws.agent.coderCalls().filter((c) => c[0] === "boundary");
      return launched(boundaryCalls).includes(claudeExe) ? boundaryCalls : undefined;
    });
    expect(calls[0]).toEqual(["boundary", "--help"]);
    expect(launched(calls).some((command) => command?.endsWith("/bash"))).toBe(true);
    expect(calls.find((c) => c.includes("--jail-type"))).toBeDefined();
    await jailedClaude(ws, realpathSync(boundaryBinary));
  });

  test("a CLI without it stops the start with the fix; terminal claude refuses too", async () => {
    const ws = await boundaryWorkspace(e2e.server, { ...landjail, use_boundary_directly: false });
    const [run] = await ws.agent.start();
    expect(exitOf(run, 1)).toBe(1);
    expect(run?.output).toContain("has no 'boundary' (or 'agent-firewall') subcommand: only Coder's enterprise builds");
    expect(run?.output).toContain("Premium license");
    expect(run?.output).not.toContain("too old");
    expect(run?.output).toContain("set use_boundary_directly = true to download boundary v0.8.0 (no license needed)");
    expect(run?.output).toContain("Claude Code was not started");
    expectNotStarted(ws);

    const terminal = await ws.agent.exec("claude", ["--version"], { env: { ...ws.agent.env, PATH: terminalPath(ws) } });
    expect(terminal.exitCode).toBe(1);
    expect(terminal.stderr).toContain("network filtering (boundary) is enabled in this workspace but is not set up");
  });

  test("Coder 2.36's name for it, agent-firewall, is preferred over the deprecated alias", async () => {
    const ws = await boundaryWorkspace(
      e2e.server,
      { ...landjail, use_boundary_directly: false },
      { env: { CODER_DOUBLE_BOUNDARY: boundaryBinary, CODER_DOUBLE_AGENT_FIREWALL: "1" } },
    );
    const [run] = await ws.agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run?.output).toContain("using the coder CLI's agent-firewall subcommand");
    const calls = ws.agent.coderCalls().map((c) => c[0]);
    expect(calls).toContain("agent-firewall");
    expect(calls).not.toContain("boundary");
  });

  for (const [license, cause] of [
    ["agpl", "the Coder deployment is an AGPL build, and 'coder boundary' needs an enterprise deployment"],
    ["unentitled", "the deployment's license does not include boundary (agent-firewall)"],
  ] as const) {
    test(`a license check that fails (${license}) is named, with the way around it`, async () => {
      const ws = await boundaryWorkspace(
        e2e.server,
        { ...landjail, use_boundary_directly: false },
        { env: { CODER_DOUBLE_BOUNDARY: boundaryBinary, CODER_DOUBLE_LICENSE: license } },
      );
      const [run] = await ws.agent.start();
      expect(exitOf(run, 1)).toBe(1);
      expect(run?.output).toContain(`boundary cannot start: ${cause}`);
      expect(run?.output).toContain("set use_boundary_directly = true to download boundary v0.8.0");
      expect(run?.output).not.toContain("CAP_NET_ADMIN");
      expectNotStarted(ws);
    });
  }

  test("a CLI without a Coder session stops the start and says so", async () => {
    const ws = await boundaryWorkspace(
      e2e.server,
      { ...landjail, use_boundary_directly: false },
      { env: { CODER_DOUBLE_BOUNDARY: boundaryBinary, CODER_DOUBLE_NO_SESSION: "1" } },
    );
    const [run] = await ws.agent.start();
    expect(exitOf(run, 1)).toBe(1);
    expect(run?.output).toContain("boundary cannot start: the coder CLI has no Coder session");
    expect(run?.output).toContain("Fix: log the workspace's coder CLI in");
    expectNotStarted(ws);
  });
});

describe("use_boundary_directly: the release binary", () => {
  test("is verified by checksum and version; a warm start downloads and rewrites nothing", async () => {
    const ws = await boundaryWorkspace(e2e.server, { ...landjail, boundary_sha256: e2e.server.boundaryArchiveSha256 });
    const [first] = await ws.agent.start();
    expect(exitOf(first)).toBe(0);
    expect(first?.output).toContain(
      `verified sha256 of ${e2e.server.boundaryReleasesUrl}/download/${boundaryVersion}/`,
    );
    expect(first?.output).toContain("installed boundary 0.8.0");
    expect(e2e.server.hits.get(archivePath(boundaryVersion))).toBe(1);
    const installed = join(ws.moduleDir, "bin", "boundary");
    expect(execFileSync(installed, ["--version"], { encoding: "utf8" }).trim()).toBe(boundaryVersion);
    await jailedClaude(ws, installed);
    // The wrapper and the terminal's claude are generated bash too.
    for (const file of [join(ws.moduleDir, "bin", "boundary-run"), join(ws.agent.binDir, "claude")]) {
      const lint = await ws.agent.exec("shellcheck", ["--enable=all", "--shell=bash", file]);
      expect(lint.all).toBe("");
    }

    // A warm start rewrites none of the files it writes (boundary's, the status relay's).
    const files = [
      ...["bin/boundary", "bin/boundary-run", "boundary/config.yaml", "boundary/command", "boundary/jail"],
      ...["boundary/unset", "bin/claude-status-hook", "bin/claude-status-relay", "status/app-slug", "status/agent-url"],
    ].map((f) => join(ws.moduleDir, f));
    const mtimes = files.map((f) => statSync(f).mtimeMs);
    await ws.agent.stop();
    const downloads = boundaryDownloads();
    const [second] = await ws.agent.start();
    expect(exitOf(second)).toBe(0);
    expect(second?.output).toContain("boundary 0.8.0 is already installed; nothing to download");
    expect(second?.output).toContain("boundary works: landjail (Landlock)");
    expect(boundaryDownloads()).toBe(downloads);
    expect(files.map((f) => statSync(f).mtimeMs)).toEqual(mtimes);
    await jailedClaude(ws, installed);
  });

  test("a checksum mismatch is refused", async () => {
    const ws = await boundaryWorkspace(e2e.server, { ...landjail, boundary_sha256: "0".repeat(64) });
    const [run] = await ws.agent.start();
    expect(exitOf(run, 1)).toBe(1);
    expect(run?.output).toContain("checksum mismatch");
    expect(existsSync(join(ws.moduleDir, "bin", "boundary"))).toBe(false);
    expectNotStarted(ws);
  });

  test("a binary that reports another version than the pinned one is refused", async () => {
    const ws = await boundaryWorkspace(e2e.server, { ...landjail, boundary_version: boundaryMislabeledVersion });
    const [run] = await ws.agent.start();
    expect(exitOf(run, 1)).toBe(1);
    expect(run?.output).toContain("the downloaded boundary reports version '0.8.0', expected 9.9.9");
    expect(existsSync(join(ws.moduleDir, "bin", "boundary"))).toBe(false);
    expectNotStarted(ws);
  });
});

describe("compile_boundary_from_source", () => {
  test("builds the pinned version from the Go module proxy outside the work dir", async () => {
    const go = (name: string) => execFileSync("go", ["env", name], { encoding: "utf8" }).trim();
    const before = boundaryDownloads();
    const ws = await boundaryWorkspace(
      e2e.server,
      { ...landjail, compile_boundary_from_source: true },
      {
        env: {
          // This machine's Go caches (the workspace would have its own), and no checksum
          // database here: the module's go.sum still pins every dependency.
          GOMODCACHE: go("GOMODCACHE"),
          GOCACHE: go("GOCACHE"),
          GONOSUMDB: "github.com/coder",
          GOTOOLCHAIN: "local",
        },
      },
    );
    const [first] = await ws.agent.start();
    expect(exitOf(first)).toBe(0);
    expect(first?.output).toContain(`fetching github.com/coder/boundary@${boundaryVersion} from the Go module proxy`);
    expect(first?.output).toContain("built boundary 0.8.0");
    expect(boundaryDownloads()).toBe(before);
    const installed = join(ws.moduleDir, "bin", "boundary");
    expect(execFileSync(installed, ["--version"], { encoding: "utf8" }).trim()).toBe(boundaryVersion);

    // Nothing was cloned or built in the work dir, and Claude runs there, not elsewhere.
    expect(readdirSync(ws.workdir).filter((f) => f !== ".claude")).toEqual([]);
    const { claude } = await jailedClaude(ws, installed);
    expect(claude.cwd).toBe(ws.workdir);
    expect(processInfo(agentapiPid(ws.moduleDir)).cwd).toBe(ws.workdir);

    await ws.agent.stop();
    const [second] = await ws.agent.start();
    expect(exitOf(second)).toBe(0);
    expect(second?.output).toContain("boundary 0.8.0 is already built; nothing to build");
    expect(second?.output).not.toContain("fetching github.com/coder/boundary");
  });
});
