// The scripted model endpoint (test/lib/model.ts): its answers in the Messages API's shapes, and the
// real Claude Code CLI (`claude -p`) driven by it: a text reply, a Write tool call, a resumed session.

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import {
  defaultFallback,
  modelEnv,
  scriptEndedText,
  sideRequestText,
  startScriptedModel,
  type RecordedRequest,
  type ScriptedModel,
} from "../lib/model.ts";
import { claudeBinary } from "../lib/paths.ts";
import { scratchDir } from "../lib/scratch.ts";

let model: ScriptedModel;
beforeAll(() => {
  model = startScriptedModel();
});
afterAll(() => model.stop());

/** One Server-Sent Event: its name and parsed data. */
type Event = { event: string; data: any };

function parseEvents(stream: string): Event[] {
  return stream
    .split("\n\n")
    .filter(Boolean)
    .map((chunk) => {
      const event = /^event: (.*)$/m.exec(chunk)?.[1] ?? "";
      const data = JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? "null");
      expect(data?.type).toBe(event);
      return { event, data };
    });
}

const user = (text: string) => ({ role: "user", content: [{ type: "text", text }] });
const assistant = (text: string) => ({ role: "assistant", content: [{ type: "text", text }] });
const toolResult = { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x", content: "ok" }] };
const tools = [{ name: "Bash", description: "runs a command", input_schema: { type: "object" } }];

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(model.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** The text of a streamed answer to `messages` (a request as Claude's main loop sends it). */
async function streamedText(messages: unknown[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await post("/v1/messages?beta=true", {
    model: "m",
    max_tokens: 1000,
    stream: true,
    tools,
    messages,
    ...extra,
  });
  expect(res.headers.get("content-type")).toBe("text/event-stream");
  return parseEvents(await res.text())
    .filter((e) => e.data.delta?.type === "text_delta")
    .map((e) => e.data.delta.text)
    .join("");
}

describe("the scripted model on its own", () => {
  test("streams a turn in the Messages API's event order, fills {cwd} and answers auto mode's safeguards", async () => {
    model.on("list the directory", [
      { text: "Listing {cwd}." },
      { tool: "Bash", input: { command: "ls {cwd}", nested: [{ dir: "{cwd}/x" }], n: 1 } },
    ]);
    const body = {
      model: "claude-test",
      max_tokens: 1000,
      stream: true,
      tools,
      system: [{ type: "text", text: "# Environment\n - Primary working directory: /srv/work\n - Platform: linux" }],
      messages: [user("please list the directory")],
      safeguards: [{ type: "dangerous_tool_use" }],
    };
    const events = parseEvents(await (await post("/v1/messages?beta=true", body)).text());
    expect(events.map((e) => e.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(events[0]!.data.message).toMatchObject({ role: "assistant", model: "claude-test", content: [] });
    expect(events[3]!.data.delta).toEqual({ type: "text_delta", text: "Listing /srv/work." });
    const tool = events[5]!.data.content_block;
    expect(tool).toMatchObject({ type: "tool_use", name: "Bash", input: {} });
    expect(tool.id).toMatch(/^toolu_[0-9a-f]{24}$/);
    expect(events[6]!.data).toMatchObject({ index: 1, delta: { type: "input_json_delta" } });
    expect(JSON.parse(events[6]!.data.delta.partial_json)).toEqual({
      command: "ls /srv/work",
      nested: [{ dir: "/srv/work/x" }],
      n: 1,
    });
    expect(events[8]!.data.delta).toEqual({
      stop_reason: "tool_use",
      stop_sequence: null,
      safeguard_results: [
        {
          type: "dangerous_tool_use",
          status: { type: "available", tool_uses: { [tool.id]: { type: "evaluated", outcome: "not_flagged" } } },
        },
      ],
    });
    expect(events[8]!.data.usage.output_tokens).toBeGreaterThan(0);

    // A second answer gets a new tool-use id; without safeguards in the request there are no verdicts.
    const again = parseEvents(await (await post("/v1/messages", { ...body, safeguards: undefined })).text());
    expect(again[5]!.data.content_block.id).not.toBe(tool.id);
    expect(again[8]!.data.delta).toEqual({ stop_reason: "tool_use", stop_sequence: null });
  });

  test("chooses the rule by the last typed user text and the turn by the assistant turns since", async () => {
    model.on("count the turns", [{ text: "turn zero" }], [{ text: "turn one" }]);
    const reminder = "<system-reminder>\nsay count the turns\n</system-reminder>\n";
    const typed = {
      role: "user",
      content: [
        { type: "text", text: reminder },
        { type: "text", text: "count the turns" },
      ],
    };
    const env = { role: "system", content: "Primary working directory: /w" };

    expect(await streamedText([typed, env])).toBe("turn zero");
    expect(await streamedText([typed, env, assistant("turn zero"), toolResult])).toBe("turn one");
    expect(await streamedText([typed, env, assistant("a"), toolResult, assistant("b"), toolResult])).toBe(
      scriptEndedText,
    );
    // A new typed prompt starts over; a reminder alone is no typed text.
    const later = [typed, assistant("turn zero"), user("count the turns again"), user(reminder)];
    expect(await streamedText(later)).toBe("turn zero");
    expect(model.requests().at(-1)?.lastUserText).toBe("count the turns again");
    // Later rules win; no rule gives the fallback.
    model.on(/COUNT the turns again/i, [{ text: "the newer rule" }]);
    expect(await streamedText(later)).toBe("the newer rule");
    expect(await streamedText([user("something nobody scripted")])).toBe(defaultFallback);
  });

  test("side requests, plain JSON, count_tokens, other paths, and a request log without credentials", async () => {
    model.on("side effect", [{ tool: "Bash", input: { command: "true" } }]);
    const messages = [user("side effect")];
    expect(await streamedText(messages, { max_tokens: 1 })).toBe(sideRequestText);
    expect(await streamedText(messages, { tools: undefined })).toBe(sideRequestText);

    const plain = await post("/v1/messages", { model: "m", max_tokens: 100, tools, messages }, { "x-api-key": "k1" });
    expect(plain.headers.get("content-type")).toStartWith("application/json");
    const message: any = await plain.json();
    expect(message).toMatchObject({ type: "message", role: "assistant", stop_reason: "tool_use" });
    expect(message.content).toEqual([
      { type: "tool_use", id: expect.stringMatching(/^toolu_/), name: "Bash", input: { command: "true" } },
    ]);

    const counted = await post(
      "/v1/messages/count_tokens?beta=true",
      { model: "m", messages },
      { authorization: "Bearer k2" },
    );
    expect(await counted.json()).toEqual({ input_tokens: 1 });
    const models = await fetch(model.url + "/v1/models");
    expect(models.status).toBe(404);
    expect(((await models.json()) as any).type).toBe("error");

    const log = model.requests();
    expect(log.at(-1)).toMatchObject({ method: "GET", path: "/v1/models" });
    expect(log.at(-2)).toMatchObject({ path: "/v1/messages/count_tokens", headers: { authorization: "[redacted]" } });
    expect(log.at(-3)).toMatchObject({ path: "/v1/messages", lastUserText: "side effect", body: { max_tokens: 100 } });
    expect(log.at(-3)!.headers["x-api-key"]).toBe("[redacted]");
    expect(JSON.stringify(log)).not.toMatch(/"k1"|Bearer k2/);

    await expect(model.waitForRequest((r) => r.path === "/never", 300)).rejects.toThrow(
      /no matching request within 300 ms; it received \d+ requests, the last:\n[\s\S]*  GET \/v1\/models ""$/,
    );
  });

  test("takes another fallback text, and listens on loopback only", async () => {
    const other = startScriptedModel({ fallback: "Another fallback in {cwd}.", hostname: "::1" });
    try {
      expect(other.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      expect(other.apiKey).toMatch(/^sk-ant-test-/);
      const res = await fetch(other.url + "/v1/messages", {
        method: "POST",
        body: JSON.stringify({
          tools,
          messages: [user("hi"), { role: "system", content: "Primary working directory: /a b" }],
        }),
      });
      expect(((await res.json()) as any).content).toEqual([{ type: "text", text: "Another fallback in /a b." }]);
    } finally {
      other.stop();
    }
    expect(() => startScriptedModel({ hostname: "0.0.0.0" })).toThrow("the scripted model listens on loopback only");
  });
});

/** A fresh HOME with Claude's onboarding done, the double's key approved and `workdir` trusted. */
function claudeHome(purpose: string): { home: string; workdir: string } {
  const home = scratchDir(purpose);
  const workdir = join(home, "project");
  mkdirSync(workdir);
  const config = {
    hasCompletedOnboarding: true,
    customApiKeyResponses: { approved: [model.apiKey.slice(-20)], rejected: [] },
    projects: { [workdir]: { hasTrustDialogAccepted: true } },
  };
  writeFileSync(join(home, ".claude.json"), JSON.stringify(config));
  return { home, workdir };
}

/** Runs the real `claude -p` in `where`; fails with its output unless it exits 0. */
async function claudePrint(where: { home: string; workdir: string }, args: string[]): Promise<string> {
  const r = await execa(claudeBinary, ["-p", "--dangerously-skip-permissions", ...args], {
    cwd: where.workdir,
    env: { ...modelEnv(model), HOME: where.home, PATH: "/usr/local/bin:/usr/bin:/bin", IS_SANDBOX: "1" },
    extendEnv: false,
    // With stdin left open, print mode waits 3 s for piped input before it starts.
    stdin: "ignore",
    reject: false,
    timeout: 40_000,
  });
  if (r.exitCode !== 0) {
    throw new Error(`claude ${args.join(" ")} exited ${r.exitCode ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

const forPrompt = (prompt: string) => model.requests().filter((r) => r.lastUserText === prompt);
const texts = (r: RecordedRequest): string[] =>
  r.body.messages.flatMap((m: any) =>
    typeof m.content === "string"
      ? [m.content]
      : m.content.filter((b: any) => b.type === "text").map((b: any) => b.text),
  );

describe("the real Claude CLI against the scripted model", () => {
  test("prints a scripted text reply to the prompt it sent", async () => {
    const prompt = "Greet me the scripted way";
    model.on("scripted way", [{ text: "Greetings from the script (rule A)." }]);
    const stdout = await claudePrint(claudeHome("model-text"), [prompt]);

    expect(stdout.trim()).toBe("Greetings from the script (rule A).");
    const sent = forPrompt(prompt);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: "POST", path: "/v1/messages", body: { stream: true } });
    expect(texts(sent[0]!)).toContain(prompt);
    expect(sent[0]!.headers["x-api-key"]).toBe("[redacted]");
    expect(JSON.stringify(model.requests())).not.toContain(model.apiKey);
  }, 60_000);

  test("runs a scripted Write with an absolute path, then prints the final text", async () => {
    const prompt = "Create the hello file";
    const content = "Hello, file, from the scripted model.\n";
    model.on(
      "Create the hello file",
      [{ text: "Writing it now." }, { tool: "Write", input: { file_path: "{cwd}/hello.txt", content } }],
      [{ text: "Wrote hello.txt." }],
    );
    const where = claudeHome("model-write");
    const stdout = await claudePrint(where, [prompt]);

    expect(readFileSync(join(where.workdir, "hello.txt"), "utf8")).toBe(content);
    expect(stdout.trim()).toBe("Wrote hello.txt.");
    const sent = forPrompt(prompt);
    expect(sent).toHaveLength(2);
    // The second request carries the tool_use back with its successful result.
    const [call, result] = sent[1]!.body.messages.slice(-2);
    const toolUse = call.content.find((b: any) => b.type === "tool_use");
    expect(toolUse).toMatchObject({ name: "Write", input: { file_path: join(where.workdir, "hello.txt") } });
    expect(result.content).toEqual([expect.objectContaining({ type: "tool_result", tool_use_id: toolUse.id })]);
    expect(result.content[0].is_error ?? false).toBe(false);
  }, 60_000);

  test("a resumed session sends the earlier turns with the new prompt", async () => {
    const session = randomUUID();
    model.on("first question", [{ text: "First answer." }]);
    model.on("second question", [{ text: "Second answer." }]);
    const where = claudeHome("model-resume");

    expect((await claudePrint(where, ["--session-id", session, "the first question"])).trim()).toBe("First answer.");
    expect((await claudePrint(where, ["--resume", session, "the second question"])).trim()).toBe("Second answer.");

    const [first] = forPrompt("the first question");
    const [second] = forPrompt("the second question");
    expect(first!.headers["x-claude-code-session-id"]).toBe(session);
    expect(second!.headers["x-claude-code-session-id"]).toBe(session);
    expect(second!.body.messages.length).toBeGreaterThan(first!.body.messages.length);
    expect(texts(second!)).toEqual(
      expect.arrayContaining(["the first question", "First answer.", "the second question"]),
    );
  }, 60_000);
});
