// The status hook Claude Code runs (src/sh/files/claude-status-hook.sh), fed hook events the way
// Claude feeds them (JSON on stdin): which app statuses it appends for the relay to send. The
// end-to-end and real-Coder tests show the events Claude really fires; here are the orders of
// events that take a minute of Claude's idleness to happen there.

import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { hostile } from "../lib/hostile.ts";
import { root } from "../lib/paths.ts";
import { probe } from "../lib/probe.ts";
import { scratchDir } from "../lib/scratch.ts";

/** A module directory holding the hook, as the start script lays it out; returns a runner. */
function hook() {
  const dir = scratchDir("status-hook");
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "status"));
  copyFileSync(join(root, "src", "sh", "files", "claude-status-hook.sh"), join(dir, "bin", "claude-status-hook"));
  writeFileSync(join(dir, "status", "app-slug"), "ccw\n");
  writeFileSync(join(dir, "status", "events"), "");
  return {
    async fire(event: Record<string, unknown>) {
      const r = await execa("bash", [join(dir, "bin", "claude-status-hook")], {
        input: JSON.stringify({ session_id: "s", cwd: dir, ...event }),
        reject: false,
      });
      // A hook's non-zero exit would show as an error in Claude, or (2) block the tool.
      expect(r.exitCode).toBe(0);
    },
    /** Every status appended so far, as "state: message". */
    statuses: () =>
      readFileSync(join(dir, "status", "events"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { state: string; message: string })
        .map((s) => `${s.state}: ${s.message}`),
  };
}

const idle = { hook_event_name: "Notification", notification_type: "idle_prompt", message: "Claude is waiting" };

describe("the status hook", () => {
  test("a failed turn stays a failure when Claude later sits idle; the next prompt is working again", async () => {
    const h = hook();
    await h.fire({ hook_event_name: "UserPromptSubmit", prompt: "Do it" });
    await h.fire({ hook_event_name: "StopFailure", error: "server_error", last_assistant_message: "API Error: 529" });
    await h.fire(idle);
    expect(h.statuses()).toEqual(["working: Do it", "failure: server_error: API Error: 529"]);
    await h.fire({ hook_event_name: "UserPromptSubmit", prompt: "Again" });
    await h.fire(idle);
    expect(h.statuses().slice(2)).toEqual(["working: Again", "idle: Waiting for input"]);
  });

  test("a finished turn stays complete with its summary when Claude later sits idle", async () => {
    const h = hook();
    await h.fire({ hook_event_name: "UserPromptSubmit", prompt: "Do it" });
    await h.fire({ hook_event_name: "Stop", last_assistant_message: "Done.\nDetails follow." });
    await h.fire(idle);
    expect(h.statuses()).toEqual(["working: Do it", "complete: Done."]);
  });

  test("an interrupted turn (no Stop fires) shows as waiting for input once Claude sits idle", async () => {
    const h = hook();
    await h.fire({ hook_event_name: "UserPromptSubmit", prompt: "Do it" });
    await h.fire(idle);
    expect(h.statuses()).toEqual(["working: Do it", "idle: Waiting for input"]);
  });

  test("a tool's end reports working only after a permission prompt", async () => {
    const h = hook();
    const bash = { tool_name: "Bash", tool_input: { command: "true" } };
    await h.fire({ hook_event_name: "PreToolUse", ...bash });
    await h.fire({ hook_event_name: "PostToolUse", ...bash });
    expect(h.statuses()).toEqual(["working: Using Bash"]);
    await h.fire({ hook_event_name: "PreToolUse", ...bash });
    await h.fire({
      hook_event_name: "Notification",
      notification_type: "permission_prompt",
      message: "Claude needs your permission",
    });
    await h.fire({ hook_event_name: "PostToolUseFailure", ...bash, error: "exit 1" });
    expect(h.statuses().slice(1)).toEqual([
      "working: Using Bash",
      "idle: Claude needs your permission",
      "working: Continuing after Bash",
    ]);
  });
});

describe("the hooks block in Claude's --settings (built by bash, without jq)", () => {
  const events = [
    "UserPromptSubmit",
    "PreToolUse",
    "PostToolUse",
    "PostToolUseFailure",
    "Notification",
    "Stop",
    "StopFailure",
  ];

  async function settings(bin: string, before: string) {
    const r = await probe("test/unit/status-hook.test.ts", `with_status_hooks\nprintf '%s' "\${FLAG_SETTINGS}"`, {
      INSTANCE_BIN: bin,
      FLAG_SETTINGS: before,
    });
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout) as { hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]> };
  }

  for (const name of hostile.filter((h) => !h.includes("/") && h !== "")) {
    test(`a hook directory named ${JSON.stringify(name)}: the command bash runs is the hook's path`, async () => {
      const bin = join("/tmp", name, "bin");
      const s = await settings(bin, "{}");
      expect(Object.keys(s.hooks)).toEqual(events);
      for (const entries of Object.values(s.hooks)) {
        const { command } = entries[0]!.hooks[0]!;
        const r = await execa("bash", ["-c", `printf '%s' ${command}`]);
        expect(r.stdout).toBe(join(bin, "claude-status-hook"));
      }
      expect(s.hooks.Notification![0]!.matcher).toBe("permission_prompt|idle_prompt");
    });
  }

  test("other settings stay beside it", async () => {
    const s = await settings("/home/coder/.claude-module/bin", '{"skipDangerousModePermissionPrompt":true}');
    expect(Object.keys(s)).toEqual(["skipDangerousModePermissionPrompt", "hooks"]);
  });
});
