// Standalone mode (report_tasks = false): ~/.claude.json is seeded whatever the auth method,
// merged and never clobbered, and the template's system prompt reaches Claude through a
// marked block of CLAUDE.md that the module alone maintains.

import { describe, expect, test } from "bun:test";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { modeOf } from "../lib/files.ts";
import { preinstalled } from "../lib/preinstalled.ts";

const e2e = useE2E();
const image = preinstalled("claude");

const standalone = { ...image.inputs, report_tasks: false } as const;
const begin = "<!-- claude-code module: system_prompt begin (replaced on every start; edit the template instead) -->";
const end = "<!-- claude-code module: system_prompt end -->";

/** A home directory prepared before the first start (the agent's HOME is created by LocalAgent). */
async function standaloneWorkspace(inputs: Record<string, string | boolean>, prepare: (home: string) => void) {
  const ws = await e2e.workspace({ ...standalone, ...inputs }, image.options);
  prepare(ws.agent.home);
  return ws;
}

describe("~/.claude.json", () => {
  test("an existing file is merged: the user's keys, projects and MCP servers survive, its mode is kept", async () => {
    const { agent, workdir } = await standaloneWorkspace(
      { claude_code_oauth_token: "sk-ant-oat01-standalone" },
      (home) => {
        writeFileSync(
          join(home, ".claude.json"),
          JSON.stringify({
            theme: "light",
            numStartups: 7,
            mcpServers: { mine: { command: "my-global-tool" } },
            projects: { "/home/other": { allowedTools: ["Bash"], mcpServers: { theirs: { command: "x" } } } },
          }),
        );
        chmodSync(join(home, ".claude.json"), 0o640);
      },
    );
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    const file = join(agent.home, ".claude.json");
    const config = JSON.parse(readFileSync(file, "utf8"));
    expect(config.theme).toBe("light");
    expect(config.mcpServers).toEqual({ mine: { command: "my-global-tool" } });
    expect(config.projects["/home/other"]).toEqual({
      allowedTools: ["Bash"],
      mcpServers: { theirs: { command: "x" } },
    });
    expect(config.hasCompletedOnboarding).toBe(true);
    expect(config.projects[workdir].hasTrustDialogAccepted).toBe(true);
    expect(modeOf(file)).toBe(0o640);
    expect(run?.output).toMatch(/auth: +oauth token\n/);
  });

  test("a new file is private (0600)", async () => {
    const { agent, workdir } = await standaloneWorkspace({}, () => {});
    expect((await agent.start())[0]?.exitCode).toBe(0);
    const file = join(agent.home, ".claude.json");
    expect(modeOf(file)).toBe(0o600);
    expect(JSON.parse(readFileSync(file, "utf8")).projects[workdir].hasTrustDialogAccepted).toBe(true);
  });

  test("a blank file (e.g. created by an image) is seeded like a missing one", async () => {
    const { agent, workdir } = await standaloneWorkspace({}, (home) => {
      writeFileSync(join(home, ".claude.json"), "\n", { mode: 0o600 });
    });
    expect((await agent.start())[0]?.exitCode).toBe(0);
    const config = JSON.parse(readFileSync(join(agent.home, ".claude.json"), "utf8"));
    expect(config.hasCompletedOnboarding).toBe(true);
    expect(config.projects[workdir].hasTrustDialogAccepted).toBe(true);
  });

  test("a symlinked file is written through the link, which stays a link", async () => {
    let target = "";
    const { agent } = await standaloneWorkspace({}, (home) => {
      mkdirSync(join(home, "persist"));
      target = join(home, "persist", "claude.json");
      writeFileSync(target, JSON.stringify({ userKey: 1 }));
      symlinkSync(target, join(home, ".claude.json"));
    });
    expect((await agent.start())[0]?.exitCode).toBe(0);
    expect(lstatSync(join(agent.home, ".claude.json")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(agent.home, ".claude.json"))).toBe(target);
    const config = JSON.parse(readFileSync(target, "utf8"));
    expect(config.userKey).toBe(1);
    expect(config.hasCompletedOnboarding).toBe(true);
  });

  test("a malformed file is left byte for byte as it was, with a message saying so; the start goes on", async () => {
    const broken = '{"theme": "dark", "projects": {';
    const { agent } = await standaloneWorkspace({}, (home) => writeFileSync(join(home, ".claude.json"), broken));
    const [run] = await agent.start();
    expect(run?.output).toContain("is not valid JSON");
    expect(run?.output).toContain("left it untouched");
    expect(run?.exitCode).toBe(0);
    expect(readFileSync(join(agent.home, ".claude.json"), "utf8")).toBe(broken);
    const installLog = readFileSync(join(agent.home, ".claude-module", "install.log"), "utf8");
    expect(installLog).not.toContain("marked onboarding done");
    expect(run?.output).toMatch(/claude\.json: +malformed, left untouched\n/);
  });

  test("two JSON documents in one file (a torn write) count as malformed: left as they were, not reported as set up", async () => {
    const torn = '{"theme": "dark"}{"numStartups": 3}\n';
    const { agent } = await standaloneWorkspace({}, (home) => writeFileSync(join(home, ".claude.json"), torn));
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(readFileSync(join(agent.home, ".claude.json"), "utf8")).toBe(torn);
    expect(run?.output).toContain("is not valid JSON");
    expect(run?.output).toMatch(/claude\.json: +malformed, left untouched\n/);
    expect(run?.output).not.toContain("work dir trust");
  });
});

