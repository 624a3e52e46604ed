// Permission flags and tool rules, as Claude receives them (/proc/<pid>/cmdline) and acts on them.

import { describe, expect, test } from "bun:test";
import { coderCalls } from "../lib/coder-double.ts";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { claudeUnderAgentapi, splitSettings } from "../lib/processes.ts";
import type { Inputs } from "../lib/terraform.ts";
import { summaryOf, waitForTranscript } from "../lib/workspace-files.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");

const prompt = "List the files";
const asRoot = process.getuid?.() === 0;

/** Starts a workspace and returns the arguments after Claude's session arguments, once Claude has
 * recorded the prompt (so nothing, such as a dialog or a rejected flag, stopped it). */
async function started(inputs: Inputs) {
  const { agent, moduleDir } = await e2e.workspace({ ...image.inputs, ai_prompt: prompt, ...inputs }, image.options);
  const [run] = await agent.start();
  expect(run?.exitCode).toBe(0);
  const claude = await claudeUnderAgentapi(moduleDir);
  expect(claude.args[0]).toBe("--session-id");
  expect(claude.args.slice(-2)).toEqual(["--", prompt]);
  await waitForTranscript(agent.home, claude.args[1]!);
  expect(claude.alive()).toBe(true);
  const { args: rest, settings } = splitSettings(claude.args.slice(2, -2));
  // The module's status hooks come with every start (status_source defaults to hooks).
  expect(Object.keys((settings.hooks ?? {}) as object)).toContain("Stop");
  return { agent, moduleDir, claude, rest, consent: settings.skipDangerousModePermissionPrompt === true };
}

describe("permissions", () => {
  test("task mode without permission_mode runs unattended: permissions skipped, consent given", async () => {
    const { claude, rest, moduleDir, consent } = await started({});
    expect(rest).toEqual(["--dangerously-skip-permissions"]);
    expect(consent).toBe(true);
    expect(summaryOf(moduleDir)).toContain("permissions:   skipped (the task default");
    // Claude refuses to bypass permissions as root unless IS_SANDBOX=1.
    if (asRoot) expect(claude.env.get("IS_SANDBOX")).toBe("1");
  });

  test("task mode keeps an explicit permission_mode: no skip flag is added", async () => {
    const { rest, claude, moduleDir, consent } = await started({ permission_mode: "plan" });
    expect(rest).toEqual(["--permission-mode", "plan"]);
    expect(consent).toBe(false);
    expect(claude.env.has("IS_SANDBOX")).toBe(false);
    expect(summaryOf(moduleDir)).toContain("permissions:   plan (permission_mode)");
  });

  test('upstream\'s "default" mode reaches Claude as given and Claude accepts it', async () => {
    const { rest } = await started({ report_tasks: false, permission_mode: "default" });
    expect(rest).toEqual(["--permission-mode", "default"]);
  });

  test("standalone passes no permission flag unless asked", async () => {
    const { rest, moduleDir, consent } = await started({ report_tasks: false });
    expect(rest).toEqual([]);
    expect(consent).toBe(false);
    expect(summaryOf(moduleDir)).toContain("permissions:   Claude's default");
  });

  test("standalone with dangerously_skip_permissions skips permissions", async () => {
    const { rest, consent } = await started({ report_tasks: false, dangerously_skip_permissions: true });
    expect(rest).toEqual(["--dangerously-skip-permissions"]);
    expect(consent).toBe(true);
  });

  test("bypassPermissions as a permission_mode gets the same consent", async () => {
    const { rest, consent } = await started({ report_tasks: false, permission_mode: "bypassPermissions" });
    expect(rest).toEqual(["--permission-mode", "bypassPermissions"]);
    expect(consent).toBe(true);
  });
});

describe("allowed_tools and disallowed_tools", () => {
  test("reach Claude, one argument per rule (a rule may hold spaces), and never the coder CLI", async () => {
    // Task mode, where the module calls the coder CLI (exp mcp configure): the rules must stay out of that call.
    const { agent, rest, moduleDir } = await started({
      allowed_tools: "Read,Edit  Bash(git log:*)",
      disallowed_tools: "WebFetch, Bash(rm -rf:*)",
    });
    expect(rest).toEqual([
      "--dangerously-skip-permissions",
      "--allowedTools",
      "Read",
      "Edit",
      "Bash(git log:*)",
      "--disallowedTools",
      "WebFetch",
      "Bash(rm -rf:*)",
    ]);
    expect(summaryOf(moduleDir)).toContain("allowed tools: 3 rule(s)");

    // Neither the arguments nor the environment of any coder CLI call carries a rule.
    const calls = coderCalls(agent);
    const configure = calls.find((c) => c.argv.slice(0, 3).join(" ") === "exp mcp configure");
    expect(configure?.mcpEnv.CODER_MCP_ALLOWED_TOOLS).toBe("coder_report_task");
    const rules = ["Read", "Edit", "Bash(git log:*)", "WebFetch", "Bash(rm -rf:*)"];
    for (const call of calls) {
      expect(call.argv.filter((a) => rules.includes(a) || /allowedTools|disallowedTools/i.test(a))).toEqual([]);
      for (const value of Object.values(call.mcpEnv)) {
        expect(value).not.toMatch(/allowedTools|disallowedTools|WebFetch|Bash\(/i);
      }
    }
  });
});
