// The initial prompt: delivered byte for byte, executed by nothing, and sent only when a session is new.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { claudeUnderAgentapi } from "../lib/processes.ts";
import { scratchDir } from "../lib/scratch.ts";
import { sessionFiles, summaryOf, waitForTranscript } from "../lib/workspace-files.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");

/** The one --settings pair: the consent to bypass permissions (with the module's status hooks). */
const consent = ["--settings", expect.stringContaining('"skipDangerousModePermissionPrompt":true')];

function sessionId(moduleDir: string): string {
  const ids = [...sessionFiles(moduleDir).values()];
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

/** Every file in the workspace home and what it holds, except what Claude writes itself
 * (~/.claude, ~/.claude.json) and what records a run (logs, the summary, the pids, the start lock naming the last start, the statuses sent). */
function snapshot(home: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const rel = relative(home, path);
      if (rel === ".claude" || rel.startsWith(".claude.json")) continue;
      if (/^\.claude-module\/(.*\.log|summary\.txt|agentapi\.pid|start\.lock|status\/(events|relay\.pid))$/.test(rel))
        continue;
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) out.set(rel, `-> ${readlinkSync(path)}`);
      else if (stat.isDirectory()) walk(path);
      else out.set(rel, `${stat.mode.toString(8)} ${createHash("sha256").update(readFileSync(path)).digest("hex")}`);
    }
  };
  walk(home);
  return out;
}

describe("hostile work dir and prompt", () => {
  test("reach Claude byte for byte (argv and cwd) and run nothing", async () => {
    const base = scratchDir("hostile");
    const marker = join(base, "pwned");
    const workdir = join(base, `it's "q" $(touch ${marker}-w) \`touch ${marker}-wb\` \${HOME}\nline 2`);
    const prompt = `say 'hi' "there" $(touch ${marker}-p) \`touch ${marker}-pb\` \${HOME}\n\tsecond -- --resume x\n`;
    const { agent, moduleDir } = await e2e.workspace({ ...image.inputs, workdir, ai_prompt: prompt }, image.options);

    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.cwd).toBe(workdir);
    expect(claude.args).toEqual([
      "--session-id",
      sessionId(moduleDir),
      "--dangerously-skip-permissions",
      ...consent,
      "--",
      prompt,
    ]);
    for (const suffix of ["-w", "-wb", "-p", "-pb"]) expect(existsSync(marker + suffix)).toBe(false);
    // The module never prints the prompt (AgentAPI's own "Running:" line in the 0600 agentapi-start.log does).
    expect(run?.output).not.toContain("second -- --resume");
    expect(readFileSync(join(moduleDir, "install.log"), "utf8")).not.toContain("second -- --resume");
  });
});

describe("a long prompt", () => {
  test("64 KB that compress badly (hex digits), about as much as fits the start script, reach Claude whole", async () => {
    const hex = Array.from({ length: 1000 }, (_, i) => createHash("sha256").update(String(i)).digest("hex")).join("");
    const prompt = `line 1: $(id) 'q' "d" \`x\` é\n${hex}\n\n`;
    const { agent, moduleDir } = await e2e.workspace({ ...image.inputs, ai_prompt: prompt }, image.options);
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.args.at(-1)).toBe(prompt);
  });
});

describe("the prompt is sent once", () => {
  test("on the first start of the task session, never on a resume; a warm restart changes no module file", async () => {
    const prompt = "Summarise the README";
    const { agent, moduleDir } = await e2e.workspace({ ...image.inputs, ai_prompt: prompt }, image.options);

    await agent.start();
    const id = sessionId(moduleDir);
    const first = await claudeUnderAgentapi(moduleDir);
    expect(first.args.slice(-2)).toEqual(["--", prompt]);
    // Claude received and recorded the prompt: nothing (such as a consent dialog) held it up.
    await waitForTranscript(agent.home, id);
    await agent.stop();

    const [second] = await agent.start();
    expect(second?.exitCode).toBe(0);
    const resumed = await claudeUnderAgentapi(moduleDir);
    expect(resumed.args).toEqual(["--resume", id, "--dangerously-skip-permissions", ...consent]);
    expect(summaryOf(moduleDir)).toContain(`session:       resumed ${id}`);
    expect(summaryOf(moduleDir)).toContain("prompt:        not sent");
    await agent.stop();

    const before = snapshot(agent.home);
    const [third] = await agent.start();
    expect(third?.exitCode).toBe(0);
    expect((await claudeUnderAgentapi(moduleDir)).args).toEqual(resumed.args);
    expect(snapshot(agent.home)).toEqual(before);
  });
});