describe("system_prompt in standalone mode", () => {
  test("goes into a marked CLAUDE.md block at claude_md_path; the user's lines and the file's mode are kept", async () => {
    const { agent } = await standaloneWorkspace(
      { system_prompt: "Answer in French.\nKeep diffs small.\n", claude_md_path: "$HOME/.claude/CLAUDE.md" },
      (home) => {
        mkdirSync(join(home, ".claude"));
        writeFileSync(join(home, ".claude", "CLAUDE.md"), "# Mine\n\nUse tabs.");
        chmodSync(join(home, ".claude", "CLAUDE.md"), 0o644);
      },
    );
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    const file = join(agent.home, ".claude", "CLAUDE.md");
    expect(readFileSync(file, "utf8")).toBe(
      `# Mine\n\nUse tabs.\n\n${begin}\nAnswer in French.\nKeep diffs small.\n${end}\n`,
    );
    expect(modeOf(file)).toBe(0o644);
    // Only the template's prompt: the task-reporting instructions are for task mode.
    expect(readFileSync(file, "utf8")).not.toContain("coder_report_task");
    expect(run?.output).toMatch(/system prompt: +in .*CLAUDE\.md \(updated\)\n/);
  });

  // A "$" is refused at plan time (the agent would expand it in CODER_MCP_CLAUDE_MD_PATH).
  test("a ~ path is expanded literally (nothing else in it runs) and a new CLAUDE.md is private", async () => {
    const { agent } = await standaloneWorkspace(
      { system_prompt: "Be brief.", claude_md_path: "~/odd `touch pwned`; dir/CLAUDE.md" },
      () => {},
    );
    expect((await agent.start())[0]?.exitCode).toBe(0);
    const file = join(agent.home, "odd `touch pwned`; dir", "CLAUDE.md");
    expect(readFileSync(file, "utf8")).toBe(`${begin}\nBe brief.\n${end}\n`);
    expect(modeOf(file)).toBe(0o600);
    expect(existsSync(join(agent.home, "pwned"))).toBe(false);
  });

  test("a changed prompt replaces the block in place, a removed one removes it; user lines on both sides stay", async () => {
    const first = await standaloneWorkspace({ system_prompt: "Version one." }, (home) => {
      mkdirSync(join(home, ".claude"));
      writeFileSync(
        join(home, ".claude", "CLAUDE.md"),
        `# Top\n\n${begin}\nstale text\n${end}\n\n# Bottom, added by the user later\n`,
      );
    });
    const file = join(first.agent.home, ".claude", "CLAUDE.md");
    expect((await first.agent.start())[0]?.exitCode).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(
      `# Top\n\n${begin}\nVersion one.\n${end}\n\n# Bottom, added by the user later\n`,
    );
    await first.agent.stop();

    const later = (inputs: Record<string, string | boolean>) =>
      e2e.workspace({ ...standalone, workdir: first.workdir, ...inputs }, { ...image.options, home: first.agent.home });
    const second = await later({ system_prompt: "Version two." });
    expect((await second.agent.start())[0]?.exitCode).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(
      `# Top\n\n${begin}\nVersion two.\n${end}\n\n# Bottom, added by the user later\n`,
    );
    await second.agent.stop();

    const third = await later({});
    expect((await third.agent.start())[0]?.exitCode).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(`# Top\n\n# Bottom, added by the user later\n`);
  });

  test("a begin marker without its end leaves the file untouched, with a message", async () => {
    const damaged = `# Mine\n${begin}\nhalf a block\n`;
    const { agent } = await standaloneWorkspace({ system_prompt: "New." }, (home) => {
      mkdirSync(join(home, ".claude"));
      writeFileSync(join(home, ".claude", "CLAUDE.md"), damaged);
    });
    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain("has the module's begin marker but no end marker; left it untouched");
    expect(readFileSync(join(agent.home, ".claude", "CLAUDE.md"), "utf8")).toBe(damaged);
  });
});

describe("warm restart", () => {
  test("nothing changed: neither ~/.claude.json nor CLAUDE.md is rewritten by the module", async () => {
    const { agent } = await standaloneWorkspace(
      { system_prompt: "Stay calm.", claude_api_key: "sk-ant-api03-warm" },
      () => {},
    );
    expect((await agent.start())[0]?.exitCode).toBe(0);
    await agent.stop();
    const md = join(agent.home, ".claude", "CLAUDE.md");
    const before = statSync(md);
    const logBefore = readFileSync(join(agent.home, ".claude-module", "install.log"), "utf8");

    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    const after = statSync(md);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(run?.output).toMatch(/claude\.json: +already set up\n/);
    expect(run?.output).toMatch(/system prompt: +in .*CLAUDE\.md \(unchanged\)\n/);
    const secondRun = readFileSync(join(agent.home, ".claude-module", "install.log"), "utf8").slice(logBefore.length);
    expect(secondRun).not.toContain("marked onboarding done");
    expect(secondRun).not.toContain("updated the system prompt block");
  });
});
