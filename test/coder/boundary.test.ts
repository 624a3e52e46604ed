// Boundary (the release binary, landjail) in a real Coder: the start's preflight passes on the real
// agent, and the jailed Claude reaches the model through boundary's proxy. Not asserted: task status
// from inside the jail. AgentAPI's screen watcher never reaches AgentAPI from the jail; the model's
// own reports go over HTTP to the access URL on Coder < 2.36 (loopback here: Go never proxies it
// and Landlock refuses the direct connection) and through the agent's Unix socket on 2.36 (seen to
// arrive by hand, but not reliably under test yet).

import { beforeAll, describe, expect, test } from "bun:test";
import { expr, tasksTf, uniqueName } from "../lib/coder.ts";
import { coderVersionLabel, useCoder } from "../lib/coder-level.ts";

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
  test("the task starts with Claude jailed, and the prompt reaches the model through boundary's proxy", async () => {
    const prompt = `Jailed task ${uniqueName("p")}`;
    level.model.on(prompt, [{ text: "Done." }]);
    const { start } = await level.startTask(template, prompt);
    expect(start).toMatch(/boundary: +v\S+ \(release .*\), landjail/);
    await level.model.waitForRequest((r) => r.lastUserText.includes(prompt), 120_000);
  }, 600_000); // a task workspace build with boundary's preflight and a model turn
});
