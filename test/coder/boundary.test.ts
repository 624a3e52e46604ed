// Boundary (the release binary, landjail) in a real Coder: the start's preflight passes on the real
// agent, and the jailed Claude reaches the model through boundary's proxy. Not asserted: task status
// from inside the jail. AgentAPI's screen watcher never reaches AgentAPI from the jail; the model's
// own reports go over HTTP to the access URL on Coder < 2.36 (loopback here: Go never proxies it
// and Landlock refuses the direct connection) and through the agent's Unix socket on 2.36 (seen to
// arrive by hand, but not reliably under test yet).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  agentLogs,
  api,
  coder,
  deleteWorkspace,
  deployment,
  expr,
  pushTemplate,
  scriptOutput,
  tasksTf,
  uniqueName,
  waitAgent,
  type Deployment,
} from "../lib/coder.ts";
import { startScriptedModel, type ScriptedModel } from "../lib/model.ts";

let d: Deployment;
let model: ScriptedModel;
let template: string;
const workspaces: string[] = [];

beforeAll(async () => {
  d = deployment();
  model = startScriptedModel();
  template = await pushTemplate(d, uniqueName("boundary"), {
    module: {
      workdir: "~/project",
      ai_prompt: expr("data.coder_task.me.prompt"),
      enable_boundary: true,
      use_boundary_directly: true,
      boundary_jail_type: "landjail",
      boundary_allowlist: ["domain=127.0.0.1"],
    },
    files: { "tasks.tf": tasksTf },
    modelUrl: model.url,
    modelApiKey: model.apiKey,
  });
});

afterAll(async () => {
  for (const ws of workspaces) await deleteWorkspace(d, ws);
  model?.stop();
}, 600_000); // each deletion is a workspace build that stops an agent

describe(`boundary on Coder v${process.env.CODER_VERSION ?? "newest"}`, () => {
  test("the task starts with Claude jailed, and the prompt reaches the model through boundary's proxy", async () => {
    const prompt = `Jailed task ${uniqueName("p")}`;
    model.on(prompt, [{ text: "Done." }]);
    const task = uniqueName("task");
    await coder(d, ["task", "create", "--template", template, "--name", task, prompt], { timeout: 300_000 });
    const ws = (await api<{ workspace_name: string }>(d, `/api/v2/tasks/admin/${task}`)).workspace_name;
    workspaces.push(ws);
    const agent = await waitAgent(d, ws);
    const start = scriptOutput(await agentLogs(d, agent), "Claude Code");
    expect(agent.lifecycle_state, start).toBe("ready");
    expect(start).toMatch(/boundary: +v\S+ \(release .*\), landjail/);
    await model.waitForRequest((r) => r.lastUserText.includes(prompt), 120_000);
  }, 600_000); // a task workspace build with boundary's preflight and a model turn
});
