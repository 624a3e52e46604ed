// What test/doubles/bin/coder (the recording wrapper around the real `coder` CLI) recorded: one line per call in
// $CODER_DOUBLE_LOG (the arguments), and the same line of $CODER_DOUBLE_LOG.env (what it saw).

import { readFileSync } from "node:fs";
import type { LocalAgent } from "./agent.ts";

export interface CoderCall {
  argv: string[];
  /** CODER_MCP_* variables the call saw, decoded. */
  mcpEnv: Record<string, string>;
  /** Credential variables that were set for the call (names only; the double never records values). */
  credentials: string[];
}

/** The file's lines, one per call; none when nothing was called. */
function lines(file: string): string[] {
  try {
    const all = readFileSync(file, "utf8").split("\n");
    all.pop();
    return all;
  } catch {
    return [];
  }
}

/** Every call recorded in `log` (the double's CODER_DOUBLE_LOG), in order. */
export function readCoderDoubleLog(log: string): CoderCall[] {
  const envLines = lines(log + ".env");
  return lines(log).map((line, i) => {
    const mcpEnv: Record<string, string> = {};
    const credentials: string[] = [];
    for (const field of (envLines[i] ?? "").split("\x1f").filter(Boolean)) {
      const eq = field.indexOf("=");
      if (eq < 0) credentials.push(field);
      else mcpEnv[field.slice(0, eq)] = Buffer.from(field.slice(eq + 1), "base64").toString("utf8");
    }
    return { argv: line === "" ? [] : line.split("\x1f"), mcpEnv, credentials };
  });
}

/** The `coder` calls made in a workspace, with the environment each saw. */
export const coderCalls = (agent: LocalAgent) => readCoderDoubleLog(agent.env.CODER_DOUBLE_LOG!);

export const configureCalls = (agent: LocalAgent) =>
  coderCalls(agent).filter((c) => c.argv.slice(0, 3).join(" ") === "exp mcp configure");
