// Start-up benchmark: how much the module adds to launching AgentAPI + Claude by hand.
// Prints seconds (median of several runs), ratios against the bare launch, what a warm restart adds
// to it in milliseconds, how many processes a warm restart spawns, and the status figures of
// tools/bench-status.ts.
//   bare  - `agentapi server -- claude` in a prepared home, until /status answers
//   cold  - the module's start script in a fresh workspace (installs from loopback)
//   warm  - the start script again after a stop, nothing changed (must install nothing)
//   the same with three stdio MCP servers configured: their check runs on the cold start only
// Processes are counted in one more warm restart (without, then with the three servers), traced by
// strace (which slows it, so it is not timed): every process the start script and its children
// create, AgentAPI included, but not what AgentAPI itself starts (Claude and its helpers), which the
// bare launch starts as well.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { agentapiBinary, claudeBinary } from "../test/lib/paths.ts";
import { tinyStdioServer } from "../test/lib/mcp-server.ts";
import { statusFigures } from "./bench-status.ts";
import { startReleaseServer } from "../test/lib/release-server.ts";
import { waitFor } from "../test/lib/wait.ts";
import type { Inputs } from "../test/lib/terraform.ts";
import { disposeWorkspaces, freePort, workspace, type Workspace } from "../test/lib/workspace.ts";

const runs = Number(process.env.BENCH_RUNS ?? 10);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function waitStatus(port: number): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await Bun.sleep(20);
  }
}

function rssKiB(pids: number[]): number {
  return pids
    .map((pid) => Number(readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)/m)?.[1] ?? 0))
    .reduce((a, b) => a + b, 0);
}

async function bare(): Promise<number> {
  const home = mkdtempSync(join(tmpdir(), "claude-bench-"));
  const work = join(home, "w");
  mkdirSync(work);
  writeFileSync(
    join(home, ".claude.json"),
    JSON.stringify({ hasCompletedOnboarding: true, projects: { [work]: { hasTrustDialogAccepted: true } } }),
  );
  const port = await freePort();
  const t0 = performance.now();
  const p = execa(agentapiBinary, ["server", "--type", "claude", "--port", String(port), "--", claudeBinary], {
    cwd: work,
    env: { HOME: home, PATH: process.env.PATH! },
    extendEnv: false,
    // A piped stdin would be read as the initial prompt, and AgentAPI would wait for its end.
    stdin: "ignore",
    reject: false,
  });
  await waitStatus(port);
  const t = (performance.now() - t0) / 1000;
  p.kill("SIGKILL");
  await p;
  return t;
}

/** Runs ws's start scripts under `strace -f` and returns how many processes they created, not
 * counting AgentAPI's descendants. strace follows AgentAPI for as long as it runs, so it is told to
 * let go once the script itself has exited. */
async function startProcesses(ws: Workspace): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "claude-bench-trace-"));
  const out = join(dir, "trace");
  let created = 0;
  for (const script of ws.agent.startScripts()) {
    const tracer = execa(
      "strace",
      ["-f", "-q", "-e", "trace=clone,clone3,fork,vfork", "-e", "signal=none", "-o", out, "sh", "-c", script],
      {
        cwd: ws.agent.home,
        env: ws.agent.scriptEnv,
        extendEnv: false,
        reject: false,
      },
    );
    // strace's own child is the script's sh; the script has ended when its pid is gone.
    const sh = await waitFor("the traced start script to begin", () => {
      const children = existsSync(`/proc/${tracer.pid}`)
        ? readFileSync(`/proc/${tracer.pid}/task/${tracer.pid}/children`, "utf8").trim()
        : "";
      return children || undefined;
    });
    await waitFor("the traced start script to exit", () => (existsSync(`/proc/${sh}`) ? undefined : true), 300_000);
    tracer.kill("SIGTERM");
    await tracer;
    const lines = readFileSync(out, "utf8").split("\n");
    // pid -> the pids it created (processes, not threads). A call strace saw interrupted by another
    // process's is split into "<unfinished ...>" (with the flags) and "<... resumed>" (with the pid).
    const children = new Map<number, number[]>();
    const pendingThread = new Map<number, boolean>();
    for (const line of lines) {
      const m = line.match(/^(\d+) +(.*)$/);
      if (!m) continue;
      const pid = Number(m[1]);
      const call = m[2]!;
      if (!/^(clone3?|v?fork)\(|^<\.\.\. (clone3?|v?fork) resumed>/.test(call)) continue;
      const thread = call.startsWith("<...") ? (pendingThread.get(pid) ?? false) : call.includes("CLONE_THREAD");
      if (call.endsWith("<unfinished ...>")) {
        pendingThread.set(pid, thread);
        continue;
      }
      const child = Number(call.match(/= (\d+)$/)?.[1] ?? 0);
      if (child > 0 && !thread) children.set(pid, [...(children.get(pid) ?? []), child]);
    }
    const agentapi = Number(readFileSync(join(ws.moduleDir, "agentapi.pid"), "utf8"));
    const skip = new Set<number>();
    const below = (pid: number): void => {
      for (const c of children.get(pid) ?? []) {
        skip.add(c);
        below(c);
      }
    };
    below(agentapi);
    for (const [pid, kids] of children) if (!skip.has(pid)) created += kids.filter((c) => !skip.has(c)).length;
  }
  rmSync(dir, { recursive: true, force: true });
  return created;
}

