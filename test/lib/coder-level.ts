// The set-up every real-Coder test file shares: the deployment, a scripted model for its
// templates, and every workspace the file creates deleted after its tests.

import { afterAll, beforeAll } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  agentLogs,
  api,
  coder,
  deleteWorkspace,
  deployment,
  homeOf,
  pushTemplate,
  scriptOutput,
  uniqueName,
  waitAgent,
  type Agent,
  type Deployment,
  type TemplateSpec,
} from "./coder.ts";
import { startScriptedModel, type ScriptedModel } from "./model.ts";
import { waitFor } from "./wait.ts";

export interface CoderLevel {
  /** The deployment (set in beforeAll). */
  readonly d: Deployment;
  /** The scripted model the file's templates talk to (set in beforeAll). */
  readonly model: ScriptedModel;
  /** Pushes a template named after `name`, its Claude pointed at the model; returns its name. */
  push(name: string, spec?: Omit<TemplateSpec, "modelUrl" | "modelApiKey">): Promise<string>;
  /** Creates a workspace of `template` (deleted after the file's tests); returns its name. */
  create(template: string): Promise<string>;
  /** create(), then waits (up to agentTimeoutMs) for its agent: ready, with the start script's output. */
  start(template: string, agentTimeoutMs?: number): Promise<{ ws: string; agent: Agent; start: string }>;
  /** `coder task create` with `prompt` (its workspace deleted after the file's tests), then waits for
   * the task's agent: ready, with the start script's output. */
  startTask(
    template: string,
    prompt: string,
    agentTimeoutMs?: number,
  ): Promise<{ task: string; ws: string; agent: Agent; start: string }>;
}

export const coderVersionLabel = `Coder v${process.env.CODER_VERSION ?? "newest"}`;

/** Call at the top of a test/coder file. */
export function useCoder(): CoderLevel {
  let d: Deployment | undefined;
  let model: ScriptedModel | undefined;
  const workspaces: string[] = [];
  beforeAll(() => {
    d = deployment();
    model = startScriptedModel();
  });
  afterAll(async () => {
    for (const ws of workspaces) await deleteWorkspace(d!, ws);
    model?.stop();
  }, 600_000); // each deletion is a workspace build that stops an agent
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the deployment is set up in beforeAll: use it inside a test or hook");
    return value;
  };
  const level: CoderLevel = {
    get d() {
      return ready(d);
    },
    get model() {
      return ready(model);
    },
    push: (name, spec = {}) =>
      pushTemplate(level.d, uniqueName(name), { ...spec, modelUrl: level.model.url, modelApiKey: level.model.apiKey }),
    async create(template) {
      const ws = uniqueName("ws");
      workspaces.push(ws);
      await coder(level.d, ["create", ws, "-t", template, "--yes"], { timeout: 300_000 });
      return ws;
    },
    async start(template, agentTimeoutMs) {
      const ws = await level.create(template);
      return { ws, ...(await readyAgent(level.d, ws, agentTimeoutMs)) };
    },
    async startTask(template, prompt, agentTimeoutMs) {
      const task = uniqueName("task");
      await coder(level.d, ["task", "create", "--template", template, "--name", task, prompt], { timeout: 300_000 });
      const ws = (await api<{ workspace_name: string }>(level.d, `/api/v2/tasks/admin/${task}`)).workspace_name;
      workspaces.push(ws);
      return { task, ws, ...(await readyAgent(level.d, ws, agentTimeoutMs)) };
    },
  };
  return level;
}

/** Waits for the workspace's agent and requires it ready, showing the start script's output if not. */
export async function readyAgent(
  d: Deployment,
  ws: string,
  timeoutMs?: number,
): Promise<{ agent: Agent; start: string }> {
  const agent = await waitAgent(d, ws, timeoutMs);
  if (agent.lifecycle_state !== "ready") {
    // The start script's output is what explains an agent that is not ready.
    const start = scriptOutput(await agentLogs(d, agent), "Claude Code");
    throw new Error(`the agent of ${ws} is ${agent.lifecycle_state}; the start script said:\n${start}`);
  }
  // The agent is ready once its scripts have exited, but it sends their output to Coder in batches
  // (on a loaded machine, after the lifecycle): wait until Coder has the start's output up to the
  // summary's last line, as the start left it in summary.txt.
  const summary = join(homeOf(d, ws), ".claude-module", "summary.txt");
  const last = existsSync(summary) ? (readFileSync(summary, "utf8").trimEnd().split("\n").at(-1) ?? "") : "";
  const start = await waitFor(
    `Coder to have the start script's output of ${ws} up to its summary`,
    async () => {
      const output = scriptOutput(await agentLogs(d, agent), "Claude Code");
      return output.includes("summary:") && output.includes(last) ? output : undefined;
    },
    60_000,
  );
  return { agent, start };
}
