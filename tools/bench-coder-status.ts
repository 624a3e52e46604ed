// Status latency on a real Coder, for tools/bench.sh: from the line a Claude Code hook appends to
// ~/.claude-module/status/events to the same status in Coder's API (the workspace's Claude Code app),
// through the module's relay and the real `coder agent`. Each prompt goes to the real Claude through
// Coder's app proxy and AgentAPI, as from the chat; the model is the scripted Messages API endpoint
// (a double). Once without boundary and once with Claude jailed (landjail, release binary).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import {
  agentOf,
  coder,
  deleteWorkspace,
  deployment,
  homeOf,
  pushTemplate,
  uniqueName,
  workspaceView,
  type Deployment,
  type ModuleInputs,
} from "../test/lib/coder.ts";
import { readyAgent } from "../test/lib/coder-level.ts";
import { startScriptedModel, type ScriptedModel } from "../test/lib/model.ts";
import { waitFor } from "../test/lib/wait.ts";

const prompts = 5;

/** ms from each status line in the events file to Coder's API showing that status, over `prompts` turns. */
async function delays(
  d: Deployment,
  model: ScriptedModel,
  module: ModuleInputs,
  startSays: RegExp = /AgentAPI is ready/,
): Promise<number[]> {
  const template = await pushTemplate(d, uniqueName("bench-status"), {
    module: { workdir: "~/project", report_tasks: true, ...module },
    modelUrl: model.url,
    modelApiKey: model.apiKey,
  });
  const ws = uniqueName("bench");
  try {
    await coder(d, ["create", ws, "-t", template, "--yes"], { timeout: 300_000 });
    const { start } = await readyAgent(d, ws);
    if (!startSays.test(start)) throw new Error(`the start did not say ${startSays}:\n${start}`);
    const events = join(homeOf(d, ws), ".claude-module", "status", "events");
    const lines = () => (existsSync(events) ? readFileSync(events, "utf8").split("\n").slice(0, -1) : []);
    // When each line appeared, polled every 5 ms.
    const appended: { line: string; at: number }[] = [];
    const poll = setInterval(() => {
      for (const line of lines().slice(appended.length)) appended.push({ line, at: Date.now() });
    }, 5);
    // When Coder's API first showed each status ("state: message").
    const shown = new Map<string, number>();
    const statuses = async () => {
      const app = agentOf(await workspaceView(d, ws))?.apps.find((a) => a.slug === "ccw");
      const now = Date.now();
      for (const s of app?.statuses ?? [])
        if (!shown.has(`${s.state}: ${s.message}`)) shown.set(`${s.state}: ${s.message}`, now);
    };
    const app = `${d.url}/@admin/${ws}.main/apps/ccw`;
    const headers = { "Coder-Session-Token": d.token, "Content-Type": "application/json" };
    const from = lines().length;
    try {
      for (let i = 1; i <= prompts; i++) {
        const prompt = `Status bench ${i} ${randomUUID()}`;
        const answer = `Answered status bench ${i}.`;
        model.on(prompt, [{ text: answer }]);
        await waitFor(
          "AgentAPI to take the prompt through Coder's app proxy",
          async () => {
            const sent = await fetch(`${app}/message`, {
              method: "POST",
              headers,
              body: JSON.stringify({ type: "user", content: prompt }),
            });
            return sent.ok ? true : undefined;
          },
          120_000,
        );
        await waitFor(
          "Coder to show the turn complete",
          async () => {
            await statuses();
            return shown.has(`complete: ${answer}`) ? true : undefined;
          },
          120_000,
          10,
        );
      }
    } finally {
      clearInterval(poll);
    }
    return appended.slice(from).map(({ line, at }) => {
      const { state, message } = JSON.parse(line) as { state: string; message: string };
      const seen = shown.get(`${state}: ${message}`);
      if (seen === undefined) throw new Error(`Coder never showed the status ${line}`);
      return seen - at;
    });
  } finally {
    await deleteWorkspace(d, ws);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const describe = (xs: number[]) =>
  `median ${median(xs)} ms, max ${Math.max(...xs)} ms over ${xs.length} statuses (${xs.join(", ")} ms)`;

const d = deployment();
const model = startScriptedModel();
try {
  const plain = await delays(d, model, {});
  const jailed = await delays(
    d,
    model,
    {
      enable_boundary: true,
      use_boundary_directly: true,
      boundary_jail_type: "landjail",
      boundary_allowlist: ["domain=127.0.0.1"],
    },
    /boundary: +v\S+ \(release .*\), landjail/,
  );
  console.log(`status on Coder v${d.version}, hook's line to Coder's API (polled every ~10 ms):`);
  console.log(`  without boundary: ${describe(plain)}`);
  console.log(`  boundary (landjail): ${describe(jailed)}`);
} finally {
  model.stop();
}
