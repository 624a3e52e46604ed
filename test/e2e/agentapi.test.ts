// AgentAPI as the module runs it: the chat URL, the port, readiness and shutdown.

import { describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { doublesBin } from "../lib/paths.ts";
import { agentapiPid, commandLines, processIfAlive, processInfo } from "../lib/processes.ts";
import { scratchDir } from "../lib/scratch.ts";
import { waitFor } from "../lib/wait.ts";
import { freePort, type Workspace } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude");

const start = (inputs: Record<string, string | number | boolean> = {}) =>
  e2e.workspace({ ...image.inputs, ...inputs }, image.options);

/** A user's `tail -f ~/.claude-module/agentapi-start.log` in a workspace terminal (its command line
 * says "agentapi"), recorded in AgentAPI's pid file as a stale file could: a pid reused after a crash.
 * Returns its pid once it runs tail. */
async function tailNamedInPidFile(ws: Workspace): Promise<number> {
  mkdirSync(ws.moduleDir, { recursive: true });
  const log = join(ws.moduleDir, "agentapi-start.log");
  writeFileSync(log, "", { flag: "a" });
  const tail = ws.agent.exec("tail", ["-f", log], { timeout: 0 });
  const pid = tail.pid!;
  await waitFor("tail to run", () => (processIfAlive(pid)?.argv[0] === "tail" ? true : undefined));
  writeFileSync(join(ws.moduleDir, "agentapi.pid"), String(pid));
  return pid;
}

describe("the web chat", () => {
  test("path-based (subdomain = false): the chat base path names the agent, not its id", async () => {
    const ws = await start({ subdomain: false });
    const [run] = await ws.agent.start();
    expect(run?.exitCode).toBe(0);
    const env = processInfo(agentapiPid(ws.moduleDir)).env;
    expect(env.get("AGENTAPI_CHAT_BASE_PATH")).toBe("/@default/default.main/apps/ccw/chat");
    // None of the module's encoded arguments leak into AgentAPI's (and so Claude's) environment.
    expect([...env.keys()].filter((k) => k.startsWith("CLAUDE_MODULE_ARG_"))).toEqual([]);
  });

  test("subdomain = true: no base path", async () => {
    const ws = await start({ subdomain: true });
    const [run] = await ws.agent.start();
    expect(run?.exitCode).toBe(0);
    expect(processInfo(agentapiPid(ws.moduleDir)).env.has("AGENTAPI_CHAT_BASE_PATH")).toBe(false);
  });
});

describe("start-up", () => {
  test("a port taken by another program fails the start with the cause and the log", async () => {
    const port = await freePort();
    const squatter = Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response("someone else") });
    try {
      const ws = await start({ agentapi_port: port });
      const [run] = await ws.agent.start();
      expect(run?.exitCode).not.toBe(0);
      expect(run?.output).toContain(`port ${port} is already in use by another program; set agentapi_port`);
      expect(run?.output).toContain(".claude-module/agentapi-start.log");
      expect(run?.output).not.toContain("AgentAPI is ready");
    } finally {
      squatter.stop(true);
    }
  });

  test("a port held by a program that does not speak HTTP fails the start with the cause, before AgentAPI is launched", async () => {
    const port = await freePort();
    // Accepts connections and never answers: no HTTP request to it succeeds.
    const squatter = Bun.listen({ hostname: "127.0.0.1", port, socket: { data() {} } });
    try {
      const ws = await start({ agentapi_port: port });
      const [run] = await ws.agent.start();
      expect(run?.output).toContain(`port ${port} is already in use by another program; set agentapi_port`);
      expect(run?.exitCode).not.toBe(0);
      expect(run?.output).not.toContain("starting AgentAPI");
      expect(commandLines(ws.agent).filter((c) => c.includes("agentapi"))).toEqual([]);
    } finally {
      squatter.stop(true);
    }
  });

  test("a port taken on another address than 127.0.0.1: AgentAPI cannot listen, and the start says why", async () => {
    const port = await freePort();
    // The start's check connects to 127.0.0.1, which this refuses; AgentAPI listens on every address.
    const squatter = Bun.listen({ hostname: "127.0.0.2", port, socket: { data() {} } });
    try {
      const ws = await start({ agentapi_port: port });
      const [run] = await ws.agent.start();
      expect(run?.exitCode).not.toBe(0);
      expect(run?.output).toContain("starting AgentAPI");
      expect(run?.output).toContain(
        `AgentAPI exited during start-up: listen tcp :${port}: bind: address already in use; another program listens on port ${port}`,
      );
      expect(run?.output).toContain("set agentapi_port to a free port");
      expect(run?.output).toContain(".claude-module/agentapi-start.log");
    } finally {
      squatter.stop(true);
    }
  });

  test("an image without curl: the start fails naming curl before it launches anything", async () => {
    // The image's PATH: every program of this machine's but curl (Claude and AgentAPI pre-installed).
    const noCurl = scratchDir("no-curl");
    for (const dir of ["/usr/local/bin", "/usr/bin", "/bin"]) {
      for (const name of readdirSync(dir)) {
        if (name !== "curl" && !existsSync(join(noCurl, name))) symlinkSync(join(dir, name), join(noCurl, name));
      }
    }
    const both = preinstalled("claude", "agentapi");
    const ws = await e2e.workspace(both.inputs, { env: { PATH: [both.dir, noCurl, doublesBin].join(":") } });
    const [run] = await ws.agent.start();
    expect(run?.output).toContain("'curl' is required but was not found on PATH");
    expect(run?.exitCode).not.toBe(0);
    expect(run?.output).not.toContain("starting AgentAPI");
    expect(commandLines(ws.agent).filter((c) => c.includes("agentapi"))).toEqual([]);
    expect(existsSync(join(ws.moduleDir, "agentapi.pid"))).toBe(false);
  });

  test("running the start script again while AgentAPI runs leaves it alone", async () => {
    const ws = await start();
    await ws.agent.start();
    const pid = agentapiPid(ws.moduleDir);
    const [again] = await ws.agent.start();
    expect(again?.exitCode).toBe(0);
    expect(again?.output).toContain(`AgentAPI is already running (pid ${pid})`);
    expect(agentapiPid(ws.moduleDir)).toBe(pid);
  });

  test("an admin running the saved start script by hand, without the launcher's arguments, gets the last start's", async () => {
    const ws = await start();
    await ws.agent.start();
    const pid = agentapiPid(ws.moduleDir);
    const script = join(ws.moduleDir, "scripts", "start.sh");
    const byHand = await ws.agent.exec(script, []);
    expect(byHand.exitCode).toBe(0);
    expect(String(byHand.all)).toContain(
      `using the arguments the last start saved in ${script.replace(/\.sh$/, ".args")}`,
    );
    expect(String(byHand.all)).toContain(`AgentAPI is already running (pid ${pid})`);
    expect(statSync(join(ws.moduleDir, "scripts", "start.args")).mode & 0o777).toBe(0o600);

    // Without a saved copy, the message says where the arguments come from.
    rmSync(join(ws.moduleDir, "scripts", "start.args"));
    const lost = await ws.agent.exec(script, []);
    expect(lost.exitCode).toBe(1);
    expect(String(lost.all)).toContain("no arguments: this script gets them from the module's launcher");
    expect(String(lost.all)).toContain("Fix: restart the workspace");
  });

  test("a restart runs the installed start script as it is; a changed module or a hand-edited copy is installed again", async () => {
    const ws = await start();
    const script = join(ws.moduleDir, "scripts", "start.sh");
    const stamp = join(ws.moduleDir, "scripts", "start.sha256");
    expect((await ws.agent.start())[0]?.exitCode).toBe(0);
    const installed = readFileSync(script, "utf8");
    const first = statSync(script);

    // Nothing changed: the same file (not a fresh copy with the same text).
    expect((await ws.agent.start())[0]?.exitCode).toBe(0);
    expect(statSync(script).ino).toBe(first.ino);

    // An admin's edit does not outlive the next start.
    writeFileSync(script, `${installed}\necho edited by hand\n`);
    const [edited] = await ws.agent.start();
    expect(edited?.exitCode).toBe(0);
    expect(edited?.output).not.toContain("edited by hand");
    expect(readFileSync(script, "utf8")).toBe(installed);

    // Another module version (another digest) is installed, not skipped.
    const before = statSync(script).ino;
    writeFileSync(stamp, "0\n");
    expect((await ws.agent.start())[0]?.exitCode).toBe(0);
    expect(statSync(script).ino).not.toBe(before);
    expect(readFileSync(stamp, "utf8")).not.toBe("0\n");
  });

  test("two starts at once on a fresh home run one after the other: one AgentAPI, named by the pid file, ended by the stop", async () => {
    const ws = await start();
    const runs = (await Promise.all([ws.agent.start(), ws.agent.start()])).flat();
    expect(runs.map((r) => r.exitCode)).toEqual([0, 0]);
    expect(runs.filter((r) => r.output.includes("AgentAPI is already running")).length).toBe(1);
    expect(commandLines(ws.agent).filter((line) => / server --type claude /.test(line))).toHaveLength(1);
    expect(processInfo(agentapiPid(ws.moduleDir)).argv[1]).toBe("server");

    const [stop] = await ws.agent.stop({ kill: false });
    expect(stop?.output).toContain("AgentAPI stopped");
    expect(ws.agent.processes()).toEqual([]);
  });

  test("a stale pid file naming another live process: the start starts AgentAPI and leaves that process alone", async () => {
    const ws = await start();
    const tail = await tailNamedInPidFile(ws);
    const [run] = await ws.agent.start();
    expect(run?.output).not.toContain("already running");
    expect(run?.exitCode).toBe(0);
    expect(run?.output).toContain("AgentAPI is ready");
    const pid = agentapiPid(ws.moduleDir);
    expect(pid).not.toBe(tail);
    expect(processInfo(pid).argv.slice(1, 2)).toEqual(["server"]);
    expect(processIfAlive(tail)?.argv[0]).toBe("tail");
  });
});

describe("shutdown", () => {
  test("the stop script ends AgentAPI and Claude under it", async () => {
    const ws = await start();
    const [run] = await ws.agent.start();
    expect(run?.exitCode).toBe(0);
    expect(ws.agent.processes().length).toBeGreaterThanOrEqual(2);

    const [stop] = await ws.agent.stop({ kill: false });
    expect(stop?.exitCode).toBe(0);
    expect(stop?.output).toContain("AgentAPI stopped");
    expect(ws.agent.processes()).toEqual([]);
  });

  test("a stale pid file naming another live process (whose command line says agentapi): the stop leaves it alone", async () => {
    const ws = await start();
    const tail = await tailNamedInPidFile(ws);
    const [stop] = await ws.agent.stop({ kill: false });
    expect(stop?.exitCode).toBe(0);
    expect(stop?.output).toContain("AgentAPI is not running");
    expect(processIfAlive(tail)?.argv[0]).toBe("tail");
  });
});