const server = startReleaseServer();
const bareTimes: number[] = [];
for (let i = 0; i < runs; i++) bareTimes.push(await bare());

const threeServers = JSON.stringify({
  mcpServers: Object.fromEntries(
    ["one", "two", "three"].map((n) => [n, { command: "bash", args: ["-c", tinyStdioServer(1)] }]),
  ),
});

/** Cold and warm start times (s) of `runs` fresh workspaces with these inputs; the RSS after the last. */
async function startTimes(inputs: Inputs): Promise<{ cold: number[]; warm: number[]; rss: number }> {
  const cold: number[] = [];
  const warm: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const ws = await workspace(server, inputs);
    let t0 = performance.now();
    const [first] = await ws.agent.start();
    if (first?.exitCode !== 0) throw new Error(`cold start failed:\n${first?.output}`);
    cold.push((performance.now() - t0) / 1000);
    await ws.agent.stop();
    const downloads = server.downloads();
    t0 = performance.now();
    const [again] = await ws.agent.start();
    if (again?.exitCode !== 0) throw new Error(`warm start failed:\n${again?.output}`);
    warm.push((performance.now() - t0) / 1000);
    if (server.downloads() !== downloads) throw new Error("the warm start downloaded something");
    rss = rssKiB(ws.agent.processes());
    disposeWorkspaces();
  }
  return { cold, warm, rss };
}

const plain = await startTimes({});
const withMcp = await startTimes({ mcp: threeServers });
const coldTimes = plain.cold;
const warmTimes = plain.warm;
const rss = plain.rss;

const status = await statusFigures(server);

/** The processes of a warm restart (traced) of a workspace with these inputs. */
async function warmProcessCount(inputs: Inputs): Promise<number> {
  const traced = await workspace(server, inputs);
  const [first] = await traced.agent.start();
  if (first?.exitCode !== 0) throw new Error(`start failed:\n${first?.output}`);
  await traced.agent.stop();
  const n = await startProcesses(traced);
  disposeWorkspaces();
  return n;
}
const warmProcesses = await warmProcessCount({});
const warmProcessesMcp = await warmProcessCount({ mcp: threeServers });
server.stop();

const b = median(bareTimes);
const row = (name: string, t: number) =>
  `${name.padEnd(20)} ${t.toFixed(2).padStart(6)} s   ${(t / b).toFixed(2)}x bare`;
console.log(`start-up, median of ${runs} runs (until AgentAPI answers /status):`);
console.log(row("bare", b));
console.log(row("warm", median(warmTimes)));
console.log(row("cold", median(coldTimes)));
console.log(row("warm, 3 MCP servers", median(withMcp.warm)));
console.log(row("cold, 3 MCP servers", median(withMcp.cold)));
console.log(`a warm restart adds ${((median(warmTimes) - b) * 1000).toFixed(0)} ms to the bare launch`);
console.log(`processes a warm restart spawns (AgentAPI included, not what AgentAPI starts): ${warmProcesses}`);
console.log(`the same with 3 MCP servers: ${warmProcessesMcp}`);
console.log(`memory of AgentAPI + Claude after a module start: ${(rss / 1024).toFixed(0)} MiB RSS`);
for (const line of status) console.log(line);
