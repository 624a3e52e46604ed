// Which AgentAPI arguments keep the chat's history (chat_state_args), for each way main.tf can
// decide it, with an AgentAPI stand-in (a named double) that has or lacks --state-file.

import { describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quote } from "../../src/sh.ts";
import { probe } from "../lib/probe.ts";

const session = "0f8fad5b-d9cb-469f-a165-70867728950e";

/** chat_state_args run on its own; `help` is what the AgentAPI double prints for `server --help`. */
async function stateArgs(mode: string, help: string) {
  const home = mkdtempSync(join(tmpdir(), "claude-module-chat-"));
  try {
    const moduleDir = join(home, ".claude-module");
    mkdirSync(join(moduleDir, "bin"), { recursive: true });
    mkdirSync(join(moduleDir, "chat"));
    writeFileSync(join(moduleDir, "chat", "older-session.json"), "{}");
    const agentapi = join(moduleDir, "bin", "agentapi");
    writeFileSync(agentapi, `#!/bin/sh\ncat <<'EOF'\n${help}\nEOF\n`);
    chmodSync(agentapi, 0o755);
    const r = await probe(
      "test/unit/chat-state.test.ts",
      [
        `MODULE_DIR=${quote(moduleDir)} BIN_DIR=${quote(join(moduleDir, "bin"))}`,
        `SUMMARY_FILE=${quote(join(moduleDir, "summary.txt"))} SESSION_ID=${quote(session)}`,
        `ARG_STATE_PERSISTENCE=${quote(mode)}`,
        `chat_state_args`,
        `printf 'args:%s\\n' "\${STATE_ARGS[*]}"`,
      ].join("\n"),
    );
    return {
      exitCode: r.exitCode,
      out: r.stdout + r.stderr,
      args: /^args:(.*)$/m.exec(r.stdout)?.[1] ?? "",
      older: existsSync(join(moduleDir, "chat", "older-session.json")),
      chat: existsSync(join(moduleDir, "chat")),
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const withStateFile = "Flags:\n  -s, --state-file string   Path to file for saving/loading server state";
const without = "Flags:\n  -p, --port int   Port to serve on";

describe("chat_state_args", () => {
  test("on: the running session's state file, and other sessions' files removed", async () => {
    const r = await stateArgs("on", without);
    expect(r.exitCode).toBe(0);
    expect(r.args).toMatch(new RegExp(`^--state-file /.*/\\.claude-module/chat/${session}\\.json$`));
    expect(r.older).toBe(false);
  });

  test("check: an AgentAPI with --state-file keeps the chat", async () => {
    const r = await stateArgs("check", withStateFile);
    expect(r.exitCode).toBe(0);
    expect(r.args).toContain(`chat/${session}.json`);
  });

  test("check: an AgentAPI without it gets no state arguments and one clear line, not an error", async () => {
    const r = await stateArgs("check", without);
    expect(r.exitCode).toBe(0);
    expect(r.args).toBe("");
    expect(r.out).toContain("the chat history will not survive a restart: this AgentAPI has no --state-file");
    expect(r.out.trim().split("\n")).toHaveLength(2); // that line and the probe's args line
  });

  test("unsupported (a pinned AgentAPI before v0.12.0): the same line, without asking the binary", async () => {
    const r = await stateArgs("unsupported", withStateFile);
    expect(r.args).toBe("");
    expect(r.out).toContain("needs v0.12.0 or later");
  });

  test("off: no state arguments, and the kept history is removed", async () => {
    const r = await stateArgs("off", withStateFile);
    expect(r.args).toBe("");
    expect(r.chat).toBe(false);
  });
});
