// Helpers for the boundary end-to-end tests: workspaces with boundary enabled, loopback servers
// to reach (or not) from inside the jail, network namespaces, and TLS material.

import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { expect } from "bun:test";
import type { ScriptRun } from "./agent.ts";
import { preinstalledDir } from "./preinstalled.ts";
import { claudeProcesses } from "./processes.ts";
import type { ReleaseServer } from "./release-server.ts";
import { scratchDir } from "./scratch.ts";
import type { Inputs } from "./terraform.ts";
import { workspace, type Workspace, type WorkspaceOptions } from "./workspace.ts";

export interface BoundaryWorkspace extends Workspace {
  /** Where boundary keeps its CA: in the module's directory, whatever the passwd home is. */
  caCert: string;
  /** The image's real claude and agentapi, on the agent's PATH right after the script bin dir. */
  claudeDir: string;
}

/** A workspace with boundary enabled, using the image's real claude (no npm install) and, unless
 * inputs say otherwise, the boundary release from the loopback server. */
export async function boundaryWorkspace(
  server: ReleaseServer,
  inputs: Inputs = {},
  options: Omit<WorkspaceOptions, "home"> = {},
): Promise<BoundaryWorkspace> {
  const home = scratchDir("home");
  const claudeDir = preinstalledDir(["claude", "agentapi"]);
  const ws = await workspace(
    server,
    {
      install_claude_code: false,
      enable_boundary: true,
      use_boundary_directly: true,
      boundary_releases_url: server.boundaryReleasesUrl,
      ...inputs,
    },
    {
      ...options,
      home,
      path: [claudeDir, ...(options.path ?? [])],
    },
  );
  const caCert = join(ws.moduleDir, "boundary", "config", "coder_boundary", "ca-cert.pem");
  return { ...ws, caCert, claudeDir };
}

/** The command a boundary command line jails: what follows "--", without the `env` that gives it
 * back the environment boundary itself ran with changed (`env [-u NAME]... [NAME=VALUE]...`). */
export function jailedCommand(argv: string[]): string[] {
  const after = argv.slice(argv.indexOf("--") + 1);
  if (after[0] !== "env") return after;
  let i = 1;
  while (after[i] === "-u") i += 2;
  while (after[i]?.includes("=")) i += 1;
  return after.slice(i);
}

/** The workspace's PATH without the image's claude: the `claude` a terminal finds can only be the
 * module's, and when the module put none in the script bin dir there is none to fall back to. */
export function terminalPath(ws: BoundaryWorkspace): string {
  return ws.agent.env
    .PATH!.split(":")
    .filter((d) => d !== ws.claudeDir)
    .join(":");
}

/** The start stopped before AgentAPI: no AgentAPI pid and no Claude running. */
export function expectNotStarted(ws: BoundaryWorkspace) {
  expect(existsSync(join(ws.moduleDir, "agentapi.pid"))).toBe(false);
  expect(claudeProcesses(ws.agent)).toEqual([]);
}

export interface PrivateNetwork {
  /** Also run a server on 127.0.0.1:<port> in there, answering "private ok" and, standing in for
   * the Coder agent API, recording each app status PATCHed to it in the file `statusLog`. */
  serverPort?: number;
  statusLog?: string;
  /** Run the start script without this capability, like a container that lacks it. */
  withoutCapability?: string;
  /** Run in a user namespace that may create no further user namespaces (user.max_user_namespaces = 0). */
  noUserNamespaces?: boolean;
}

/** Runs the workspace's start script in a network namespace of its own, holding only loopback.
 * nsjail changes the network it runs in (veth pair, iptables rules, ip_forward) and does not
 * undo all of it on failure: in here it never touches the machine's. Nothing can be downloaded
 * in there, so the workspace must need no download (install_agentapi = false, boundary from
 * `coder` or already installed). */
