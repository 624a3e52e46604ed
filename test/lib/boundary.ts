// Helpers for the boundary end-to-end tests: workspaces with boundary enabled,
// loopback servers to reach (or not) from inside the jail, and /proc inspection
// of what actually runs.

import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { LocalAgent, type AgentOptions, type ScriptRun } from "./agent.ts";
import { agentapiBinary, claudeBinary } from "./paths.ts";
import type { ReleaseServer } from "./release-server.ts";
import { apply, literal, writeTemplate, type Inputs, type TfResource } from "./terraform.ts";
import { freePort } from "./workspace.ts";

export interface BoundaryWorkspace {
  agent: LocalAgent;
  workdir: string;
  moduleDir: string;
  /** Where boundary keeps its CA (boundary follows XDG_CONFIG_HOME, else the passwd home). */
  caCert: string;
  /** The directory holding the real claude and agentapi, first on the agent's PATH. */
  claudeDir: string;
  resources: TfResource[];
}

const open: { agent: LocalAgent; scratch: string }[] = [];

/** Module inputs; unlike the shared Inputs, boundary_allowlist is a list. */
export type BoundaryInputs = { [key: string]: string | number | boolean | null | string[] | undefined } & {
  boundary_allowlist?: string[];
};

export interface BoundaryOptions extends Omit<AgentOptions, "resources" | "home"> {
  /** The deployment's access URL (data.coder_workspace.me.access_url). */
  accessUrl?: string;
}

/** A workspace with boundary enabled, using the existing real claude (no npm install) and,
 * unless inputs say otherwise, the boundary release from the loopback server. */
export async function boundaryWorkspace(
  server: ReleaseServer,
  { boundary_allowlist, ...inputs }: BoundaryInputs = {},
  options: BoundaryOptions = {},
): Promise<BoundaryWorkspace> {
  // Inputs holds scalars; a list goes into the template's JSON as it is.
  const lists = (boundary_allowlist ? { boundary_allowlist: boundary_allowlist.map(literal) } : {}) as Inputs;
  const scratch = mkdtempSync(join(tmpdir(), "claude-module-boundary-"));
  const workdir = join(scratch, "project");
  const home = join(scratch, "home");
  const claudeDir = join(scratch, "claude-bin");
  mkdirSync(home);
  mkdirSync(claudeDir);
  symlinkSync(claudeBinary, join(claudeDir, "claude"));
  symlinkSync(agentapiBinary, join(claudeDir, "agentapi"));
  const extra = options.accessUrl ? { provider: { coder: { url: options.accessUrl } } } : {};
  const resources = await apply(
    writeTemplate(
      {
        workdir,
        agentapi_releases_url: server.agentapiReleasesUrl,
        claude_installer_url: server.claudeInstallerUrl,
        agentapi_port: await freePort(),
        install_claude_code: false,
        enable_boundary: true,
        use_boundary_directly: true,
        boundary_releases_url: server.boundaryReleasesUrl,
        ...(inputs as Inputs),
        ...lists,
      },
      extra,
    ),
  );
  const agent = new LocalAgent({
    resources,
    home,
    path: [claudeDir, ...(options.path ?? [])],
    ...(options.agentName ? { agentName: options.agentName } : {}),
    // The machine's user is root, whose passwd home is shared: keep boundary's CA in this workspace.
    env: { XDG_CONFIG_HOME: join(home, ".config"), ...options.env },
  });
  open.push({ agent, scratch });
  return {
    agent,
    workdir,
    moduleDir: join(home, ".claude-module"),
    caCert: join(home, ".config", "coder_boundary", "ca-cert.pem"),
    claudeDir,
    resources,
  };
}

export interface PrivateNetwork {
  /** Also run a server on 127.0.0.1:<port> in there, answering "private ok". */
  serverPort?: number;
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
    lines.push(
      `"${process.execPath}" -e 'Bun.serve({ hostname: "127.0.0.1", port: ${network.serverPort}, fetch: () => new Response("private ok") })' >/dev/null 2>&1 </dev/null &`,
      "sleep 1",
    );
  }
  if (network.noUserNamespaces) lines.push("echo 0 >/proc/sys/user/max_user_namespaces");
  const drop = network.withoutCapability ? `setpriv --bounding-set=-${network.withoutCapability} -- ` : "";
  lines.push(`exec ${drop}sh -c '${file}'`);
  const namespaces = network.noUserNamespaces ? ["--user", "--map-root-user", "--net"] : ["--net"];
  const r = await ws.agent.exec("unshare", [...namespaces, "--fork", "--", "bash", "-c", lines.join("\n")], {
    timeout: 300_000,
  });
  return { displayName: script.values.display_name, exitCode: r.exitCode ?? -1, output: String(r.all ?? "") };
}

function agentIdOf(ws: BoundaryWorkspace): string {
  return ws.resources.find((r) => r.type === "coder_agent" && r.name === "main")!.values.id;
}

/** Runs a command in the network namespace of process `pid`. */
export function execInNetworkOf(ws: BoundaryWorkspace, pid: number, command: string, args: string[]) {
  return ws.agent.exec("nsenter", [`--net=/proc/${pid}/ns/net`, "--", command, ...args]);
}

export function disposeBoundaryWorkspaces(): void {
  for (const { agent, scratch } of open.splice(0)) {
    agent.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface Proc {
  pid: number;
  ppid: number;
  exe: string;
  argv: string[];
  cwd: string;
  env: Map<string, string>;
  noNewPrivs: boolean;
}

export function proc(pid: number): Proc | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => status.match(new RegExp(`^${name}:\\s*(\\S+)`, "m"))?.[1] ?? "";
    const env = new Map<string, string>();
    for (const entry of readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")) {
      const i = entry.indexOf("=");
      if (i > 0) env.set(entry.slice(0, i), entry.slice(i + 1));
    }
    return {
      pid,
      ppid: Number(field("PPid")),
      exe: readlinkSync(`/proc/${pid}/exe`),
      argv: readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1),
      cwd: readlinkSync(`/proc/${pid}/cwd`),
      env,
      noNewPrivs: field("NoNewPrivs") === "1",
    };
  } catch {
    return undefined;
  }
}

export function ancestors(pid: number): Proc[] {
  const out: Proc[] = [];
  for (let p = proc(pid); p && p.ppid > 1; p = proc(p.ppid)) {
    const parent = proc(p.ppid);
    if (parent) out.push(parent);
  }
  return out;
}

export function children(pid: number): Proc[] {
  return readdirSync("/proc")
    .filter((e) => /^\d+$/.test(e))
    .map((e) => proc(Number(e)))
    .filter((p): p is Proc => p?.ppid === pid);
}

/** The running Claude Code processes of a workspace (the native binary, whatever launched it). */
export function claudeProcesses(agent: LocalAgent): Proc[] {
  const exe = realpathSync(claudeBinary);
  return agent
    .processes()
    .map((pid) => proc(pid))
    .filter((p): p is Proc => p?.exe === exe);
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(200);
  }
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
export function localhostCertificate(): { cert: string; key: string; file: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), "claude-module-tls-"));
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
    dispose: () => rmSync(dir, { recursive: true, force: true }),
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

/** The exit code of a start, with its output shown when it is not the expected one. */
export function exitOf(run: ScriptRun | undefined, expected = 0): number {
  if (run?.exitCode !== expected) console.error(run?.output);
  return run?.exitCode ?? -1;
}
