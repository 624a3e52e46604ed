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
// create until it exits, AgentAPI included, but not what AgentAPI itself starts (Claude, its helpers
// and MCP servers), which the bare launch starts as well, nor what the tests' recording wrapper
// around the coder CLI adds to each call; then the count per program (the top ones).
// Last, what one process, subshell and jq cost on this machine (tools/bench-unit-costs.sh): the units
// the warm restart's figures are made of.
// BENCH_ONLY=processes prints only these counts.

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

/** Waits until AgentAPI on port answers /status; true then, false once ended() says that what
 * started it is over first. */
async function waitStatus(port: number, ended = () => false): Promise<boolean> {
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/status`)).ok) return true;
    } catch {
      // Not listening yet.
    }
    if (ended()) return false;
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

/** What a traced start created: the processes (not threads) counted, each named by the basename of
 * the last program it executed, or "(fork of NAME)" when it executed none (a subshell); and how
 * many more a wait loop's repeats created (see tracedProcesses). */
type Created = { names: string[]; repeats: number; wrapped: number };

/** Runs ws's start scripts under `strace -f` and returns the processes they created, not counting
 * AgentAPI's descendants. strace follows AgentAPI for as long as it runs, so it is told to let go
 * once the script itself has exited; only what was created before that counts.
 *
 * strace's first child is not always the script: it may fork a short-lived probe of its own first,
 * so the script's sh is taken from the trace (its first line, the execve of sh) and its end too
 * (its "+++ exited" line), not from /proc. */
async function startProcesses(ws: Workspace): Promise<Created> {
  const dir = mkdtempSync(join(tmpdir(), "claude-bench-trace-"));
  const out = join(dir, "trace");
  const created: Created = { names: [], repeats: 0, wrapped: 0 };
  for (const script of ws.agent.startScripts()) {
    const tracer = execa(
      "strace",
      [
        ...["-f", "-q", "-s", "256", "-e", "trace=clone,clone3,fork,vfork,execve", "-e", "signal=none"],
        ...["-o", out, "sh", "-c", script],
      ],
      { cwd: ws.agent.home, env: ws.agent.scriptEnv, extendEnv: false, reject: false },
    );
    const traced = () => (existsSync(out) ? readFileSync(out, "utf8") : "");
    const sh = Number(await waitFor("the traced start script to begin", () => traced().match(/^(\d+) +execve\(/)?.[1]));
    const exit = await waitFor(
      "the traced start script to exit",
      () => traced().match(new RegExp(`^${sh} +\\+\\+\\+ (.*) \\+\\+\\+$`, "m"))?.[1],
      300_000,
    );
    tracer.kill("SIGTERM");
    await tracer;
    if (exit !== "exited with 0") throw new Error(`the traced warm start failed: ${exit}`);
    const agentapi = Number(readFileSync(join(ws.moduleDir, "agentapi.pid"), "utf8"));
    const { names, repeats, wrapped } = tracedProcesses(traced(), sh, agentapi);
    created.names.push(...names);
    created.repeats += repeats;
    created.wrapped += wrapped;
  }
  rmSync(dir, { recursive: true, force: true });
  return created;
}

/** The processes in an `strace -f` log that root and its descendants created before root exited,
 * less agentapi's descendants (agentapi itself stays), and less what `coder` starts: the bench's
 * `coder` is test/doubles/bin/coder, a bash wrapper that records each call and then runs the real
 * CLI; on a real Coder each call is the one Go process, so only that one counts (`wrapped` says how
 * many the wrapper added). What the script leaves running (AgentAPI,
 * the status relay) goes on spawning in answer to Claude until strace lets go: neither the
 * script's work nor the same from one run to the next.
 *
 * strace -f prefixes each line with the calling thread's id, not its process's: a multi-threaded
 * program (AgentAPI is Go, Claude Code is Bun) forks from whichever thread runs the call. So each
 * thread is mapped to its process (a clone with CLONE_THREAD adds one to the caller's process), and
 * whatever any of AgentAPI's threads starts is AgentAPI's.
 *
 * A wait loop (step_wait_ready's: sleep 0.01 until AgentAPI listens, then curl /status, which may
 * come too early and go round again) runs as many rounds as AgentAPI, slowed by strace, takes to
 * answer: each `sleep`, and a child before it of the same name as the one after it, is a repeat,
 * counted apart so that the figure stays put. */
function tracedProcesses(trace: string, root: number, agentapi: number): Created {
  // A call strace saw interrupted by another thread's is split into "<unfinished ...>" (with the
  // arguments) and "<... NAME resumed>" (with the result).
  const pending = new Map<number, string>();
  const threadOf = new Map<number, number>(); // new thread -> the thread that created it
  const parentOf = new Map<number, number>(); // new process -> the thread that created it, in order
  const program = new Map<number, string>(); // thread -> the last program it executed
  let ended = false;
  for (const line of trace.split("\n")) {
    const m = line.match(/^(\d+) +(.*)$/);
    if (!m) continue;
    const tid = Number(m[1]);
    let call = m[2]!;
    if (call.startsWith("+++ ")) {
      if (tid === root) ended = true;
      continue;
    }
    if (call.startsWith("<... ")) call = (pending.get(tid) ?? "") + call.replace(/^<\.\.\. \w+ resumed>/, "");
    if (call.endsWith("<unfinished ...>")) {
      pending.set(tid, call.slice(0, -"<unfinished ...>".length));
      continue;
    }
    pending.delete(tid);
    if (/^(clone3?|v?fork)\(/.test(call)) {
      const child = Number(call.match(/= (\d+)$/)?.[1] ?? 0);
      if (child <= 0) continue;
      if (call.includes("CLONE_THREAD")) threadOf.set(child, tid);
      else if (!ended) parentOf.set(child, tid);
    } else if (call.startsWith("execve(") && / = 0$/.test(call)) {
      program.set(tid, (call.match(/^execve\("((?:[^"\\]|\\.)*)"/)?.[1] ?? "").split("/").pop()!);
    }
  }
  const processOf = (tid: number): number => {
    const creator = threadOf.get(tid);
    return creator === undefined ? tid : processOf(creator);
  };
  const parent = (pid: number): number | undefined => {
    const creator = parentOf.get(pid);
    return creator === undefined ? undefined : processOf(creator);
  };
  const started = (pid: number, ancestor: (p: number) => boolean): boolean => {
    for (let p = parent(pid); p !== undefined; p = parent(p)) if (ancestor(p)) return true;
    return false;
  };
  // Below root and not below AgentAPI or the coder wrapper; AgentAPI and the wrapper count.
  const below = (pid: number) => started(pid, (p) => p === root);
  const byWrapper = (pid: number) => started(pid, (p) => program.get(p) === "coder");
  const counted = (pid: number) => below(pid) && !started(pid, (p) => p === agentapi) && !byWrapper(pid);
  const name = (pid: number): string => {
    const own = program.get(pid);
    if (own !== undefined) return own;
    const p = parent(pid);
    return p === undefined ? "?" : `(fork of ${name(p).replace(/^\(fork of (.*)\)$/, "$1")})`;
  };
  const childrenOf = new Map<number, number[]>();
  for (const pid of parentOf.keys()) {
    if (!counted(pid)) continue;
    const p = parent(pid)!;
    childrenOf.set(p, [...(childrenOf.get(p) ?? []), pid]);
  }
  const names: string[] = [];
  let repeats = 0;
  const wrapped = [...parentOf.keys()].filter((pid) => below(pid) && byWrapper(pid)).length;
  for (const kids of childrenOf.values()) {
    const kidNames = kids.map(name);
    const repeat = new Set<number>();
    kidNames.forEach((n, i) => {
      if (n !== "sleep") return;
      repeat.add(i);
      if (i > 0 && kidNames[i - 1] !== "sleep" && kidNames[i - 1] === kidNames[i + 1]) repeat.add(i - 1);
    });
    repeats += repeat.size;
    names.push(...kidNames.filter((_, i) => !repeat.has(i)));
  }
  return { names, repeats, wrapped };
}

/** "N name, N name, ..." for the most frequent names, the rest summed. */
function breakdown(names: string[], top = 8): string {
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const rest = sorted.slice(top).reduce((sum, [, c]) => sum + c, 0);
  return [...sorted.slice(0, top).map(([n, c]) => `${c} ${n}`), ...(rest ? [`${rest} other`] : [])].join(", ");
}

// BENCH_ONLY=processes: only the process counts (no timings, no status figures).
const onlyProcesses = process.env.BENCH_ONLY === "processes";
const units = onlyProcesses ? undefined : (await execa(join(import.meta.dir, "bench-unit-costs.sh"))).stdout.split(" ");
const server = startReleaseServer();
const bareTimes: number[] = [];
if (!onlyProcesses) for (let i = 0; i < runs; i++) bareTimes.push(await bare());

const threeServers = JSON.stringify({
  mcpServers: Object.fromEntries(
    ["one", "two", "three"].map((n) => [n, { command: "bash", args: ["-c", tinyStdioServer(1)] }]),
  ),
});

/** Runs ws's start scripts; returns the seconds until AgentAPI on port answered /status, and until
 * the scripts exited (which also covers what the start does after that: the script sync, the
 * summary). */
async function timedStart(ws: Workspace, port: number): Promise<{ ready: number; done: number }> {
  const t0 = performance.now();
  let ended = false;
  const run = ws.agent.start().finally(() => (ended = true));
  // A start that succeeded waited for /status itself, so one that ended first failed.
  if (!(await waitStatus(port, () => ended))) {
    throw new Error(`the start ended before AgentAPI answered:\n${(await run)[0]?.output}`);
  }
  const ready = (performance.now() - t0) / 1000;
  const [result] = await run;
  if (result?.exitCode !== 0) throw new Error(`the start failed:\n${result?.output}`);
  return { ready, done: (performance.now() - t0) / 1000 };
}

/** Cold and warm start times (s, until /status answers) of `runs` fresh workspaces with these
 * inputs, how long a warm start script runs on after that, and the RSS after the last. */
async function startTimes(inputs: Inputs): Promise<{ cold: number[]; warm: number[]; after: number[]; rss: number }> {
  const cold: number[] = [];
  const warm: number[] = [];
  const after: number[] = [];
  let rss = 0;
  for (let i = 0; i < runs; i++) {
    const port = await freePort();
    const ws = await workspace(server, { ...inputs, agentapi_port: port });
    cold.push((await timedStart(ws, port)).ready);
    await ws.agent.stop();
    const downloads = server.downloads();
    const again = await timedStart(ws, port);
    warm.push(again.ready);
    after.push(again.done - again.ready);
    if (server.downloads() !== downloads) throw new Error("the warm start downloaded something");
    rss = rssKiB(ws.agent.processes());
    disposeWorkspaces();
  }
  return { cold, warm, after, rss };
}

const plain = onlyProcesses ? undefined : await startTimes({});
const withMcp = onlyProcesses ? undefined : await startTimes({ mcp: threeServers });
const status = onlyProcesses ? [] : await statusFigures(server);

/** The processes of a warm restart (traced) of a workspace with these inputs. */
async function warmProcesses(inputs: Inputs): Promise<Created> {
  const traced = await workspace(server, inputs);
  const [first] = await traced.agent.start();
  if (first?.exitCode !== 0) throw new Error(`start failed:\n${first?.output}`);
  await traced.agent.stop();
  const created = await startProcesses(traced);
  disposeWorkspaces();
  return created;
}
const warm = await warmProcesses({});
const warmMcp = await warmProcesses({ mcp: threeServers });
server.stop();

if (plain && withMcp) {
  const b = median(bareTimes);
  const row = (name: string, t: number) =>
    `${name.padEnd(20)} ${t.toFixed(2).padStart(6)} s   ${(t / b).toFixed(2)}x bare`;
  console.log(`start-up, median of ${runs} runs (until AgentAPI answers /status):`);
  console.log(row("bare", b));
  console.log(row("warm", median(plain.warm)));
  console.log(row("cold", median(plain.cold)));
  console.log(row("warm, 3 MCP servers", median(withMcp.warm)));
  console.log(row("cold, 3 MCP servers", median(withMcp.cold)));
  console.log(`a warm restart adds ${((median(plain.warm) - b) * 1000).toFixed(0)} ms to the bare launch`);
  console.log(
    `after /status answers, the warm start script runs ${(median(plain.after) * 1000).toFixed(0)} ms more (script sync, summary)`,
  );
}
/** The count, then by program (and what a wait loop's repeats added in this run, not counted). */
const processLines = (label: string, c: Created) =>
  `${label}: ${c.names.length}\n  ${breakdown(c.names)}` +
  (c.repeats ? ` (+${c.repeats} polling AgentAPI, not counted)` : "") +
  (c.wrapped ? ` (+${c.wrapped} by the recording coder wrapper, not counted)` : "");
console.log(processLines("processes a warm restart spawns (AgentAPI included, not what AgentAPI starts)", warm));
console.log(processLines("the same with 3 MCP servers", warmMcp));
if (plain) console.log(`memory of AgentAPI + Claude after a module start: ${(plain.rss / 1024).toFixed(0)} MiB RSS`);
for (const line of status) console.log(line);
if (units) {
  const ms = (key: string) => (Number(units[units.indexOf(key) + 1]) / 1000).toFixed(1);
  console.log(
    `on this machine, from a bash holding the start script: a process costs ${ms("process")} ms, a subshell ${ms("subshell")} ms, a jq ${ms("jq")} ms`,
  );
}