export async function startInPrivateNetwork(ws: BoundaryWorkspace, network: PrivateNetwork = {}): Promise<ScriptRun> {
  const script = ws.resources.find(
    (r) => r.type === "coder_script" && r.values.run_on_start === true && r.values.agent_id === agentIdOf(ws),
  );
  if (!script) throw new Error("no start script in the state");
  const file = join(ws.agent.dataDir, "private-network-start.sh");
  writeFileSync(file, script.values.script);
  chmodSync(file, 0o755);
  const lines = ["set -e", "ip link set lo up"];
  if (network.serverPort) {
    const server = join(ws.agent.dataDir, "private-server.ts");
    writeFileSync(server, privateServer(network.serverPort, network.statusLog ?? "/dev/null"));
    lines.push(
      `"${process.execPath}" '${server}' >/dev/null 2>&1 </dev/null &`,
      `until (exec 3<>/dev/tcp/127.0.0.1/${network.serverPort}) 2>/dev/null; do sleep 0.05; done`,
    );
  }
  if (network.noUserNamespaces) lines.push("echo 0 >/proc/sys/user/max_user_namespaces");
  const drop = network.withoutCapability ? `setpriv --bounding-set=-${network.withoutCapability} -- ` : "";
  lines.push(`exec ${drop}sh -c '${file}'`);
  const namespaces = network.noUserNamespaces ? ["--user", "--map-root-user", "--net"] : ["--net"];
  const r = await ws.agent.exec("unshare", [...namespaces, "--fork", "--", "bash", "-c", lines.join("\n")], {
    env: ws.agent.scriptEnv,
    timeout: 300_000,
  });
  return { displayName: script.values.display_name, exitCode: r.exitCode ?? -1, output: String(r.all ?? "") };
}

function privateServer(port: number, statusLog: string): string {
  return `import { appendFileSync } from "node:fs";
Bun.serve({
  hostname: "127.0.0.1",
  port: ${port},
  async fetch(req) {
    if (req.method === "PATCH" && new URL(req.url).pathname === "/api/v2/workspaceagents/me/app-status") {
      appendFileSync(${JSON.stringify(statusLog)}, JSON.stringify(await req.json()) + "\\n");
      return new Response(null, { status: 204 });
    }
    return new Response("private ok");
  },
});
`;
}

function agentIdOf(ws: BoundaryWorkspace): string {
  return ws.resources.find((r) => r.type === "coder_agent" && r.name === "main")!.values.id;
}

/** Runs a command in the network namespace of process `pid`. */
export function execInNetworkOf(ws: BoundaryWorkspace, pid: number, command: string, args: string[]) {
  return ws.agent.exec("nsenter", [`--net=/proc/${pid}/ns/net`, "--", command, ...args]);
}

export interface LoopbackServer {
  /** http(s)://<host>:<port> */
  url: string;
  port: number;
  /** Requests that reached this server. */
  hits: number;
  stop(): void;
}

/** An HTTP(S) server on a loopback address (127.0.0.0/8 only), answering "<name> ok". */
export function loopbackServer(
  hostname: string,
  name: string,
  tls?: { cert: string; key: string },
  port = 0,
): LoopbackServer {
  if (!hostname.startsWith("127.")) throw new Error(`not a loopback address: ${hostname}`);
  const state = { hits: 0 };
  const server = Bun.serve({
    hostname,
    port,
    ...(tls ? { tls } : {}),
    fetch() {
      state.hits++;
      return new Response(`${name} ok`);
    },
  });
  return {
    url: `${tls ? "https" : "http"}://${hostname}:${server.port}`,
    port: server.port!,
    get hits() {
      return state.hits;
    },
    stop: () => server.stop(true),
  };
}

/** A self-signed certificate for "localhost", and the file holding it (to trust it). */
export function localhostCertificate(): { cert: string; key: string; file: string } {
  const dir = scratchDir("tls");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  return {
    cert: readFileSync(join(dir, "cert.pem"), "utf8"),
    key: readFileSync(join(dir, "key.pem"), "utf8"),
    file: join(dir, "cert.pem"),
  };
}

/** Runs curl through the workspace's boundary wrapper (the command Claude is launched with)
 * and returns the HTTP status, or "000" when no connection was made. */
export async function curlInside(
  ws: BoundaryWorkspace,
  url: string,
  extra: string[] = [],
  networkOf?: number,
): Promise<{ status: string; exitCode: number; body: string }> {
  const marker = "\n@@status=";
  const wrapper = join(ws.moduleDir, "bin", "boundary-run");
  const args = ["curl", "--silent", "--max-time", "10", "--write-out", `${marker}%{http_code}`, ...extra, url];
  const r = networkOf ? await execInNetworkOf(ws, networkOf, wrapper, args) : await ws.agent.exec(wrapper, args);
  const out = String(r.stdout);
  const i = out.lastIndexOf(marker);
  return {
    status: i >= 0 ? out.slice(i + marker.length).trim() : "",
    exitCode: r.exitCode ?? -1,
    body: i >= 0 ? out.slice(0, i) : out,
  };
}
