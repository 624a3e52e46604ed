// Start-up benchmark: how much the module adds to launching AgentAPI + Claude by hand.
// Prints seconds (median of several runs) and ratios against the bare launch.
//   bare  - `agentapi server -- claude` in a prepared home, until /status answers
//   cold  - the module's start script in a fresh workspace (installs from loopback)
//   warm  - the start script again after a stop, nothing changed (must install nothing)

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { agentapiBinary, claudeBinary } from "../test/lib/paths.ts";
import { startReleaseServer } from "../test/lib/release-server.ts";
import { disposeWorkspaces, freePort, workspace } from "../test/lib/workspace.ts";

const runs = Number(process.env.BENCH_RUNS ?? 5);
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

const server = startReleaseServer();
const bareTimes: number[] = [];
for (let i = 0; i < runs; i++) bareTimes.push(await bare());

const coldTimes: number[] = [];
const warmTimes: number[] = [];
let rss = 0;
for (let i = 0; i < runs; i++) {
  const ws = await workspace(server);
  let t0 = performance.now();
  const [cold] = await ws.agent.start();
  if (cold?.exitCode !== 0) throw new Error(`cold start failed:\n${cold?.output}`);
  coldTimes.push((performance.now() - t0) / 1000);
  await ws.agent.stop();
  const downloads = server.downloads();
  t0 = performance.now();
  const [warm] = await ws.agent.start();
  if (warm?.exitCode !== 0) throw new Error(`warm start failed:\n${warm?.output}`);
  warmTimes.push((performance.now() - t0) / 1000);
  if (server.downloads() !== downloads) throw new Error("the warm start downloaded something");
  rss = rssKiB(ws.agent.processes());
  disposeWorkspaces();
}
server.stop();

const b = median(bareTimes);
const row = (name: string, t: number) =>
  `${name.padEnd(6)} ${t.toFixed(2).padStart(6)} s   ${(t / b).toFixed(2)}x bare`;
console.log(`start-up, median of ${runs} runs (until AgentAPI answers /status):`);
console.log(row("bare", b));
console.log(row("warm", median(warmTimes)));
console.log(row("cold", median(coldTimes)));
console.log(`memory of AgentAPI + Claude after a module start: ${(rss / 1024).toFixed(0)} MiB RSS`);
