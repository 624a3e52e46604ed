// What a run of the start script reports: success lines, failures that must name their cause and
// log, and the port AgentAPI became ready on.

import { expect } from "bun:test";
import type { ScriptRun } from "./agent.ts";

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

/** The exit code of a start, with its output shown when it is not the expected one. */
export function exitOf(run: ScriptRun | undefined, expected = 0): number {
  if (run?.exitCode !== expected) console.error(run?.output);
  return run?.exitCode ?? -1;
}

/** The port the start script reported AgentAPI ready on. */
export function readyPort(output: string): number {
  const m = output.match(/ready on port (\d+)/);
  if (!m) throw new Error(`AgentAPI did not get ready:\n${output}`);
  return Number(m[1]);
}
