// A scripted model endpoint: a test double for the remote Anthropic Messages API
// (api.anthropic.com) that the real Claude Code CLI talks to when ANTHROPIC_BASE_URL points at it.
// It listens on loopback only and answers from a script the test writes: rules matched against
// the last prompt the user typed, each a list of turns (text and tool_use blocks). Every request
// is recorded so tests can assert what Claude sent.
//
// A scripted call of an MCP tool the request does not offer yet (Claude may send its first request
// before its MCP servers connect) is put off: the double answers a no-op Bash call instead, at most
// 60 times, and calls the tool once it is offered.
//
// What it does NOT do: there is no real model behind it (answers never depend on anything but
// the script and the conversation's shape), no thinking or redacted_thinking blocks, no
// server-side tools, no citations, no token counting beyond fixed numbers, no rate limits, no
// errors but the scripted ones (an `error` step answers every request at that point of the
// conversation with that HTTP error, so each of Claude's retries gets it too), no prompt caching, and no
// streaming delays: each answer is written in one go (a turn can be held back until the test lets
// it go, so that a test can watch the state Claude is in while it waits for the model). Auto-mode safeguards always say
// "not flagged". Nothing but the script decides an answer; it is no stand-in for a model's judgement.

import { createHash, randomBytes } from "node:crypto";

export type Step =
  /** A text block. */
  | { text: string }
  /** A tool_use block (name e.g. "Write", "Bash", "mcp__coder__coder_report_task"). */
  | { tool: string; input: Record<string, unknown> }
  /** Not a block: the answer is sent once this settles (a slow model, under the test's control). */
  | { hold: Promise<unknown> }
  /** Not a block: the request is answered with this API error instead (e.g. 529 overloaded_error). */
  | { error: { status: number; type: string; message: string } };
/** One model answer: blocks in order. Ends with stop_reason tool_use if any block is a tool, else end_turn. */
export type Turn = Step[];
/** A string matches as a substring of the last user text. */
export interface Rule {
  match: RegExp | string;
  turns: Turn[];
}
export interface RecordedRequest {
  method: string;
  /** The path without the query string (e.g. "/v1/messages"). */
  path: string;
  /** Lower-case names; credentials (x-api-key, authorization, Coder's governance token) redacted. */
  headers: Record<string, string>;
  /** The parsed JSON body (undefined when there was none or it was not JSON). */
  body: any;
  /** The last user text the rules were matched against ("" for none). */
  lastUserText: string;
  /** Date.now() when the request arrived. */
  at: number;
}
export interface ScriptedModel {
  /** Give to Claude as ANTHROPIC_BASE_URL. */
  readonly url: string;
  /** A fake "sk-ant-test-..." key to give Claude as ANTHROPIC_API_KEY. */
  readonly apiKey: string;
  /** Adds a rule; later rules win over earlier ones. */
  on(match: RegExp | string, ...turns: Turn[]): void;
  /** Every request so far (credentials redacted). */
  requests(): RecordedRequest[];
  /** Whether some request carried exactly this value in a credential header (compared by hash: the
   * values themselves are never kept). */
  sawCredential(value: string): boolean;
  /** Polls the request log until `pred` holds for a request; rejects with a clear message on timeout. */
  waitForRequest(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  stop(): void;
}

/** What a request no rule matches gets, unless startScriptedModel's `fallback` says otherwise. */
export const defaultFallback = "Hello from the scripted model.";
/** What a matched rule answers once all its turns are spent. */
export const scriptEndedText = "(The scripted model has nothing more to say.)";
/** What side requests (no tools, or max_tokens <= 2) get. */
export const sideRequestText = "OK";

type Block = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: unknown };

const redacted = new Set(["x-api-key", "authorization", "x-coder-ai-governance-token"]);
const digest = (value: string) => createHash("sha256").update(value).digest("hex");

/** Text blocks Claude adds around what the user typed: `<system-reminder>…</system-reminder>` and
 * other hyphenated wrapper tags (e.g. `<local-command-stdout>`) filling a whole block. */
function stripWrappers(text: string): string {
  const inner = text.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, "").trim();
  const whole = /^<([a-z]+(?:-[a-z]+)+)>[\s\S]*<\/\1>$/.exec(inner);
  return whole ? "" : inner;
}

/** The user-typed text of one message ("" when it holds only tool results or wrappers). */
function userText(message: any): string {
  const content = message?.content;
  if (typeof content === "string") return stripWrappers(content);
  if (!Array.isArray(content)) return "";
  return content
    .filter((b: any) => b?.type === "text" && typeof b.text === "string")
    .map((b: any) => stripWrappers(b.text))
    .filter(Boolean)
    .join("\n");
}

/** What the double answers, instead of a scripted MCP tool call, while Claude has not connected that
 * MCP server yet (Claude sends its first request without waiting for its MCP servers; a real model
 * cannot call a tool it was not offered either). Such turns do not count as the script's turns. */
const waitingCommand = (tool: string) => `: waiting for MCP tool ${tool}`;
const maxWaitingTurns = 60;

