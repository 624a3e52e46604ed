// Task mode: the coder CLI configures Claude to report status to Coder against the module's
// own AgentAPI port, and a failure there stops the start instead of passing silently.

import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { coderCalls, configureCalls } from "../lib/coder-double.ts";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { claudeUnderAgentapi, commandLines } from "../lib/processes.ts";
import { readyPort, exitOf } from "../lib/start-output.ts";

const e2e = useE2E();
const image = preinstalled("claude");

const userPrompt = "Prefer small commits.\nNever push to main.";

describe("report_tasks = true", () => {
  test('status_source = "model": coder exp mcp configure runs for the work dir with the module\'s slug, AgentAPI URL, prompt and CLAUDE.md path', async () => {
    const { agent, workdir, moduleDir } = await e2e.workspace(
      { ...image.inputs, system_prompt: userPrompt, claude_md_path: "~/notes/CLAUDE.md", status_source: "model" },
      image.options,
    );
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    const port = readyPort(run!.output);

    const calls = configureCalls(agent);
    expect(calls.map((c) => c.argv)).toEqual([["exp", "mcp", "configure", "claude-code", workdir]]);
    const env = calls[0]!.mcpEnv;
    expect(env.CODER_MCP_APP_STATUS_SLUG).toBe("ccw");
    expect(env.CODER_MCP_AI_AGENTAPI_URL).toBe(`http://localhost:${port}`);
    // The leading ~ is expanded here: the coder CLI would take it literally.
    expect(env.CODER_MCP_CLAUDE_MD_PATH).toBe(join(agent.home, "notes", "CLAUDE.md"));
    expect(env.CODER_MCP_CLAUDE_SYSTEM_PROMPT).toContain("coder_report_task");
    expect(env.CODER_MCP_CLAUDE_SYSTEM_PROMPT!.endsWith(`\n\n${userPrompt}`)).toBe(true);
    // The prompt is no coder_env: the agent would expand the `$`s in it for every terminal.
    expect(agent.env.CODER_MCP_CLAUDE_SYSTEM_PROMPT).toBeUndefined();
    expect(agent.env.CODER_MCP_CLAUDE_MD_PATH).toBe("~/notes/CLAUDE.md");

    // The coder MCP server Claude starts inherits this and offers only the status tool.
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.env.get("CODER_MCP_ALLOWED_TOOLS")).toBe("coder_report_task");
    expect(run?.output).toMatch(/mode: +task \(status reported as app 'ccw'\)\n/);

    // Restarted with the same inputs, what the CLI wrote stands (it writes no agent token, only what
    // the inputs say), so it is not run again.
    await agent.stop();
    const [again] = await agent.start();
    expect(again?.exitCode).toBe(0);
    expect(configureCalls(agent)).toHaveLength(1);
    expect(again?.output).toMatch(/claude\.json: +already set up\n/);
    expect(again?.output).toMatch(/mode: +task \(status reported as app 'ccw'\)\n/);
  });

  test("the coder CLI runs again when what it wrote changed (its ~/.claude.json entry, CLAUDE.md) or an input did", async () => {
    const first = await e2e.workspace({ ...image.inputs, system_prompt: userPrompt }, image.options);
    const { agent, workdir } = first;
    const claudeJson = join(agent.home, ".claude.json");
    const md = join(agent.home, ".claude", "CLAUDE.md");
    const restart = async () => {
      await agent.stop();
      const [run] = await agent.start();
      expect(exitOf(run)).toBe(0);
      return configureCalls(agent).length;
    };
    expect(exitOf((await agent.start())[0])).toBe(0);
    expect(configureCalls(agent)).toHaveLength(1);
    expect(await restart()).toBe(1);

    // The user removed the coder MCP server (claude mcp remove coder): it is configured again.
    const config = JSON.parse(readFileSync(claudeJson, "utf8"));
    delete config.projects[workdir].mcpServers.coder;
    writeFileSync(claudeJson, JSON.stringify(config, null, 2));
    expect(await restart()).toBe(2);
    expect(JSON.parse(readFileSync(claudeJson, "utf8")).projects[workdir].mcpServers.coder.args).toEqual([
      "exp",
      "mcp",
      "server",
    ]);

    // CLAUDE.md edited: the CLI puts its prompt block right again.
    writeFileSync(md, "# Mine\n");
    expect(await restart()).toBe(3);
    expect(readFileSync(md, "utf8")).toContain("Never push to main.");
    expect(await restart()).toBe(3);

    // Another input (a new build of the template) configures again.
    await agent.stop();
    const second = await e2e.workspace(
      { ...image.inputs, system_prompt: "Be brief.", workdir },
      { ...image.options, home: agent.home },
    );
    expect(exitOf((await second.agent.start())[0])).toBe(0);
    expect(configureCalls(second.agent)).toHaveLength(1);
    expect(readFileSync(md, "utf8")).toContain("Be brief.");
  });

  test("by default (status from hooks) the coder CLI gets no app slug and no AgentAPI to watch", async () => {
    const { agent } = await e2e.workspace({ ...image.inputs, system_prompt: userPrompt }, image.options);
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    const env = configureCalls(agent)[0]!.mcpEnv;
    expect(env.CODER_MCP_APP_STATUS_SLUG).toBeUndefined();
    expect(env.CODER_MCP_AI_AGENTAPI_URL).toBeUndefined();
    expect(env.CODER_MCP_CLAUDE_SYSTEM_PROMPT).toBe(userPrompt);
  });

  test("a failing coder exp mcp configure fails the start with a clear message, and AgentAPI is not started", async () => {
    const { agent } = await e2e.workspace(image.inputs, {
      ...image.options,
      env: { CODER_DOUBLE_FAIL: "exp mcp configure" },
    });
    const [run] = await agent.start();
    expect(run?.exitCode).not.toBe(0);
    expect(run?.output).toContain("ERROR: 'coder exp mcp configure claude-code' failed");
    expect(run?.output).toContain("set report_tasks = false");
    expect(run?.output).toContain("coder (test double): failing");
    expect(run?.output).not.toContain("AgentAPI is ready");
    expect(run?.output).not.toContain("summary:");
    expect(commandLines(agent).filter((c) => c.includes("agentapi"))).toEqual([]);
  });

  test("a system prompt block left by standalone mode is removed (the coder CLI writes its own); the user's lines stay", async () => {
    const md = "~/.claude/CLAUDE.md";
    const first = await e2e.workspace(
      { ...image.inputs, report_tasks: false, system_prompt: userPrompt, claude_md_path: md },
      image.options,
    );
    const mdFile = join(first.agent.home, ".claude", "CLAUDE.md");
    mkdirSync(join(first.agent.home, ".claude"), { recursive: true });
    writeFileSync(mdFile, "# My notes\nUse tabs.\n");
    expect((await first.agent.start())[0]?.exitCode).toBe(0);
    expect(readFileSync(mdFile, "utf8")).toContain(userPrompt);
    await first.agent.stop();

    const second = await e2e.workspace(
      {
        ...image.inputs,
        report_tasks: true,
        system_prompt: userPrompt,
        claude_md_path: md,
        workdir: first.workdir,
      },
      { ...image.options, home: first.agent.home },
    );
    const [run] = await second.agent.start();
    expect(run?.exitCode).toBe(0);
    const after = readFileSync(mdFile, "utf8");
    expect(after).toContain("# My notes\nUse tabs.");
    expect(after).not.toContain("claude-code module: system_prompt");
    // The prompt is now in the real coder CLI's own block.
    expect(after).toMatch(/<system-prompt>[\s\S]*Prefer small commits\.\nNever push to main\.[\s\S]*<\/system-prompt>/);
    expect(configureCalls(second.agent)).toHaveLength(1);
  });
});

describe("report_tasks = false", () => {
  test("the coder CLI is not called but for the script sync, and Claude's coder tools are not restricted", async () => {
    const { agent, moduleDir } = await e2e.workspace({ ...image.inputs, report_tasks: false }, image.options);
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    // The start marks its unit in the agent's script sync in every mode (the scripts output).
    expect(coderCalls(agent).filter((c) => c.argv.slice(0, 2).join(" ") !== "exp sync")).toEqual([]);
    expect((await claudeUnderAgentapi(moduleDir)).env.has("CODER_MCP_ALLOWED_TOOLS")).toBe(false);
    expect(run?.output).toMatch(/mode: +standalone\n/);
  });
});
