// Session resume across restarts, with real Claude writing real transcripts.

import { describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { squash, waitForScreen } from "../lib/agentapi-screen.ts";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { claudeUnderAgentapi, splitSettings } from "../lib/processes.ts";
import { scratchDir } from "../lib/scratch.ts";
import { readyPort } from "../lib/start-output.ts";
import { sessionFiles, summaryOf, transcriptsOf, waitForTranscript } from "../lib/workspace-files.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The session id upstream hard-coded for every workspace. */
const upstreamConstant = "cd32e253-ca16-4fd3-9825-d837e74ae3c2";

/** The earlier turn on a resumed Claude's screen: its prompt, or (when that has scrolled away) the
 * answer Claude gave it without credentials. No prompt is sent on a resume, so either shows that
 * the conversation was loaded. */
const earlierTurnShown = (prompt: string) => (screen: string) =>
  screen.includes(squash(prompt)) || screen.includes("⎿Notloggedin·Pleaserun/login");

function workdirWithDotsUnderscoresAndSpaces(): string {
  const base = scratchDir("work");
  return join(base, "my.project_dir with spaces", "src.v2_x");
}

/** A transcript in the shape Claude 2.1.329 writes: a mode line, then messages carrying sessionId and cwd. */
function writeFixtureTranscript(home: string, folder: string, id: string, cwd: string): string {
  const dir = join(home, ".claude", "projects", folder);
  mkdirSync(dir, { recursive: true });
  const lines = [
    { type: "permission-mode", permissionMode: "default", sessionId: id },
    {
      parentUuid: null,
      isSidechain: false,
      type: "user",
      message: { role: "user", content: "earlier work" },
      uuid: randomUUID(),
      timestamp: "2026-01-01T00:00:00.000Z",
      userType: "external",
      entrypoint: "cli",
      cwd,
      sessionId: id,
      version: "2.1.329",
      gitBranch: "HEAD",
    },
  ];
  const file = join(dir, `${id}.jsonl`);
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n") + "\n", { mode: 0o600 });
  return file;
}

describe("task mode (report_tasks = true, continue = true)", () => {
  test("a module-owned id per work dir: --session-id first, then --resume, wherever Claude keeps the transcript", async () => {
    const prompt = "Fix the failing test";
    const workdir = workdirWithDotsUnderscoresAndSpaces();
    const { agent, moduleDir } = await e2e.workspace({ ...image.inputs, workdir, ai_prompt: prompt }, image.options);

    await agent.start();
    const [[stateFile, id]] = [...sessionFiles(moduleDir)] as [[string, string]];
    expect(id).toMatch(uuid);
    expect(id).not.toBe(upstreamConstant);
    const first = await claudeUnderAgentapi(moduleDir);
    expect(first.cwd).toBe(workdir);
    expect(first.args.slice(0, 2)).toEqual(["--session-id", id]);
    expect(first.args.slice(-2)).toEqual(["--", prompt]);
    expect(summaryOf(moduleDir)).toContain(`session:       new ${id}`);
    const transcript = await waitForTranscript(agent.home, id);
    await agent.stop();

    const [second] = await agent.start();
    expect(second?.exitCode).toBe(0);
    const resumed = await claudeUnderAgentapi(moduleDir);
    expect(resumed.args.slice(0, 2)).toEqual(["--resume", id]);
    expect(resumed.args).not.toContain("--");
    expect(summaryOf(moduleDir)).toContain(`session:       resumed ${id}`);
    // The earlier turn is on the screen: the conversation was loaded.
    await waitForScreen(readyPort(second!.output), earlierTurnShown(prompt));
    expect(resumed.alive()).toBe(true);
    await agent.stop();

    // A folder name Claude did not choose (other versions encode the path differently): still found.
    // And a torn last line, as a crash leaves it, does not make the conversation unusable.
    const elsewhere = join(dirname(dirname(transcript)), "-an-older-encoding-of-the-path");
    mkdirSync(elsewhere);
    renameSync(transcript, join(elsewhere, basename(transcript)));
    appendFileSync(join(elsewhere, basename(transcript)), '{"parentUuid":"x","type":"assistant","mess');
    const [third] = await agent.start();
    const again = await claudeUnderAgentapi(moduleDir);
    expect(again.args.slice(0, 2)).toEqual(["--resume", id]);
    await waitForScreen(readyPort(third!.output), earlierTurnShown(prompt));
    expect(again.alive()).toBe(true);
    await agent.stop();

    // Another work dir in the same home has a session of its own.
    const other = await e2e.workspace(
      { ...image.inputs, workdir: join(workdir, "other.dir"), ai_prompt: prompt },
      { ...image.options, home: agent.home },
    );
    await other.agent.start();
    const sessions = sessionFiles(moduleDir);
    expect(sessions.size).toBe(2);
    expect(sessions.get(stateFile)).toBe(id);
    const otherId = [...sessions.values()].find((v) => v !== id)!;
    expect(otherId).toMatch(uuid);
    expect((await claudeUnderAgentapi(moduleDir)).args.slice(0, 2)).toEqual(["--session-id", otherId]);
  });

  test("an empty or corrupt transcript is moved aside and reported, and a new session with a new id starts", async () => {
    const prompt = "Carry on";
    const { agent, moduleDir } = await e2e.workspace({ ...image.inputs, ai_prompt: prompt }, image.options);
    await agent.start();
    const [[, id]] = [...sessionFiles(moduleDir)] as [[string, string]];
    const transcript = await waitForTranscript(agent.home, id);
    await agent.stop();

    // A crash left the real transcript empty, and a broken copy sits in another project folder.
    writeFileSync(transcript, "");
    const brokenDir = join(agent.home, ".claude", "projects", "-broken");
    mkdirSync(brokenDir);
    const broken = `{"type":"user","sessionId":"${id}","message":{"role":"user","content":"trunc`;
    writeFileSync(join(brokenDir, `${id}.jsonl`), broken);

    const [run] = await agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain(`WARNING: the transcript of session ${id} is empty or unreadable`);
    const [[, newId]] = [...sessionFiles(moduleDir)] as [[string, string]];
    expect(newId).toMatch(uuid);
    expect(newId).not.toBe(id);
    const claude = await claudeUnderAgentapi(moduleDir);
    expect(claude.args.slice(0, 2)).toEqual(["--session-id", newId]);
    expect(claude.args.slice(-2)).toEqual(["--", prompt]);
    expect(summaryOf(moduleDir)).toContain(`session:       new ${newId} (the transcript of ${id} was unusable`);

    // Nothing was deleted: both files are renamed next to where they were, contents intact.
    expect(transcriptsOf(agent.home, id)).toEqual([]);
    const aside = (dir: string) => readdirSync(dir).filter((f) => f.startsWith(`${id}.jsonl.unusable-`));
    expect(aside(dirname(transcript))).toHaveLength(1);
    expect(readFileSync(join(dirname(transcript), aside(dirname(transcript))[0]!), "utf8")).toBe("");
    expect(aside(brokenDir)).toHaveLength(1);
    expect(readFileSync(join(brokenDir, aside(brokenDir)[0]!), "utf8")).toBe(broken);

    // Claude accepted the new id (it refuses --session-id for an id that has a transcript) and runs it.
    await waitForTranscript(agent.home, newId);
    expect(claude.alive()).toBe(true);
  });
});

describe("task mode: a session belongs to its task", () => {
  test("one kept before the task's id was known is adopted; a new task in the same work dir starts its own with its prompt", async () => {
    const prompt = "Write the haiku";
    const workdir = join(scratchDir("work"), "project");
    const [taskA, taskB] = [randomUUID(), randomUUID()];
    // Kept by an earlier module version, or on a Coder whose tasks had no id.
    const before = await e2e.workspace({ ...image.inputs, workdir, ai_prompt: prompt }, image.options);
    await before.agent.start();
    const [[stateFile, id]] = [...sessionFiles(before.moduleDir)] as [[string, string]];
    await waitForTranscript(before.agent.home, id);
    await before.agent.stop();
    const home = before.agent.home;
    const task = (taskId: string) =>
      e2e.workspace({ ...image.inputs, workdir, ai_prompt: prompt, task_id: taskId }, { ...image.options, home });

    const a = await task(taskA);
    await a.agent.start();
    expect((await claudeUnderAgentapi(a.moduleDir)).args.slice(0, 2)).toEqual(["--resume", id]);
    await a.agent.stop();

    // Task A was deleted and task B created with the same prompt; the home outlived A's workspace.
    const b = await task(taskB);
    const [run] = await b.agent.start();
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain(
      `this work dir's session ${id} belongs to task ${taskA}; task ${taskB} starts a session of its own`,
    );
    const newId = sessionFiles(b.moduleDir).get(stateFile)!;
    expect(newId).toMatch(uuid);
    expect(newId).not.toBe(id);
    const claude = await claudeUnderAgentapi(b.moduleDir);
    expect(claude.args.slice(0, 2)).toEqual(["--session-id", newId]);
    expect(claude.args.slice(-2)).toEqual(["--", prompt]);
    expect(summaryOf(b.moduleDir)).toContain(`session:       new ${newId} (task ${taskB}; ${id} was task ${taskA}'s)`);
    // Task A's conversation is left where it is.
    expect(transcriptsOf(home, id)).toHaveLength(1);
  });
});

describe("standalone (report_tasks = false)", () => {
  test("continue = true: a new session with the prompt, then --continue once this work dir has one", async () => {
    const prompt = "Explain this repository";
    const workdir = workdirWithDotsUnderscoresAndSpaces();
    const { agent, moduleDir } = await e2e.workspace(
      { ...image.inputs, workdir, report_tasks: false, ai_prompt: prompt },
      image.options,
    );
    // A newer session of another work dir does not count as this one's.
    writeFixtureTranscript(agent.home, "-somewhere-else", randomUUID(), "/somewhere/else");

    await agent.start();
    const first = splitSettings((await claudeUnderAgentapi(moduleDir)).args).args;
    expect(first).toHaveLength(4);
    expect(first[0]).toBe("--session-id");
    expect(first.slice(2)).toEqual(["--", prompt]);
    const id = first[1]!;
    expect(summaryOf(moduleDir)).toContain(`session:       new ${id} (no earlier session in the work dir)`);
    await waitForTranscript(agent.home, id);
    await agent.stop();

    const [again] = await agent.start();
    const second = await claudeUnderAgentapi(moduleDir);
    expect(splitSettings(second.args).args).toEqual(["--continue"]);
    expect(summaryOf(moduleDir)).toContain(`session:       continued the most recent in the work dir (${id})`);
    // The continued conversation is on Claude's screen, and Claude keeps running with it.
    await waitForScreen(readyPort(again!.output), (s) => s.includes(squash(prompt)));
    expect(second.alive()).toBe(true);
  });

  test("continue = false: every start is a new session with the prompt", async () => {
    const prompt = "Start over";
    const { agent, moduleDir } = await e2e.workspace(
      { ...image.inputs, report_tasks: false, continue: false, ai_prompt: prompt },
      image.options,
    );
    await agent.start();
    const first = await claudeUnderAgentapi(moduleDir);
    await waitForTranscript(agent.home, first.args[1]!);
    await agent.stop();

    await agent.start();
    const second = await claudeUnderAgentapi(moduleDir);
    expect(splitSettings(second.args).args).toEqual(["--session-id", second.args[1]!, "--", prompt]);
    expect(second.args[1]).toMatch(uuid);
    expect(second.args[1]).not.toBe(first.args[1]);
    expect(summaryOf(moduleDir)).toContain(`session:       new ${second.args[1]} (continue = false)`);
  });
});

describe("resume_session_id", () => {
  for (const reportTasks of [true, false]) {
    test(`resumes that session without the prompt (report_tasks = ${reportTasks})`, async () => {
      const id = randomUUID();
      const { agent, moduleDir, workdir } = await e2e.workspace(
        { ...image.inputs, report_tasks: reportTasks, resume_session_id: id, ai_prompt: "not again" },
        image.options,
      );
      writeFixtureTranscript(agent.home, "-fixture", id, workdir);

      const [run] = await agent.start();
      expect(run?.exitCode).toBe(0);
      const claude = await claudeUnderAgentapi(moduleDir);
      expect(claude.args.slice(0, 2)).toEqual(["--resume", id]);
      expect(claude.args).not.toContain("--");
      expect(summaryOf(moduleDir)).toContain(`session:       resumed ${id} (resume_session_id)`);
      // Claude found the conversation and shows it: without it, it exits with "No conversation found".
      await waitForScreen(readyPort(run!.output), (s) => s.includes("earlierwork"));
      expect(claude.alive()).toBe(true);
    });
  }

  test("without its transcript in the workspace, the start fails naming the cause", async () => {
    const id = randomUUID();
    const { agent, moduleDir } = await e2e.workspace({ ...image.inputs, resume_session_id: id }, image.options);
    const [run] = await agent.start();
    expect(run?.exitCode).not.toBe(0);
    expect(run?.output).toContain(`ERROR: resume_session_id ${id} has no transcript`);
    expect(run?.output).toContain(join(moduleDir, "agentapi-start.log"));
    expect(run?.output).not.toContain("AgentAPI is ready");
  });
});
