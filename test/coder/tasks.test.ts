// A Coder Task running the module, in a real Coder with the scripted model: the task's prompt
// reaches the model, Claude Code's hooks (the default) or the model's coder_report_task calls
// become the status Coder shows, `coder task send` reaches Claude, a stop leaves the conversation
// with Coder (the task's log snapshot, shown while the workspace is stopped), and a start resumes
// the conversation without re-sending the prompt or downloading anything.

import { beforeAll, describe, expect, test } from "bun:test";
import {
  agentOf,
  api,
  cli,
  coder,
  expr,
  mirrorRequests,
  storedTaskSnapshot,
  tasksTf,
  uniqueName,
  waitBuild,
  workspaceView,
} from "../lib/coder.ts";
import { coderVersionLabel, readyAgent, useCoder } from "../lib/coder-level.ts";
import { waitFor } from "../lib/wait.ts";

const level = useCoder();
let template: string;
let modelReports: string;
let oneRetry: string;
let asks: string;

/** Claude retries a failed model call 10 times by default, with growing pauses; once is enough to see it give up. */
const oneRetryTf = `
resource "coder_env" "max_retries" {
  agent_id = coder_agent.main.id
  name     = "CLAUDE_CODE_MAX_RETRIES"
  value    = "1"
}
`;

const report = (state: string, summary: string) => ({
  tool: "mcp__coder__coder_report_task",
  input: { state, summary, link: "" },
});

beforeAll(async () => {
  const module = {
    workdir: "~/project",
    ai_prompt: expr("data.coder_task.me.prompt"),
    task_id: expr("data.coder_task.me.id"),
  };
  [template, modelReports, oneRetry, asks] = await Promise.all([
    level.push("tasks", { module, files: { "tasks.tf": tasksTf } }),
    level.push("tasks-model", { module: { ...module, status_source: "model" }, files: { "tasks.tf": tasksTf } }),
    level.push("tasks-retry", { module, files: { "tasks.tf": tasksTf, "retries.tf": oneRetryTf } }),
    // An explicit permission mode: a task's default skips permissions, and Claude would never ask.
    level.push("tasks-ask", { module: { ...module, permission_mode: "default" }, files: { "tasks.tf": tasksTf } }),
  ]);
});

interface TaskView {
  id: string;
  status: string;
  workspace_name: string;
  current_state: { state: string; message: string } | null;
}

const taskStatus = (task: string) => api<TaskView>(level.d, `/api/v2/tasks/admin/${task}`);

interface TaskLog {
  type: "input" | "output";
  content: string;
}

/** The task's conversation Coder kept from the stop's log snapshot. From v2.36 Coder shows it as the
 * task's logs while the workspace is stopped; v2.30 stores it but reads its task logs only from the
 * live app, so there it is read from Coder's database. */
async function snapshotLogs(task: string): Promise<TaskLog[]> {
  if (Bun.semver.order(level.d.version, "2.36.0") >= 0) {
    const stopped = await waitFor("the task's logs from its snapshot", async () => {
      const r = await api<{ snapshot: boolean; logs: TaskLog[] }>(level.d, `/api/v2/tasks/admin/${task}/logs`).catch(
        () => undefined,
      );
      return r?.snapshot ? r : undefined;
    });
    return stopped.logs;
  }
  const stored = (await storedTaskSnapshot(level.d, (await taskStatus(task)).id)) as
    | { format: string; data: { messages: { role: string; content: string }[] } }
    | undefined;
  expect(stored?.format).toBe("agentapi");
  return (stored?.data.messages ?? []).map((m) => ({
    type: m.role === "user" ? "input" : "output",
    content: m.content,
  }));
}

/** Every status the module's app reported to Coder, oldest first, as "state: message" (the
 * dashboard's history; the API lists it newest first). */
const appStatuses = async (ws: string) =>
  (agentOf(await workspaceView(level.d, ws))?.apps.find((a) => a.slug === "ccw")?.statuses ?? [])
    .map((s) => `${s.state}: ${s.message}`)
    .reverse();

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

