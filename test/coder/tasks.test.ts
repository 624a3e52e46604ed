// A Coder Task running the module, in a real Coder with the scripted model: the task's prompt
// reaches the model, Claude Code's hooks (the default) or the model's coder_report_task calls
// become the status Coder shows, `coder task send` reaches Claude, a stop leaves the conversation
// with Coder (the task's log snapshot, shown while the workspace is stopped), and a start resumes
// the conversation without re-sending the prompt or downloading anything.

import { beforeAll, describe, expect, test } from "bun:test";
import { api, cli, coder, mirrorRequests, storedTaskSnapshot, tasksTf, uniqueName, waitBuild } from "../lib/coder.ts";
import { coderVersionLabel, readyAgent, useCoder } from "../lib/coder-level.ts";
import { answerYes, appStatuses, failedState, oneRetryTf, send, taskStatus, waitState } from "../lib/task-status.ts";
import { waitFor } from "../lib/wait.ts";

const level = useCoder();
let template: string;
let modelReports: string;
let oneRetry: string;
let asks: string;

const report = (state: string, summary: string) => ({
  tool: "mcp__coder__coder_report_task",
  input: { state, summary, link: "" },
});

beforeAll(async () => {
  // No ai_prompt, no task_id: the module reads the task's own (data.coder_task).
  const module = { workdir: "~/project" };
  [template, modelReports, oneRetry, asks] = await Promise.all([
    level.push("tasks", { module, files: { "tasks.tf": tasksTf } }),
    level.push("tasks-model", { module: { ...module, status_source: "model" }, files: { "tasks.tf": tasksTf } }),
    level.push("tasks-retry", { module, files: { "tasks.tf": tasksTf, "retries.tf": oneRetryTf } }),
    // An explicit permission mode: a task's default skips permissions, and Claude would never ask.
    level.push("tasks-ask", { module: { ...module, permission_mode: "default" }, files: { "tasks.tf": tasksTf } }),
  ]);
});

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
  const stored = (await storedTaskSnapshot(level.d, (await taskStatus(level.d, task)).id)) as
    | { format: string; data: { messages: { role: string; content: string }[] } }
    | undefined;
  expect(stored?.format).toBe("agentapi");
  return (stored?.data.messages ?? []).map((m) => ({
    type: m.role === "user" ? "input" : "output",
    content: m.content,
  }));
}

/** Waits until the task is done with a turn: idle or complete, showing `message`. The coder MCP
 * server turns the model's "complete" into "idle" once AgentAPI's screen is stable. */
const waitDone = (task: string, message: string) => {
  let last = "";
  return waitFor(
    `task ${task} to show idle or complete with "${message}"`,
    async () => {
      const state = (await taskStatus(level.d, task)).current_state;
      last = `${state?.state}: ${state?.message}`;
      return ["idle", "complete"].includes(state?.state ?? "") && state?.message === message ? state : undefined;
    },
    180_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; it shows "${last}"`);
  });
};

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
    const statuses = await appStatuses(level.d, ws);
    expect(statuses).toContain(`working: ${prompt}`);
    expect(statuses).toContain("working: Using Write");
    const file = await cli(d, ["ssh", ws, "--", "cat ~/project/hello.txt"]);
    expect(file.stdout).toBe("Hello from a Coder task");

    // A message sent to the task reaches Claude, and its answer shows.
    const followUp = `Follow up ${uniqueName("f")}`;
    model.on(followUp, [{ text: "Answered the follow-up." }]);
    await send(level.d, task, followUp);
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
    const message = await waitState(level.d, task, failedState(level.d));
    expect(message).toMatch(/^server_error: API Error: 529 Overloaded/);
    expect(model.requests().filter((r) => r.lastUserText.includes(prompt))).toHaveLength(2);
    expect(await appStatuses(level.d, ws)).toEqual([`working: ${prompt}`, `failure: ${message}`]);
  }, 600_000); // a task workspace build and a failed turn

  test("a permission prompt shows idle until the user answers it in the chat; then working, then complete", async () => {
    const { d, model } = level;
    const prompt = `Run a command ${uniqueName("p")}`;
    model.on(prompt, [{ tool: "Bash", input: { command: "echo approved > ran.txt" } }], [{ text: "The command ran." }]);
    const { task, ws } = await level.startTask(asks, prompt);
    expect(await waitState(level.d, task, "idle")).toBe("Claude needs your permission");
    expect(await appStatuses(level.d, ws)).toEqual([
      `working: ${prompt}`,
      "working: Using Bash",
      "idle: Claude needs your permission",
    ]);

    await answerYes(d, ws);
    expect(await waitState(level.d, task, "complete")).toBe("The command ran.");
    expect((await appStatuses(level.d, ws)).slice(3)).toEqual([
      "working: Continuing after Bash",
      "complete: The command ran.",
    ]);
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
    expect(await appStatuses(level.d, ws)).toContain("working: Looking into it");
  }, 600_000); // a task workspace build and a model turn of three steps
});
