// Helpers shared by the task, authentication and standalone end-to-end tests.

import { readFileSync } from "node:fs";
import type { LocalAgent } from "../lib/agent.ts";

export interface CoderCall {
  argv: string[];
  /** CODER_MCP_* variables the call saw, decoded. */
  mcpEnv: Record<string, string>;
  /** Credential variables that were set for the call (names only; the double never records values). */
  credentials: string[];
}

/** Calls the `coder` test double recorded, with the environment it saw. */
export function coderCalls(agent: LocalAgent): CoderCall[] {
  const argvs = agent.coderCalls();
  let envLines: string[] = [];
  try {
    envLines = readFileSync(agent.env.CODER_DOUBLE_LOG + ".env", "utf8").split("\n");
  } catch {
    // No call yet.
  }
  return argvs.map((argv, i) => {
    const fields = (envLines[i] ?? "").split("\x1f").filter(Boolean);
    const mcpEnv: Record<string, string> = {};
    const credentials: string[] = [];
    for (const field of fields) {
      const eq = field.indexOf("=");
      if (eq < 0) credentials.push(field);
      else mcpEnv[field.slice(0, eq)] = Buffer.from(field.slice(eq + 1), "base64").toString("utf8");
    }
    return { argv, mcpEnv, credentials };
  });
}

export const configureCalls = (agent: LocalAgent) =>
  coderCalls(agent).filter((c) => c.argv.slice(0, 3).join(" ") === "exp mcp configure");

export interface Message {
  id: number;
  role: string;
  content: string;
}

/** The terminal screen as AgentAPI sees it (its messages), whitespace removed so wrapped lines still match. */
export async function screen(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/messages`);
  const body = (await r.json()) as { messages: Message[] };
  return body.messages.map((m) => m.content).join("\n");
}

export const squash = (text: string) => text.replace(/\s+/g, "");

/** Polls AgentAPI's messages until `done` holds (whitespace-free text), or fails after `seconds`. */
export async function waitForScreen(port: number, done: (squashed: string) => boolean, seconds = 90): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      last = squash(await screen(port));
      if (done(last)) return last;
    } catch {
      // AgentAPI not answering yet.
    }
    await Bun.sleep(500);
  }
  throw new Error(`the screen never showed what was expected within ${seconds}s; last screen:\n${last}`);
}

/** Claude Code has finished its authenticated start-up: offline, its first call to Anthropic (for
 * remote managed settings, made only when it holds first-party credentials) fails with this notice. */
export const authenticatedStartupDone = (s: string) => s.includes("remotepolicyapplied");

/** Claude Code stopped at its login hint (no usable credentials). */
export const notLoggedIn = (s: string) => s.includes("Notloggedin");

/** Waits until AgentAPI reports the screen stable and it stays the same for three polls; returns it. */
export async function settledScreen(port: number, seconds = 60): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  let last = "";
  let same = 0;
  while (Date.now() < deadline) {
    const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { status: string };
    const now = squash(await screen(port));
    same = status.status === "stable" && now === last ? same + 1 : 0;
    last = now;
    if (same >= 3) return now;
    await Bun.sleep(1000);
  }
  throw new Error(`the screen did not settle within ${seconds}s; last screen:\n${last}`);
}

/** The port the start script reported AgentAPI ready on. */
export function readyPort(output: string): number {
  const m = output.match(/ready on port (\d+)/);
  if (!m) throw new Error(`AgentAPI did not get ready:\n${output}`);
  return Number(m[1]);
}