function isWaitingTurn(message: any): boolean {
  return (
    Array.isArray(message?.content) &&
    message.content.some(
      (b: any) => b?.type === "tool_use" && String(b.input?.command ?? "").startsWith(": waiting for MCP tool "),
    )
  );
}

/** Whether the request offers `tool` (in its tool list, or announced as a deferred tool). */
function offers(body: any, tool: string): boolean {
  const offered = [body?.tools, body?.system, (body?.messages ?? []).filter((m: any) => m?.role !== "assistant")];
  return JSON.stringify(offered).includes(tool);
}

/** The last user message with real text, its text, how many assistant turns follow it, and how
 * many of those were waiting turns. */
function conversationPosition(messages: unknown): { text: string; turnsSince: number; waited: number } {
  if (!Array.isArray(messages)) return { text: "", turnsSince: 0, waited: 0 };
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== "user") continue;
    const text = userText(message);
    if (!text) continue;
    // Consecutive assistant messages (should Claude ever split one answer) count as one turn.
    let turnsSince = 0;
    let waited = 0;
    let previous = "user";
    for (const later of messages.slice(i + 1)) {
      if (later?.role === "assistant" && isWaitingTurn(later)) waited++;
      else if (later?.role === "assistant" && previous !== "assistant") turnsSince++;
      if (later?.role === "assistant" || later?.role === "user") previous = later.role;
    }
    return { text, turnsSince, waited };
  }
  return { text: "", turnsSince: 0, waited: 0 };
}

/** Every string inside `value`, depth first. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const v of value) yield* strings(v);
  else if (value && typeof value === "object") for (const v of Object.values(value)) yield* strings(v);
}

/** The working directory Claude names in its environment message: a role "system" message inside
 * `messages` (2.1.x) or the `system` prompt. */
function workingDirectory(body: any): string | undefined {
  const systemMessages = Array.isArray(body?.messages) ? body.messages.filter((m: any) => m?.role === "system") : [];
  for (const source of [systemMessages, body?.system]) {
    for (const s of strings(source)) {
      const m = /Primary working directory: *([^\n]+)/.exec(s);
      if (m) return m[1]!;
    }
  }
  return undefined;
}

function fillCwd(value: unknown, cwd: string | undefined): unknown {
  if (typeof value === "string") {
    if (!value.includes("{cwd}")) return value;
    if (cwd === undefined) throw new Error("a scripted step uses {cwd}, but the request names no working directory");
    return value.replaceAll("{cwd}", cwd);
  }
  if (Array.isArray(value)) return value.map((v) => fillCwd(v, cwd));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillCwd(v, cwd)]));
  }
  return value;
}

const id = (prefix: string) => prefix + randomBytes(12).toString("hex");

function toBlocks(turn: Turn, cwd: string | undefined): Block[] {
  return turn.flatMap((step): Block[] =>
    "hold" in step || "error" in step
      ? []
      : "tool" in step
        ? [{ type: "tool_use", id: id("toolu_"), name: step.tool, input: fillCwd(step.input, cwd) }]
        : [{ type: "text", text: fillCwd(step.text, cwd) as string }],
  );
}

/** What the turn waits for before it is answered. */
const holds = (turn: Turn) => turn.flatMap((step) => ("hold" in step ? [step.hold] : []));

const matches = (match: RegExp | string, text: string) =>
  typeof match === "string" ? text.includes(match) : new RegExp(match.source, match.flags.replace("g", "")).test(text);

function json(status: number, value: unknown): Response {
  return new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
}

function apiError(status: number, type: string, message: string): Response {
  return json(status, { type: "error", error: { type, message } });
}

