// What the module actually started: the Claude process under AgentAPI (its argv, cwd and
// environment from /proc), and the transcripts Claude writes.

import { existsSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";

export interface ClaudeProcess {
  pid: number;
  /** The arguments after argv[0], byte for byte. */
  args: string[];
  cwd: string;
  env: Map<string, string>;
  alive(): boolean;
}

function nulSplit(file: string): string[] {
  const parts = readFileSync(file).toString("utf8").split("\0");
  parts.pop();
  return parts;
}

function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ")" do not.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** The Claude process AgentAPI runs: the child of the pid in ~/.claude-module/agentapi.pid. */
export async function claudeUnderAgentapi(moduleDir: string, timeoutMs = 30_000): Promise<ClaudeProcess> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const agentapi = Number(readFileSync(join(moduleDir, "agentapi.pid"), "utf8"));
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry) || parentOf(entry) !== agentapi) continue;
      try {
        const argv = nulSplit(`/proc/${entry}/cmdline`);
        if (!argv[0]?.endsWith("/claude")) continue;
        const env = new Map(
          nulSplit(`/proc/${entry}/environ`).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
        );
        const pid = Number(entry);
        return {
          pid,
          args: argv.slice(1),
          cwd: readlinkSync(`/proc/${entry}/cwd`),
          env,
          alive: () => existsSync(`/proc/${pid}`) && parentOf(String(pid)) === agentapi,
        };
      } catch {
        // It ended while we looked.
      }
    }
    if (Date.now() > deadline) throw new Error(`no claude process under AgentAPI (pid ${agentapi})`);
    await Bun.sleep(200);
  }
}

/** Every transcript file of session `id`, in whichever project folder Claude chose. */
export function transcriptsOf(home: string, id: string): string[] {
  const projects = join(home, ".claude", "projects");
  if (!existsSync(projects)) return [];
  return readdirSync(projects)
    .map((folder) => join(projects, folder, `${id}.jsonl`))
    .filter((file) => existsSync(file));
}

/** Waits until Claude has recorded a user message in session `id`'s transcript; returns its path. */
export async function waitForTranscript(home: string, id: string, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const file of transcriptsOf(home, id)) {
      const lines = readFileSync(file, "utf8").split("\n");
      if (lines.some((l) => l.includes('"type":"user"') && l.includes(`"sessionId":"${id}"`))) return file;
    }
    if (Date.now() > deadline) throw new Error(`Claude wrote no transcript for session ${id}`);
    await Bun.sleep(500);
  }
}

/** The summary the last start printed and kept in ~/.claude-module/summary.txt. */
export function summaryOf(moduleDir: string): string {
  return readFileSync(join(moduleDir, "summary.txt"), "utf8");
}
