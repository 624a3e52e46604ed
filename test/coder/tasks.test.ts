// A Coder Task running the module, in a real Coder with the scripted model: the task's prompt
// reaches the model, the model's coder_report_task calls become the status Coder shows, `coder
// task send` reaches Claude, and a stop and start resumes the conversation without re-sending the
// prompt or downloading anything.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  agentLogs,
  agentOf,
  api,
  cli,
  coder,
  deleteWorkspace,
  deployment,
  expr,
  mirrorRequests,
  pushTemplate,
  scriptOutput,
  tasksTf,
  uniqueName,
  waitAgent,
  waitBuild,
  workspaceView,
  type Deployment,
} from "../lib/coder.ts";
import { startScriptedModel, type ScriptedModel } from "../lib/model.ts";
import { waitFor } from "../lib/wait.ts";

let d: Deployment;
let model: ScriptedModel;
let template: string;
const workspaces: string[] = [];

const report = (state: string, summary: string) => ({
  tool: "mcp__coder__coder_report_task",
  input: { state, summary, link: "" },
});

beforeAll(async () => {
  d = deployment();
  model = startScriptedModel();
  template = await pushTemplate(d, uniqueName("tasks"), {
    module: { workdir: "~/project", ai_prompt: expr("data.coder_task.me.prompt") },
    files: { "tasks.tf": tasksTf },
    modelUrl: model.url,
    modelApiKey: model.apiKey,
  });
});

afterAll(async () => {
  for (const ws of workspaces) await deleteWorkspace(d, ws);
  model?.stop();
}, 600_000); // each deletion is a workspace build that stops an agent

interface TaskView {
  status: string;
  workspace_name: string;
  current_state: { state: string; message: string } | null;
}

const taskStatus = (task: string) => api<TaskView>(d, `/api/v2/tasks/admin/${task}`);

/** Every status the module's app reported to Coder, as "state: message" (the dashboard's history). */
const appStatuses = async (ws: string) =>
  (agentOf(await workspaceView(d, ws))?.apps.find((a) => a.slug === "ccw")?.statuses ?? []).map(
    (s) => `${s.state}: ${s.message}`,
  );

/** Waits until the task is done with a turn: idle or complete, showing `message`. The coder MCP
 * server turns the model's "complete" into "idle" once AgentAPI's screen is stable. */
const waitDone = (task: string, message: string) => {
  let last = "";
  return waitFor(
    `task ${task} to show idle or complete with "${message}"`,
    async () => {
      const state = (await taskStatus(task)).current_state;
      last = `${state?.state}: ${state?.message}`;
      return ["idle", "complete"].includes(state?.state ?? "") && state?.message === message ? state : undefined;
    },
    180_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; it shows "${last}"`);
  });
};

/** `coder task send`, once the task takes input: Coder refuses input while Claude's screen is still
 * changing ("Task app is not ready to accept input"), and nothing is delivered then. */
const send = (task: string, text: string) =>
  waitFor(
    `task ${task} to take input`,
    async () => {
      const r = await cli(d, ["task", "send", task, text]);
      if (r.exitCode === 0) return true;
      if (/not ready to accept input|must be "active"|is not running/i.test(r.all)) return undefined;
      throw new Error(`coder task send failed:\n${r.all}`);
    },
    120_000,
  );

describe(`Coder Tasks on v${process.env.CODER_VERSION ?? "newest"}`, () => {
  test("the prompt drives Claude, the model's reports become the task's status, and a restart resumes", async () => {
    const prompt = `Write hello.txt for task ${uniqueName("p")}`;
    model.on(
      prompt,
      [report("working", "Writing hello.txt")],
      [{ tool: "Write", input: { file_path: "{cwd}/hello.txt", content: "Hello from a Coder task\n" } }],
      [report("complete", "Wrote hello.txt")],
      [{ text: "hello.txt is written." }],
    );
    const task = uniqueName("task");
    await coder(d, ["task", "create", "--template", template, "--name", task, prompt], { timeout: 300_000 });
    const created = await taskStatus(task);
    const ws = created.workspace_name;
    workspaces.push(ws);
    const ready = await waitAgent(d, ws);
    expect(ready.lifecycle_state, scriptOutput(await agentLogs(d, ready), "Claude Code")).toBe("ready");

    // The prompt reached the model, and the model's last report is what Coder shows.
    await model.waitForRequest((r) => r.lastUserText.includes(prompt), 240_000);
    await waitDone(task, "Wrote hello.txt");
    // The model's own "working" report reached Coder before the turn ended.
    expect(await appStatuses(ws)).toContain("working: Writing hello.txt");
    const file = await cli(d, ["ssh", ws, "--", "cat ~/project/hello.txt"]);
    expect(file.stdout).toBe("Hello from a Coder task");

    // A message sent to the task reaches Claude, and its report shows.
    const followUp = `Follow up ${uniqueName("f")}`;
    model.on(followUp, [report("complete", "Answered the follow-up")], [{ text: "Done." }]);
    await send(task, followUp);
    await model.waitForRequest((r) => r.lastUserText.includes(followUp));
    await waitDone(task, "Answered the follow-up");

    // Stop and start: the prompt is not sent again, nothing is downloaded, and the next message
    // goes to the same conversation.
    const promptRequests = () => model.requests().filter((r) => r.lastUserText.includes(prompt)).length;
    const sentBefore = promptRequests();
    const served = mirrorRequests(d).length;
    await coder(d, ["stop", ws, "--yes"], { timeout: 180_000 });
    await waitBuild(d, ws, "stopped");
    await coder(d, ["start", ws, "--yes"], { timeout: 180_000 });
    const agent = await waitAgent(d, ws);
    const start = scriptOutput(await agentLogs(d, agent), "Claude Code");
    expect(agent.lifecycle_state, start).toBe("ready");
    expect(mirrorRequests(d).slice(served)).toEqual([]);

    const afterRestart = `After restart ${uniqueName("r")}`;
    model.on(afterRestart, [report("complete", "Still here")], [{ text: "Resumed." }]);
    await waitFor(
      "the task to accept input again",
      async () => {
        const r = await cli(d, ["task", "send", task, afterRestart]);
        return r.exitCode === 0 ? true : undefined;
      },
      120_000,
    );
    const resumed = await model.waitForRequest((r) => r.lastUserText.includes(afterRestart));
    expect(JSON.stringify(resumed.body.messages)).toContain(followUp);
    expect(promptRequests()).toBe(sentBefore);
  }, 600_000); // a task workspace build, three model turns, a stop and a start
});
