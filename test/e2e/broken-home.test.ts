// A home the start cannot write as it needs: the start stops with a module error line that names
// the cause and the log, and a failed write leaves no temp file behind.

import { describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { scratchDir } from "../lib/scratch.ts";
import { expectFailedStart } from "../lib/start-output.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");

describe("a home the start cannot write", () => {
  test("a work dir that is a file: the start names it and what to change", async () => {
    const workdir = join(scratchDir("work"), "project");
    writeFileSync(workdir, "not a directory\n");
    const { agent } = await e2e.workspace({ ...image.inputs, workdir }, image.options);
    const [run] = await agent.start();
    expect(run?.exitCode).not.toBe(0);
    expect(run?.output).toContain(`the work dir ${workdir} exists but is not a directory; set workdir to a directory`);
    expect(run?.output).not.toContain("mkdir: ");
  });

  test("~/.claude-module is a file: the launcher names the dir it cannot write and what to change", async () => {
    const { agent, moduleDir } = await e2e.workspace(image.inputs, image.options);
    writeFileSync(moduleDir, "a file where the module's directory belongs\n");
    const [run] = await agent.start();
    expect(run?.exitCode).not.toBe(0);
    expect(run?.output).toContain(
      `claude-code: ERROR: cannot write ${join(moduleDir, "scripts")}, where this module keeps its scripts and logs; move away a file in its place`,
    );
    expect(run?.output).not.toContain("mkdir: ");
  });

  test("~/.claude is a file: the failed command gets a module error line naming its step and the log", async () => {
    const { agent, moduleDir } = await e2e.workspace(
      { ...image.inputs, report_tasks: false, system_prompt: "Be brief." },
      image.options,
    );
    writeFileSync(join(agent.home, ".claude"), "a file where a directory belongs\n");
    const [run] = await agent.start();
    expectFailedStart(
      run,
      /ERROR: '.+' failed with exit status 1 in sync_prompt_block \(step configure_tasks\); the script stopped here/,
      join(moduleDir, "install.log"),
      [],
    );
  });

  test("a write that fails (a directory where the file goes) names the file and leaves no temp file", async () => {
    const { agent, moduleDir } = await e2e.workspace(
      { ...image.inputs, pre_install_script: "echo hook ran" },
      image.options,
    );
    const hook = join(moduleDir, "pre_install.sh");
    mkdirSync(join(hook, "in-the-way"), { recursive: true });
    const [run] = await agent.start();
    expectFailedStart(run, `could not replace ${hook}`, join(moduleDir, "pre_install.log"), []);
    expect(run?.output).not.toContain("hook ran");
    expect(readdirSync(moduleDir).filter((name) => name.includes(".tmp."))).toEqual([]);
  });
});
