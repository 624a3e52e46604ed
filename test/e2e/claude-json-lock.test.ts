// Claude Code changes ~/.claude.json under its own lock, the directory ~/.claude.json.lock: it reads
// the file under it and writes back its copy. The start changes the file (trust, onboarding) under the
// same lock, so that a Claude already running in the home (another module block's) cannot write back
// a copy read before the change and drop the work dir's trust. The real Claude Code CLI shows the lock
// is where the module takes it; the test holds the lock as a running Claude would.

import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, rmdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { claudeBinary } from "../lib/paths.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { exitOf } from "../lib/start-output.ts";
import { waitFor } from "../lib/wait.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");

/** Holds ~/.claude.json.lock in `home` as a live Claude does, refreshed (often: the start takes over
 * a lock untouched for 2 s) until released. */
function holdLock(home: string): () => void {
  const lock = join(home, ".claude.json.lock");
  mkdirSync(lock);
  const refresh = setInterval(() => utimesSync(lock, new Date(), new Date()), 200);
  const release = () => {
    clearInterval(refresh);
    if (existsSync(lock)) rmdirSync(lock);
  };
  e2e.afterTest(release);
  return release;
}

const claudeJson = (home: string) => JSON.parse(readFileSync(join(home, ".claude.json"), "utf8"));

/** Waits until ~/.claude.json.lock is gone. The Claude the start launched takes it for milliseconds
 * at a time; one the start left behind would stay for 10 s, until that Claude took it over. */
const lockReleased = (home: string) =>
  waitFor(
    "~/.claude.json.lock to be released",
    () => (existsSync(join(home, ".claude.json.lock")) ? undefined : true),
    5_000,
    20,
  );

describe("~/.claude.json and Claude Code's lock on it", () => {
  test("the real Claude Code CLI does not write ~/.claude.json while ~/.claude.json.lock is held", async () => {
    const { agent } = await e2e.workspace(image.inputs, image.options);
    writeFileSync(join(agent.home, ".claude.json"), `{"hasCompletedOnboarding": true}\n`);
    const release = holdLock(agent.home);
    const add = ["mcp", "add", "--scope", "user", "probe", "--", "/bin/true"];
    const held = await agent.exec(claudeBinary, add);
    expect(held.exitCode).not.toBe(0);
    expect(claudeJson(agent.home).mcpServers?.probe).toBeUndefined();
    release();
    const free = await agent.exec(claudeBinary, add);
    expect(free.exitCode).toBe(0);
    expect(claudeJson(agent.home).mcpServers?.probe?.command).toBe("/bin/true");
  }, 120_000);

  test("the start waits while a Claude holds the lock, then adds the work dir's trust to what that Claude wrote", async () => {
    const { agent, moduleDir, workdir } = await e2e.workspace({ ...image.inputs, report_tasks: false }, image.options);
    writeFileSync(join(agent.home, ".claude.json"), `{"numStartups": 1}\n`);
    const release = holdLock(agent.home);
    const start = agent.start();
    const log = join(moduleDir, "install.log");
    const waiting = `waiting for ${join(agent.home, ".claude.json.lock")}`;
    await waitFor("the start to wait for the lock", () =>
      existsSync(log) && readFileSync(log, "utf8").includes(waiting) ? true : undefined,
    );
    expect(claudeJson(agent.home).projects).toBeUndefined();
    // What the running Claude writes under its lock, from the copy it read.
    writeFileSync(join(agent.home, ".claude.json"), `{"numStartups": 2}\n`);
    release();
    const [run] = await start;
    expect(exitOf(run)).toBe(0);
    const json = claudeJson(agent.home);
    expect(json.numStartups).toBe(2);
    expect(json.projects[workdir].hasTrustDialogAccepted).toBe(true);
    await lockReleased(agent.home);
  }, 120_000);

  test("a lock left by a killed Claude (untouched for a minute) is taken over, and the start goes on", async () => {
    const { agent, moduleDir, workdir } = await e2e.workspace({ ...image.inputs, report_tasks: false }, image.options);
    const lock = join(agent.home, ".claude.json.lock");
    mkdirSync(lock);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, minuteAgo, minuteAgo);
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    expect(readFileSync(join(moduleDir, "install.log"), "utf8")).toContain(`taking over ${lock}`);
    expect(claudeJson(agent.home).projects[workdir].hasTrustDialogAccepted).toBe(true);
    await lockReleased(agent.home);
  }, 120_000);
});
