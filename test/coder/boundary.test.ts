// Boundary (the release binary, landjail) in a real Coder: the start's preflight passes on the real
// agent, the jailed Claude reaches the model through boundary's proxy, and the task's status
// reaches Coder: Claude Code's hooks run in the jail and only write a file; the module's relay,
// outside the jail, sends it to the agent (the coder MCP server in the jail reaches neither
// AgentAPI nor, on loopback, the deployment). With Claude jailed, a failed turn and a permission
// prompt are reported as without boundary, and after a restart the resumed session too.

import { beforeAll, describe, expect, test } from "bun:test";
import { api, cli, coder, expr, tasksTf, uniqueName, waitBuild } from "../lib/coder.ts";
import { coderVersionLabel, readyAgent, useCoder } from "../lib/coder-level.ts";
import { answerYes, appStatuses, failedState, oneRetryTf, send, waitState } from "../lib/task-status.ts";
import { waitFor } from "../lib/wait.ts";

const level = useCoder();
let template: string;
let asks: string;

beforeAll(async () => {
  const module = {
    workdir: "~/project",
    ai_prompt: expr("data.coder_task.me.prompt"),
    enable_boundary: true,
    use_boundary_directly: true,
    boundary_jail_type: "landjail",
    boundary_allowlist: ["domain=127.0.0.1"],
  };
  [template, asks] = await Promise.all([
    level.push("boundary", { module, files: { "tasks.tf": tasksTf } }),
    // An explicit permission mode (a task's default skips permissions), and one retry of a failed call.
    level.push("boundary-ask", {
      module: { ...module, permission_mode: "default" },
      files: { "tasks.tf": tasksTf, "retries.tf": oneRetryTf },
    }),
  ]);
});

describe(`boundary on ${coderVersionLabel}`, () => {
  test("the task starts with Claude jailed, the prompt reaches the model through boundary's proxy, and the status reaches Coder", async () => {
    const prompt = `Jailed task ${uniqueName("p")}`;
    level.model.on(prompt, [{ text: "Done." }]);
    const { task, start } = await level.startTask(template, prompt);
    expect(start).toMatch(/boundary: +v\S+ \(release .*\), landjail/);
    await level.model.waitForRequest((r) => r.lastUserText.includes(prompt), 120_000);
    await waitFor("the jailed Claude's status to reach Coder", async () => {
      const view = await api<{ current_state: { state: string; message: string } | null }>(
        level.d,
        `/api/v2/tasks/admin/${task}`,
      );
      return view.current_state?.state === "complete" && view.current_state.message === "Done." ? true : undefined;
    });
  }, 600_000); // a task workspace build with boundary's preflight and a model turn

  test("with Claude jailed, a failed turn shows failure; a permission prompt shows idle until answered, then working and complete; a restart resumes", async () => {
    const { d, model } = level;
    const prompt = `Jailed and overloaded ${uniqueName("p")}`;
    model.on(prompt, [{ error: { status: 529, type: "overloaded_error", message: "Overloaded" } }]);
    const { task, ws } = await level.startTask(asks, prompt);
    const failure = await waitState(d, task, failedState(d));
    expect(failure).toMatch(/^server_error: API Error: 529 Overloaded/);

    const command = `Jailed command ${uniqueName("c")}`;
    model.on(
      command,
      [{ tool: "Bash", input: { command: "echo approved > ran.txt" } }],
      [{ text: "The command ran." }],
    );
    await send(d, task, command);
    expect(await waitState(d, task, "idle")).toBe("Claude needs your permission");
    await answerYes(d, ws);
    expect(await waitState(d, task, "complete")).toBe("The command ran.");
    expect(await appStatuses(d, ws)).toEqual([
      `working: ${prompt}`,
      `failure: ${failure}`,
      `working: ${command}`,
      "working: Using Bash",
      "idle: Claude needs your permission",
      "working: Continuing after Bash",
      "complete: The command ran.",
    ]);
    const file = await cli(d, ["ssh", ws, "--", "cat ~/project/ran.txt"]);
    expect(file.stdout).toBe("approved");

    // A stop and a start: the jailed Claude resumes the conversation, and its status still reaches Coder.
    await coder(d, ["stop", ws, "--yes"], { timeout: 180_000 });
    await waitBuild(d, ws, "stopped");
    await coder(d, ["start", ws, "--yes"], { timeout: 180_000 });
    await readyAgent(d, ws);
    const again = `Jailed after restart ${uniqueName("r")}`;
    model.on(again, [{ text: "Resumed in the jail." }]);
    await send(d, task, again);
    expect(await waitState(d, task, "complete")).toBe("Resumed in the jail.");
    const resumed = model.requests().find((r) => r.lastUserText.includes(again));
    expect(JSON.stringify(resumed?.body.messages)).toContain(command);
    expect((await appStatuses(d, ws)).slice(-2)).toEqual([`working: ${again}`, "complete: Resumed in the jail."]);
  }, 600_000); // a task workspace build with boundary's preflight, four model calls, a stop and a start
});
