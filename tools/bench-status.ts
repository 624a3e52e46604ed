// Status figures for tools/bench.sh: how long a status takes from Claude Code's hook to the agent
// API (hooks append to ~/.claude-module/status/events; the relay sends each line), and how much
// each model request carries with status_source = "hooks" versus "model" (the coder MCP server's
// tool and its instructions). Real Claude Code, AgentAPI and coder CLI; the model is the scripted
// Messages API endpoint and the agent API a loopback recorder (both named doubles).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { modelEnv, startScriptedModel, type RecordedRequest, type ScriptedModel } from "../test/lib/model.ts";
import type { ReleaseServer } from "../test/lib/release-server.ts";
import { readyPort } from "../test/lib/start-output.ts";
import { waitFor } from "../test/lib/wait.ts";
import { disposeWorkspaces, workspace } from "../test/lib/workspace.ts";

interface Turns {
  /** ms from a status line appearing in the events file to the agent API receiving it. */
  delays: number[];
  /** The model request of the second prompt, when every MCP server has had time to connect. */
  request: RecordedRequest;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function twoTurns(server: ReleaseServer, model: ScriptedModel, source: "hooks" | "model"): Promise<Turns> {
  const arrivals: { status: string; at: number }[] = [];
  const agentApi = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      arrivals.push({ status: await req.text(), at: Date.now() });
      return new Response(null, { status: 204 });
    },
  });
  const first = `Status bench, first prompt (${source}) ${randomUUID()}`;
  const second = `Status bench, second prompt (${source}) ${randomUUID()}`;
  model.on(
    first,
    [{ tool: "Write", input: { file_path: "{cwd}/bench.txt", content: "bench\n" } }],
    [{ text: "Done." }],
  );
  model.on(second, [{ text: "Done again." }]);
  try {
    const ws = await workspace(
      server,
      { status_source: source, ai_prompt: first },
      {
        env: {
          ...modelEnv(model),
          CODER_AGENT_URL: `http://127.0.0.1:${agentApi.port}/`,
          CODER_AGENT_TOKEN: randomUUID(),
        },
      },
    );
    // When each line of the events file appeared, polled every 5 ms while the turns run.
    const events = join(ws.moduleDir, "status", "events");
    const appended: number[] = [];
    const poll = setInterval(() => {
      const lines = existsSync(events) ? readFileSync(events, "utf8").split("\n").length - 1 : 0;
      while (appended.length < lines) appended.push(Date.now());
    }, 5);
    try {
      const [run] = await ws.agent.start();
      if (run?.exitCode !== 0) throw new Error(`start failed:\n${run?.output}`);
      await model.waitForRequest((r) => r.lastUserText.includes(first), 120_000);
      await waitFor("the first turn to end", () => (existsSync(join(ws.workdir, "bench.txt")) ? true : undefined));
      const port = readyPort(run.output);
      await waitFor(
        "AgentAPI to take the second prompt",
        async () => {
          const sent = await fetch(`http://127.0.0.1:${port}/message`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ type: "user", content: second }),
          });
          return sent.ok ? true : undefined;
        },
        120_000,
      );
      const request = await model.waitForRequest((r) => r.lastUserText.includes(second), 120_000);
      if (source === "hooks") {
        await waitFor("the second turn's status", () =>
          arrivals.some((a) => a.status.includes("Done again.")) ? true : undefined,
        );
      }
      const delays = source === "hooks" ? arrivals.map((a, i) => a.at - (appended[i] ?? a.at)) : [];
      return { delays, request };
    } finally {
      clearInterval(poll);
    }
  } finally {
    disposeWorkspaces();
    agentApi.stop(true);
  }
}

function describeRequest(r: RecordedRequest): string {
  return `${JSON.stringify(r.body).length} bytes, ${(r.body?.tools ?? []).length} tools`;
}

/** The status figures, as lines to print. */
export async function statusFigures(server: ReleaseServer): Promise<string[]> {
  const model = startScriptedModel();
  try {
    const hooks = await twoTurns(server, model, "hooks");
    const byModel = await twoTurns(server, model, "model");
    const extra = JSON.stringify(byModel.request.body).length - JSON.stringify(hooks.request.body).length;
    const offered = (r: RecordedRequest) =>
      ((r.body?.tools ?? []) as { name: string }[]).some((t) => t.name.endsWith("coder_report_task"));
    return [
      `status from hooks, event written to agent API received: median ${median(hooks.delays)} ms, max ${Math.max(...hooks.delays)} ms (${hooks.delays.join(", ")} ms)`,
      `a model request with status_source = "hooks": ${describeRequest(hooks.request)}`,
      `a model request with status_source = "model": ${describeRequest(byModel.request)}`,
      `reporting through the model costs ${extra} more bytes on every request` +
        (offered(byModel.request) ? "" : " (its instructions only: the coder MCP server's tool was not offered here)"),
    ];
  } finally {
    model.stop();
  }
}
