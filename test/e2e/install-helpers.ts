// What the installation tests observe in a workspace: the running claude's
// environment, files' identities, and start results that must be failures.

import { expect } from "bun:test";
import { copyFileSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import type { LocalAgent, ScriptRun } from "../lib/agent.ts";

/** Waits for the claude process AgentAPI started and returns its argv and initial environment. */
export async function claudeProcess(agent: LocalAgent, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const pid of agent.processes()) {
      try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
        if (argv[0] && basename(argv[0]) === "claude") {
          const env = new Map(
            readFileSync(`/proc/${pid}/environ`, "utf8")
              .split("\0")
              .filter(Boolean)
              .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as [string, string]),
          );
          return { pid, argv, env };
        }
      } catch {
        // The process ended while we looked.
      }
    }
    await Bun.sleep(200);
  }
  throw new Error("no claude process started under AgentAPI");
}

/** Device and inode plus mtime: changes when a file is rewritten or replaced. */
export function identity(path: string): string {
  const s = statSync(path);
  return `${s.dev}:${s.ino}:${s.mtimeMs}`;
}

/** The shell start-up files a distribution gives a new user (Debian's /etc/skel). */
export function giveSkeletonProfile(home: string): string[] {
  const files = [".profile", ".bashrc"];
  for (const f of files) copyFileSync(join("/etc/skel", f), join(home, f));
  return files.map((f) => join(home, f));
}

export function settingsOf(home: string): Record<string, any> | undefined {
  try {
    return JSON.parse(readFileSync(join(home, ".claude", "settings.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/** What the module prints when a component is ready to use. */
export const success = {
  claude: /installed Claude Code|using (the pre-installed |existing )?Claude Code|Claude Code \S+ is already installed/,
  agentapi: /installed AgentAPI|using existing AgentAPI|AgentAPI \S+ is already installed/,
  start: /AgentAPI is ready|summary:/,
};

/** A start that failed closed: non-zero, the cause and the log named, and no success line for what failed. */
export function expectFailedStart(
  run: ScriptRun | undefined,
  cause: string | RegExp,
  log: string,
  failed: (keyof typeof success)[],
) {
  expect(run).toBeDefined();
  expect(run!.exitCode).not.toBe(0);
  if (typeof cause === "string") expect(run!.output).toContain(cause);
  else expect(run!.output).toMatch(cause);
  expect(run!.output).toContain(`details: ${log}`);
  for (const what of [...failed, "start" as const]) expect(run!.output).not.toMatch(success[what]);
}
