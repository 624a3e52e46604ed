// Boundary (the release binary, landjail) in a real Coder: the start's preflight passes on the real
// agent, the jailed Claude reaches the model through boundary's proxy, and the task's status
// reaches Coder: Claude Code's hooks run in the jail and only write a file; the module's relay,
// outside the jail, sends it to the agent (the coder MCP server in the jail reaches neither
// AgentAPI nor, on loopback, the deployment).

import { beforeAll, describe, expect, test } from "bun:test";
import { api, expr, tasksTf, uniqueName } from "../lib/coder.ts";
import { coderVersionLabel, useCoder } from "../lib/coder-level.ts";
import { waitFor } from "../lib/wait.ts";

const level = useCoder();
let template: string;

beforeAll(async () => {
  template = await level.push("boundary", {
    module: {
      workdir: "~/project",
      ai_prompt: expr("data.coder_task.me.prompt"),
      enable_boundary: true,
      use_boundary_directly: true,
      boundary_jail_type: "landjail",
      boundary_allowlist: ["domain=127.0.0.1"],
    },
    files: { "tasks.tf": tasksTf },
  });
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
});