/** The answer as Server-Sent Events, in the order the Messages API streams them. */
function sse(model: string, blocks: Block[], stopReason: string, safeguards: boolean): string {
  const events: string[] = [];
  const event = (type: string, data: Record<string, unknown>) =>
    events.push(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  const outputTokens = blocks.length + 1;
  event("message_start", {
    message: {
      id: id("msg_"),
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  });
  event("ping", {});
  blocks.forEach((block, index) => {
    if (block.type === "text") {
      event("content_block_start", { index, content_block: { type: "text", text: "" } });
      event("content_block_delta", { index, delta: { type: "text_delta", text: block.text } });
    } else {
      event("content_block_start", {
        index,
        content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
      });
      event("content_block_delta", {
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      });
    }
    event("content_block_stop", { index });
  });
  const delta: Record<string, unknown> = { stop_reason: stopReason, stop_sequence: null };
  if (safeguards) {
    const toolUses = Object.fromEntries(
      blocks.filter((b) => b.type === "tool_use").map((b) => [b.id, { type: "evaluated", outcome: "not_flagged" }]),
    );
    delta.safeguard_results = [{ type: "dangerous_tool_use", status: { type: "available", tool_uses: toolUses } }];
  }
  event("message_delta", { delta, usage: { output_tokens: outputTokens } });
  event("message_stop", {});
  return events.join("");
}

export function startScriptedModel(
  options: {
    fallback?: string;
    hostname?: string;
    /** Default: any free port. */
    port?: number;
    /** Where the Messages API is served, as a gateway serves it (e.g. "/api/v2/ai-gateway/anthropic"). */
    basePath?: string;
  } = {},
): ScriptedModel {
  const basePath = options.basePath ?? "";
  const fallback = options.fallback ?? defaultFallback;
  const hostname = options.hostname ?? "127.0.0.1";
  if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(hostname)) {
    throw new Error(`the scripted model listens on loopback only, not on ${hostname}`);
  }
  const apiKey = "sk-ant-test-" + randomBytes(24).toString("hex");
  const rules: Rule[] = [];
  const log: RecordedRequest[] = [];
  const credentials = new Set<string>();

  /** The turn answering a (non-side) request. */
  function answer(body: any, text: string, turnsSince: number, waited: number): Turn {
    const rule = [...rules].reverse().find((r) => matches(r.match, text));
    const turn = rule ? (rule.turns[turnsSince] ?? [{ text: scriptEndedText }]) : [{ text: fallback }];
    const missing = turn.find((step) => "tool" in step && step.tool.startsWith("mcp__") && !offers(body, step.tool));
    if (missing && "tool" in missing && waited < maxWaitingTurns) {
      return [{ tool: "Bash", input: { command: waitingCommand(missing.tool) } }];
    }
    return turn;
  }

  const server = Bun.serve({
    hostname,
    port: options.port ?? 0,
    async fetch(req) {
      const url = new URL(req.url);
      const headers: Record<string, string> = {};
      req.headers.forEach((value, name) => {
        if (redacted.has(name.toLowerCase())) credentials.add(digest(value));
        headers[name] = redacted.has(name.toLowerCase()) ? "[redacted]" : value;
      });
      const raw = await req.text();
      let body: any;
      let parsed = true;
      try {
        body = raw === "" ? undefined : JSON.parse(raw);
      } catch {
        parsed = false;
      }
      const { text, turnsSince, waited } = conversationPosition(body?.messages);
      log.push({ method: req.method, path: url.pathname, headers, body, lastUserText: text, at: Date.now() });

      const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) : "";
      if (req.method !== "POST" || (path !== "/v1/messages" && path !== "/v1/messages/count_tokens")) {
        return apiError(404, "not_found_error", `the scripted model does not serve ${req.method} ${url.pathname}`);
      }
      if (!parsed || typeof body !== "object" || body === null) {
        return apiError(400, "invalid_request_error", "the request body is not a JSON object");
      }
      if (path === "/v1/messages/count_tokens") return json(200, { input_tokens: 1 });

      const side = typeof body.max_tokens === "number" && body.max_tokens <= 2;
      const withoutTools = !Array.isArray(body.tools) || body.tools.length === 0;
      let blocks: Block[];
      try {
        const turn = side || withoutTools ? [{ text: sideRequestText }] : answer(body, text, turnsSince, waited);
        await Promise.all(holds(turn));
        const error = turn.find((step) => "error" in step);
        if (error && "error" in error) return apiError(error.error.status, error.error.type, error.error.message);
        blocks = toBlocks(turn, workingDirectory(body));
      } catch (e) {
        // A script error ends the turn with a message Claude prints, rather than an API error it retries.
        blocks = toBlocks([{ text: `scripted model error: ${(e as Error).message}` }], undefined);
      }
      const stopReason = blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn";
      const model = typeof body.model === "string" ? body.model : "claude-scripted";

      if (body.stream !== true) {
        return json(200, {
          id: id("msg_"),
          type: "message",
          role: "assistant",
          model,
          content: blocks,
          stop_reason: stopReason,
          stop_sequence: null,
          usage: { input_tokens: 1, output_tokens: blocks.length + 1 },
        });
      }
      const safeguards = Array.isArray(body.safeguards) && body.safeguards.length > 0;
      return new Response(sse(model, blocks, stopReason, safeguards), {
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
      });
    },
  });

  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  return {
    url: `http://${host}:${server.port}`,
    apiKey,
    on(match, ...turns) {
      rules.push({ match, turns });
    },
    requests: () => [...log],
    sawCredential: (value) => credentials.has(digest(value)),
    async waitForRequest(pred, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = log.find(pred);
        if (found) return found;
        if (Date.now() > deadline) {
          const last = log
            .slice(-20)
            .map((r) => `  ${r.method} ${r.path} ${JSON.stringify(r.lastUserText.slice(0, 80))}`);
          throw new Error(
            `the scripted model received no matching request within ${timeoutMs} ms; ` +
              (log.length ? `it received ${log.length} requests, the last:\n${last.join("\n")}` : "it received none"),
          );
        }
        await Bun.sleep(50);
      }
    },
    stop() {
      server.stop(true);
    },
  };
}

/** The environment Claude needs to use the double and stay offline. */
export function modelEnv(model: ScriptedModel): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: model.url,
    ANTHROPIC_API_KEY: model.apiKey,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL: "1",
    DISABLE_AUTOUPDATER: "1",
  };
}