/** Waits until the task's current state is `state`; returns its message. */
const waitState = (task: string, state: string) => {
  let last = "";
  return waitFor(
    `task ${task} to show ${state}`,
    async () => {
      const current = (await taskStatus(task)).current_state;
      last = `${current?.state}: ${current?.message}`;
      return current?.state === state ? current.message : undefined;
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
      const r = await cli(level.d, ["task", "send", task, text]);
      if (r.exitCode === 0) return true;
      if (/not ready to accept input|must be "active"|is not running/i.test(r.all)) return undefined;
      throw new Error(`coder task send failed:\n${r.all}`);
    },
    120_000,
  );

describe(`Coder Tasks on ${coderVersionLabel}`, () => {
  test("the prompt drives Claude, Claude Code's hooks report the task's status, and a restart resumes", async () => {
    const { d, model } = level;
    const prompt = `Write hello.txt for task ${uniqueName("p")}`;
    model.on(
      prompt,
      [{ tool: "Write", input: { file_path: "{cwd}/hello.txt", content: "Hello from a Coder task\n" } }],
      [{ text: "hello.txt is written.\nIt says hello." }],
    );
    const { task, ws } = await level.startTask(template, prompt);

    // The prompt reached the model; the hooks reported the prompt, the tool and the reply's first line.
    await model.waitForRequest((r) => r.lastUserText.includes(prompt), 240_000);
    await waitDone(task, "hello.txt is written.");
    const statuses = await appStatuses(ws);
    expect(statuses).toContain(`working: ${prompt}`);
    expect(statuses).toContain("working: Using Write");
    const file = await cli(d, ["ssh", ws, "--", "cat ~/project/hello.txt"]);
    expect(file.stdout).toBe("Hello from a Coder task");

    // A message sent to the task reaches Claude, and its answer shows.
    const followUp = `Follow up ${uniqueName("f")}`;
    model.on(followUp, [{ text: "Answered the follow-up." }]);
    await send(task, followUp);
    await model.waitForRequest((r) => r.lastUserText.includes(followUp));
    await waitDone(task, "Answered the follow-up.");

    // Stop and start: the prompt is not sent again, nothing is downloaded, and the next message
    // goes to the same conversation.
    const promptRequests = () => model.requests().filter((r) => r.lastUserText.includes(prompt)).length;
    const sentBefore = promptRequests();
    const served = mirrorRequests(d).length;
    await coder(d, ["stop", ws, "--yes"], { timeout: 180_000 });
    await waitBuild(d, ws, "stopped");

    // Stopped, the task's conversation is the snapshot the stop script uploaded.
    const stopped = await snapshotLogs(task);
    expect(stopped.some((l) => l.type === "input" && l.content.includes(followUp))).toBe(true);
    expect(stopped.some((l) => l.type === "output" && l.content.includes("Answered the follow-up."))).toBe(true);

    await coder(d, ["start", ws, "--yes"], { timeout: 180_000 });
    await readyAgent(d, ws);
    expect(mirrorRequests(d).slice(served)).toEqual([]);

    const afterRestart = `After restart ${uniqueName("r")}`;
    model.on(afterRestart, [{ text: "Resumed." }]);
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
    await waitDone(task, "Resumed.");
  }, 600_000); // a task workspace build, three model turns, a stop and a start

  test("a turn whose every model call fails (529, its retry too) shows failure, naming the error", async () => {
    const { model } = level;
    const prompt = `Overloaded ${uniqueName("p")}`;
    model.on(prompt, [{ error: { status: 529, type: "overloaded_error", message: "Overloaded" } }]);
    const { task, ws } = await level.startTask(oneRetry, prompt);
    // Coder v2.36 shows the app's "failure" as the task's "failed"; v2.30 passes the app's state on as it is.
    const message = await waitState(task, Bun.semver.order(level.d.version, "2.36.0") >= 0 ? "failed" : "failure");
    expect(message).toMatch(/^server_error: API Error: 529 Overloaded/);
    expect(model.requests().filter((r) => r.lastUserText.includes(prompt))).toHaveLength(2);
    expect(await appStatuses(ws)).toEqual([`working: ${prompt}`, `failure: ${message}`]);
  }, 600_000); // a task workspace build and a failed turn

  test("a permission prompt shows idle until the user answers it in the chat; then working, then complete", async () => {
    const { d, model } = level;
    const prompt = `Run a command ${uniqueName("p")}`;
    model.on(prompt, [{ tool: "Bash", input: { command: "echo approved > ran.txt" } }], [{ text: "The command ran." }]);
    const { task, ws } = await level.startTask(asks, prompt);
    expect(await waitState(task, "idle")).toBe("Claude needs your permission");
    expect(await appStatuses(ws)).toEqual([
      `working: ${prompt}`,
      "working: Using Bash",
      "idle: Claude needs your permission",
    ]);

    // The answer goes the way the chat sends keys: through Coder's app proxy to AgentAPI's /message;
    // Enter picks the dialog's first choice, "Yes".
    const answer = await fetch(`${d.url}/@admin/${ws}.main/apps/ccw/message`, {
      method: "POST",
      headers: { "Coder-Session-Token": d.token, "Content-Type": "application/json" },
      body: JSON.stringify({ type: "raw", content: "\r" }),
    });
    expect(answer.status).toBe(200);
    expect(await waitState(task, "complete")).toBe("The command ran.");
    expect((await appStatuses(ws)).slice(3)).toEqual(["working: Continuing after Bash", "complete: The command ran."]);
    const file = await cli(d, ["ssh", ws, "--", "cat ~/project/ran.txt"]);
    expect(file.stdout).toBe("approved");
  }, 600_000); // a task workspace build and a turn of two steps

  test('status_source = "model": the model\'s coder_report_task calls become the status', async () => {
    const { model } = level;
    const prompt = `Report it yourself ${uniqueName("p")}`;
    model.on(
      prompt,
      [report("working", "Looking into it")],
      [report("complete", "Reported by the model")],
      [{ text: "Done." }],
    );
    const { task, ws } = await level.startTask(modelReports, prompt);
    await waitDone(task, "Reported by the model");
    expect(await appStatuses(ws)).toContain("working: Looking into it");
  }, 600_000); // a task workspace build and a model turn of three steps
});
