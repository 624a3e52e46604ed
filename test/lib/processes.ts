// What a workspace actually runs, read from /proc: AgentAPI (the pid the module records), the
// Claude process under it (its argv, cwd and environment), what a process runs under (e.g. a
// jail), and every process's command line.

import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { LocalAgent } from "./agent.ts";
import { claudeBinary } from "./paths.ts";

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** The executable it runs (symlinks resolved by the kernel). */
  exe: string;
  /** The command line, argv[0] included, byte for byte. */
  argv: string[];
  cwd: string;
  /** The environment it started with. */
  env: Map<string, string>;
  /** Set by Landlock-based jails; no process outside them has it here. */
  noNewPrivs: boolean;
}

function nulSplit(file: string): string[] {
  const parts = readFileSync(file).toString("utf8").split("\0");
  parts.pop();
  return parts;
}

/** Throws when the process is gone. */
export function processInfo(pid: number): ProcessInfo {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => status.match(new RegExp(`^${name}:\\s*(\\S+)`, "m"))?.[1] ?? "";
  const env = new Map<string, string>();
  for (const entry of nulSplit(`/proc/${pid}/environ`)) {
    const eq = entry.indexOf("=");
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return {
    pid,
    ppid: Number(field("PPid")),
    exe: readlinkSync(`/proc/${pid}/exe`),
    argv: nulSplit(`/proc/${pid}/cmdline`),
    cwd: readlinkSync(`/proc/${pid}/cwd`),
    env,
    noNewPrivs: field("NoNewPrivs") === "1",
  };
}

/** processInfo, or undefined when the process is gone (or ended while we looked). */
export function processIfAlive(pid: number): ProcessInfo | undefined {
  try {
    return processInfo(pid);
  } catch {
    return undefined;
  }
}

/** The processes `pid` runs under, its parent first, up to (not including) init. */
export function ancestors(pid: number): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (let parent = parentOf(pid); parent !== undefined && parent > 1; parent = parentOf(parent)) {
    const info = processIfAlive(parent);
    if (!info) break;
    out.push(info);
  }
  return out;
}

/** The running Claude Code processes of a workspace (the real binary, whatever launched it). */
export function claudeProcesses(agent: LocalAgent): ProcessInfo[] {
  const exe = realpathSync(claudeBinary);
  return agent
    .processes()
    .map(processIfAlive)
    .filter((p): p is ProcessInfo => p?.exe === exe);
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ")" do not.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** AgentAPI's pid, from the file the start script writes in ~/.claude-module. */
export function agentapiPid(moduleDir: string): number {
  return Number(readFileSync(join(moduleDir, "agentapi.pid"), "utf8"));
}

export interface ClaudeProcess extends ProcessInfo {
  /** The arguments after argv[0]. */
  args: string[];
  /** Still running under the same AgentAPI. */
  alive(): boolean;
}

/** The Claude process AgentAPI runs (its child named claude); waits for it up to `timeoutMs`. */
export async function claudeUnderAgentapi(moduleDir: string, timeoutMs = 30_000): Promise<ClaudeProcess> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const agentapi = agentapiPid(moduleDir);
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (parentOf(pid) !== agentapi) continue;
      try {
        const info = processInfo(pid);
        if (!info.argv[0]?.endsWith("/claude")) continue;
        return {
          ...info,
          args: info.argv.slice(1),
          alive: () => existsSync(`/proc/${pid}`) && parentOf(pid) === agentapi,
        };
      } catch {
        // It ended while we looked.
      }
    }
    if (Date.now() > deadline) throw new Error(`no claude process under AgentAPI (pid ${agentapi})`);
    await Bun.sleep(200);
  }
}

/** The command line of every process the workspace runs, as text (arguments joined by spaces). */
export function commandLines(agent: LocalAgent): string[] {
  return agent.processes().flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, "latin1").split("\0").join(" ")];
    } catch {
      return [];
    }
  });
}

/** Claude's arguments without the module's one --settings pair (the permission consent, the status
 * hooks), and that pair's settings. */
export function splitSettings(args: string[]): { args: string[]; settings: Record<string, unknown> } {
  const i = args.indexOf("--settings");
  if (i < 0) return { args, settings: {} };
  return { args: [...args.slice(0, i), ...args.slice(i + 2)], settings: JSON.parse(args[i + 1]!) };
}
