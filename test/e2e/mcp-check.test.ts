// After reconciling, the start checks each of the module's MCP servers with an MCP client of its own
// and reports per server "ok, N tools" or the cause; only a server named in mcp_required can stop it.

import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { scratchDir } from "../lib/scratch.ts";
import type { Workspace } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude");
const mcp = (servers: Record<string, unknown>) => JSON.stringify({ mcpServers: servers });
const secret = "check-s3cret-never-log-me";
const dir = scratchDir("mcp-doubles");

/** Writes an executable script into the doubles' directory and returns its path. */
function script(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/usr/bin/env bash\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A double of a stdio MCP server: answers initialize and tools/list (with as many tools as its
 * first argument says) line by line, and appends each client's name to the file its COUNT_FILE names
 * (Claude Code, started behind AgentAPI, is a client too). */
const stdioServer = script(
  "stdio-server",
  `while IFS= read -r line; do
  id=$(jq -r '.id // empty' <<<"$line"); method=$(jq -r .method <<<"$line")
  case $method in
    initialize) jq -r .params.clientInfo.name <<<"$line" >>"\${COUNT_FILE:-/dev/null}"
      echo '{"jsonrpc":"2.0","method":"notifications/message","params":{}}'
      echo "{\\"jsonrpc\\":\\"2.0\\",\\"id\\":$id,\\"result\\":{\\"protocolVersion\\":\\"2025-06-18\\",\\"capabilities\\":{\\"tools\\":{}},\\"serverInfo\\":{\\"name\\":\\"double\\",\\"version\\":\\"1\\"}}}" ;;
    tools/list) jq -cn --argjson id "$id" --argjson n "$1" '{jsonrpc:"2.0",id:$id,result:{tools:[range($n)|{name:"t\\(.)",inputSchema:{type:"object"}}]}}' ;;
  esac
done`,
);
const failingServer = script(
  "failing-server",
  `echo >&2\necho "error: API_TOKEN \${API_TOKEN} was refused" >&2\nexit 3`,
);
const hangingServer = script("hanging-server", "exec sleep 600");

/** A double of remote MCP servers on loopback. /denied answers 401. Streamable HTTP: /ok answers
 * initialize with a session id as an SSE stream and tools/list only under that session. The older
 * HTTP+SSE transport: GET /sse opens an event stream whose endpoint event names /messages?stream=N;
 * what is POSTed there is answered on that stream (both only with the secret's bearer token). */
const session = "session-1234";
const streams: ReadableStreamDefaultController<string>[] = [];
const http = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/denied") return new Response("unauthorized", { status: 401 });
    // The SSE server wants the definition's header on the stream and on every message.
    const bearer = request.headers.get("authorization") === `Bearer ${secret}`;
    if (url.pathname === "/sse") {
      if (!bearer) return new Response("unauthorized", { status: 401 });
      const body = new ReadableStream<string>({
        start(controller) {
          controller.enqueue(`event: endpoint\ndata: /messages?stream=${streams.push(controller) - 1}\n\n`);
        },
      });
      return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
    }
    const message = (await request.json()) as { id?: number; method: string };
    if (url.pathname === "/messages") {
      if (!bearer) return new Response("unauthorized", { status: 401 });
      const answer =
        message.method === "initialize"
          ? { protocolVersion: "2024-11-05", capabilities: {} }
          : { tools: [{ name: "a" }, { name: "b" }, { name: "c" }] };
      if (message.id !== undefined) {
        const data = JSON.stringify({ jsonrpc: "2.0", id: message.id, result: answer });
        streams[Number(url.searchParams.get("stream"))]!.enqueue(`event: message\ndata: ${data}\n\n`);
      }
      return new Response("Accepted", { status: 202 });
    }
    if (message.id === undefined) return new Response(null, { status: 202 });
    if (message.method === "initialize") {
      const answer = { jsonrpc: "2.0", id: message.id, result: { protocolVersion: "2025-06-18", capabilities: {} } };
      return new Response(`event: message\ndata: ${JSON.stringify(answer)}\n\n`, {
        headers: { "Content-Type": "text/event-stream", "Mcp-Session-Id": session },
      });
    }
    if (request.headers.get("mcp-session-id") !== session) return new Response("no session", { status: 400 });
    return Response.json({ jsonrpc: "2.0", id: message.id, result: { tools: [{ name: "a" }, { name: "b" }] } });
  },
});
afterAll(() => http.stop(true));
const base = `http://127.0.0.1:${http.port}`;

/** How often the module's check (not Claude) initialized the double that writes to `file`. */
const checks = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((name) => name === "claude-code-module-check").length;

async function start(servers: Record<string, unknown>, inputs: Record<string, unknown> = {}, previous?: Workspace) {
  const ws = await e2e.workspace(
    {
      ...image.inputs,
      report_tasks: false,
      mcp: mcp(servers),
      mcp_check_timeout: 10,
      ...inputs,
      ...(previous ? { workdir: previous.workdir } : {}),
    },
    { ...image.options, ...(previous ? { home: previous.agent.home } : {}) },
  );
  if (previous) await previous.agent.stop();
  const [run] = await ws.agent.start();
  return { ws, run: run!, output: run!.output };
}

