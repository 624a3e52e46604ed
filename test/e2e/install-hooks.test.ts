// pre_install_script and post_install_script: order, where they are written,
// their logs, and a failing hook stopping the start.

import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { modeOf } from "../lib/files.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { expectFailedStart } from "../lib/start-output.ts";
import { freePort } from "../lib/workspace.ts";

const e2e = useE2E();

/** Claude is in the image, so the start is quick; AgentAPI is still downloaded. */
const claudeInImage = preinstalled("claude");

describe("install hooks", () => {
  test("pre runs before any install, post after the installs and before Claude is configured or started", async () => {
    const port = await freePort();
    // Each hook records when it ran and what existed at that moment.
    const record = (name: string) => `
      set -u
      out="$HOME/${name}.marker"
      {
        echo "script=$0"
        echo "time=$(date +%s%N)"
        echo "agentapi=$(test -x "$HOME/.claude-module/bin/agentapi" && echo present || echo absent)"
        echo "claude=$(command -v claude >/dev/null && claude --version || echo absent)"
        echo "claude_json=$(test -e "$HOME/.claude.json" && echo present || echo absent)"
        echo "listening=$(curl -s -o /dev/null "http://127.0.0.1:${port}/status" && echo yes || echo no)"
        echo "umask=$(umask)"
      } >"$out"
      echo "${name} hook says hello"
    `;
    const { agent, moduleDir } = await e2e.workspace(
      {
        ...claudeInImage.inputs,
        agentapi_port: port,
        pre_install_script: record("pre"),
        post_install_script: record("post"),
      },
      claudeInImage.options,
    );
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    const marker = (name: string) =>
      Object.fromEntries(
        readFileSync(join(agent.home, `${name}.marker`), "utf8")
          .trim()
          .split("\n")
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
    const pre = marker("pre");
    const post = marker("post");

    expect(pre.script).toBe(join(moduleDir, "pre_install.sh"));
    expect(post.script).toBe(join(moduleDir, "post_install.sh"));
    expect(pre.agentapi).toBe("absent");
    expect(post.agentapi).toBe("present");
    expect(post.claude).toContain("Claude Code");
    expect(post.claude_json).toBe("absent");
    expect(post.listening).toBe("no");
    expect(BigInt(pre.time!)).toBeLessThan(BigInt(post.time!));
    // Files the hooks create get the usual permissions, not the module's private umask.
    expect(pre.umask).toBe("0022");
    // Configuration happened after post_install.
    expect(statSync(join(agent.home, ".claude.json")).mtimeMs * 1e6).toBeGreaterThan(Number(BigInt(post.time!)));

    expect(readFileSync(join(moduleDir, "pre_install.log"), "utf8")).toContain("pre hook says hello");
    expect(readFileSync(join(moduleDir, "post_install.log"), "utf8")).toContain("post hook says hello");
    // Also in the agent's log, in order.
    const out = run!.output;
    expect(out.indexOf("pre hook says hello")).toBeGreaterThan(-1);
    expect(out.indexOf("pre hook says hello")).toBeLessThan(out.indexOf("using existing Claude Code"));
    expect(out.indexOf("installed AgentAPI")).toBeLessThan(out.indexOf("post hook says hello"));
    expect(out.indexOf("post hook says hello")).toBeLessThan(out.indexOf("AgentAPI is ready"));
    expect(modeOf(join(moduleDir, "pre_install.sh"))).toBe(0o700);
  });

  test("a failing pre_install_script stops the start before anything is installed", async () => {
    const downloads = e2e.server.downloads();
    const { agent, moduleDir } = await e2e.workspace(
      { ...claudeInImage.inputs, pre_install_script: "echo 'no disk for you' >&2\nexit 3\n" },
      claudeInImage.options,
    );
    const [run] = await agent.start();
    expectFailedStart(run, "pre_install_script failed with exit status 3", join(moduleDir, "pre_install.log"), [
      "claude",
      "agentapi",
    ]);
    expect(readFileSync(join(moduleDir, "pre_install.log"), "utf8")).toContain("no disk for you");
    expect(e2e.server.downloads()).toBe(downloads);
    expect(existsSync(join(moduleDir, "install.log"))).toBe(false);
  });

  test("a failing post_install_script stops the start before Claude is configured or started", async () => {
    const { agent, moduleDir } = await e2e.workspace(
      { ...claudeInImage.inputs, post_install_script: "false" },
      claudeInImage.options,
    );
    const [run] = await agent.start();
    expectFailedStart(run, "post_install_script failed with exit status 1", join(moduleDir, "post_install.log"), []);
    expect(existsSync(join(agent.home, ".claude.json"))).toBe(false);
    expect(existsSync(join(moduleDir, "agentapi.pid"))).toBe(false);
  });

  test("without hooks no hook file or log is created", async () => {
    const { agent, moduleDir } = await e2e.workspace(claudeInImage.inputs, claudeInImage.options);
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    for (const f of ["pre_install.sh", "pre_install.log", "post_install.sh", "post_install.log"]) {
      expect(existsSync(join(moduleDir, f))).toBe(false);
    }
  });
});
