// The agent's script sync, where there is none (the local agent has no socket, as a Coder 2.30
// agent without CODER_AGENT_SOCKET_SERVER_ENABLED): a start that needs no ordering goes on and says
// so; one told to wait for a unit fails closed, naming the cause and the fix. The order itself is
// tested against a real Coder agent (test/coder/script-sync.test.ts).

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { exitOf, expectFailedStart } from "../lib/start-output.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");

describe("script sync without an agent socket", () => {
  test("no wait_for_scripts: the start succeeds and the summary says the sync is unavailable", async () => {
    const { agent } = await e2e.workspace({ ...image.inputs, report_tasks: false }, image.options);
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run!.output).toMatch(/script sync: +unavailable$/m);
    expect(agent.coderCalls()).toContainEqual(["exp", "sync", "start", "coder-claude-code-start_script"]);
  });

  test("wait_for_scripts: Claude is not started, and the error names the sync and the fix", async () => {
    const { agent, moduleDir } = await e2e.workspace(
      { ...image.inputs, report_tasks: false, wait_for_scripts: ["git-clone"] },
      image.options,
    );
    const [run] = await agent.start();
    expectFailedStart(
      run,
      "could not make Claude Code wait for 'git-clone': 'coder exp sync want' failed",
      join(moduleDir, "install.log"),
      [],
    );
    expect(run!.output).toContain("CODER_AGENT_SOCKET_SERVER_ENABLED=true");
    expect(run!.output).not.toContain("AgentAPI is ready");
  });
});