describe("MCP server check", () => {
  test("each server is reported: ok with its tool count, or the cause; no secret shows and the start succeeds", async () => {
    const { run, output, ws } = await start({
      working: { command: stdioServer, args: ["3"] },
      missing: { command: "/nonexistent/mcp-server" },
      failing: { command: failingServer, env: { API_TOKEN: secret } },
      hanging: { command: hangingServer },
      denied: { type: "http", url: `${base}/denied?token=${secret}`, headers: { Authorization: `Bearer ${secret}` } },
      remote: { type: "http", url: `${base}/ok` },
      legacy: { type: "sse", url: `${base}/sse`, headers: { Authorization: `Bearer ${secret}` } },
      legacyDenied: { type: "sse", url: `${base}/denied` },
      unset: { command: stdioServer, args: ["1"], env: { TOKEN: "${MCP_CHECK_UNSET_VARIABLE}" } },
    });
    expect(run.exitCode).toBe(0);
    expect(output).toContain("MCP server 'working': ok, 3 tools");
    expect(output).toContain("MCP server 'missing': failed: command not found: /nonexistent/mcp-server");
    expect(output).toContain(
      "MCP server 'failing': failed: exit status 3 before answering initialize: error: API_TOKEN *** was refused",
    );
    expect(output).toContain("MCP server 'hanging': failed: timeout, no answer to initialize within 10s");
    expect(output).toContain("MCP server 'denied': failed: HTTP 401");
    expect(output).toContain("MCP server 'remote': ok, 2 tools");
    expect(output).toContain("MCP server 'legacy': ok, 3 tools");
    expect(output).toContain("MCP server 'legacyDenied': failed: HTTP 401");
    expect(output).toContain("MCP server 'unset': failed: environment variable MCP_CHECK_UNSET_VARIABLE not set");
    expect(output).toContain("mcp check:     3 ok, 6 failed, 0 unchanged");
    expect(output).toContain("AgentAPI is ready");
    expect(output).not.toContain(secret);
    const log = readFileSync(join(ws.moduleDir, "install.log"), "utf8");
    expect(log).toContain("MCP server 'working': ok, 3 tools");
    expect(log).not.toContain(secret);
  });

  test("${VAR:-default} in env is expanded as Claude Code expands it", async () => {
    const count = join(scratchDir("count"), "starts");
    const { run, output } = await start({
      expanded: {
        command: stdioServer,
        args: ["2"],
        env: { COUNT_FILE: "${MCP_CHECK_UNSET_VARIABLE:-" + count + "}" },
      },
    });
    expect(run.exitCode).toBe(0);
    expect(output).toContain("MCP server 'expanded': ok, 2 tools");
    expect(checks(count)).toBe(1);
  });

  test("a warm restart with nothing changed does not start the server again", async () => {
    const count = join(scratchDir("count"), "starts");
    const servers = { counted: { command: stdioServer, args: ["1"], env: { COUNT_FILE: count } } };
    const first = await start(servers);
    expect(first.run.exitCode).toBe(0);
    expect(first.output).toContain("MCP server 'counted': ok, 1 tools");
    expect(checks(count)).toBe(1);

    const second = await start(servers, {}, first.ws);
    expect(second.run.exitCode).toBe(0);
    expect(second.output).toContain("MCP server 'counted': check skipped, unchanged since it answered with 1 tools");
    expect(second.output).toContain("mcp check:     0 ok, 0 failed, 1 unchanged");
    expect(checks(count)).toBe(1);
  });

  test("mcp_check_user_servers also checks the user's own servers, on every start; never the coder CLI's", async () => {
    const count = join(scratchDir("count"), "starts");
    const servers = { module: { command: stdioServer, args: ["1"] } };
    // Task reporting on: the coder CLI adds its server (`coder`) to the work dir's.
    const inputs = { report_tasks: true };
    const first = await start(servers, inputs);
    expect(first.run.exitCode).toBe(0);
    // The user's own: one for the work dir (local scope), one for every project (user scope).
    const yours = {
      local: ["yours-local", { command: stdioServer, args: ["2"], env: { COUNT_FILE: count } }],
      user: ["yours-user", { command: "/nonexistent/theirs" }],
    } as const;
    for (const [scope, [name, definition]] of Object.entries(yours)) {
      const added = await first.ws.agent.exec(
        "claude",
        ["mcp", "add-json", "--scope", scope, name, JSON.stringify(definition)],
        { cwd: first.ws.workdir },
      );
      expect(added.exitCode).toBe(0);
    }

    const off = await start(servers, inputs, first.ws);
    expect(off.run.exitCode).toBe(0);
    expect(off.output).not.toContain("(yours)");
    expect(existsSync(count)).toBe(false);

    const on = await start(servers, { ...inputs, mcp_check_user_servers: true }, off.ws);
    expect(on.run.exitCode).toBe(0);
    expect(on.output).toContain("MCP server 'yours-local' (yours): ok, 2 tools");
    expect(on.output).toContain("MCP server 'yours-user' (yours): failed: command not found: /nonexistent/theirs");
    expect(on.output).toContain("MCP server 'module': check skipped, unchanged");
    expect(on.output).toContain("mcp check:     1 ok, 1 failed, 1 unchanged");
    const config = JSON.parse(readFileSync(join(on.ws.agent.home, ".claude.json"), "utf8"));
    expect(Object.keys(config.projects[on.ws.workdir].mcpServers)).toContain("coder");
    expect(on.output).not.toContain("MCP server 'coder'");
    expect(checks(count)).toBe(1);

    const again = await start(servers, { ...inputs, mcp_check_user_servers: true }, on.ws);
    expect(again.output).toContain("MCP server 'yours-local' (yours): ok, 2 tools");
    expect(checks(count)).toBe(2);
  });

  test("a server named in mcp_required that fails stops the start with the cause and the log", async () => {
    const { run, ws } = await start(
      { working: { command: stdioServer, args: ["1"] }, failing: { command: failingServer } },
      { mcp_required: ["working", "failing"] },
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain(
      "ERROR: MCP server 'failing' is named in mcp_required and failed its check: failed: exit status 3 before answering initialize",
    );
    expect(run.output).toContain(`details: ${join(ws.moduleDir, "install.log")}`);
    expect(existsSync(join(ws.moduleDir, "agentapi-start.log"))).toBe(false);
  });
});
