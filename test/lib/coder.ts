// The real Coder deployment started by tools/coder.sh (server, provisioner, `coder agent`, CLI):
// templates pushed with the module, workspaces created, started and stopped through the real CLI,
// and what an admin or user sees read back through Coder's API.

import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { execa, execaSync } from "execa";
import { coderVersions, root, workspaceUser } from "./paths.ts";
import { scratchDir } from "./scratch.ts";
import { literal } from "./terraform.ts";
import { waitFor } from "./wait.ts";
import { freePort } from "./workspace.ts";

export { coderVersions };

export interface Deployment {
  version: string;
  url: string;
  bin: string;
  configDir: string;
  state: string;
  mirrorUrl: string;
  mirrorLog: string;
  homes: string;
  /** npm's cache directory, writable by the workspace user. */
  npmCache: string;
  token: string;
}

/** The deployment of $CODER_VERSION (default: the newest), which tools/coder.sh up must have started. */
export function deployment(version = process.env.CODER_VERSION ?? coderVersions.at(-1)!): Deployment {
  const file = join(root, ".coder", version, "deployment.env");
  if (!existsSync(file)) throw new Error(`no Coder v${version} deployment: run tools/coder.sh up ${version}`);
  const facts = Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return {
    version,
    url: facts.CODER_URL!,
    bin: facts.CODER_BIN!,
    configDir: facts.CODER_CONFIG_DIR!,
    state: facts.CODER_STATE!,
    mirrorUrl: facts.CODER_MIRROR_URL!,
    mirrorLog: facts.CODER_MIRROR_LOG!,
    homes: facts.CODER_HOMES!,
    npmCache: facts.CODER_NPM_CACHE!,
    token: readFileSync(join(facts.CODER_CONFIG_DIR!, "session"), "utf8").trim(),
  };
}

/** The real `coder` CLI, logged in as the first user. */
export function cli(d: Deployment, args: string[], options: { timeout?: number } = {}) {
  return execa(d.bin, args, {
    env: { CODER_CONFIG_DIR: d.configDir, CODER_URL: d.url, NO_COLOR: "1", CODER_NO_VERSION_WARNING: "1" },
    extendEnv: true,
    reject: false,
    all: true,
    timeout: options.timeout ?? 120_000,
    stdin: "ignore",
  });
}

/** `coder ARGS`, throwing with its output when it fails. */
export async function coder(d: Deployment, args: string[], options: { timeout?: number } = {}): Promise<string> {
  const r = await cli(d, args, options);
  if (r.exitCode !== 0) throw new Error(`coder ${args.join(" ")} exited ${r.exitCode}:\n${r.all}`);
  return r.stdout;
}

/** Coder's REST API as the first user. */
export async function api<T = any>(d: Deployment, path: string) {
  const response = await fetch(d.url + path, { headers: { "Coder-Session-Token": d.token } });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** What Coder stored as a task's log snapshot (its task_snapshots row), read from the deployment's
 * database: Coder v2.30 stores what the agent uploads but has no API that reads it back (its task
 * logs are the live app's only). Undefined when there is none. */
export async function storedTaskSnapshot(d: Deployment, taskId: string): Promise<unknown> {
  const found = execaSync("find", ["/usr/lib/postgresql", "-maxdepth", "3", "-path", "*/bin/psql"]).stdout;
  const psql = found.split("\n").sort().at(-1);
  if (!psql) throw new Error("PostgreSQL's psql is missing: run tools/bootstrap.sh");
  // tools/coder.sh puts PostgreSQL two ports above the server's.
  const port = Number(new URL(d.url).port) + 2;
  if (!/^[0-9a-f-]{36}$/.test(taskId)) throw new Error(`not a task id: ${taskId}`);
  const r = await execa(psql, [
    `postgres://postgres@127.0.0.1:${port}/coder?sslmode=disable`,
    "-Atc",
    `select log_snapshot::text from task_snapshots where task_id = '${taskId}'`,
  ]);
  return r.stdout === "" ? undefined : JSON.parse(r.stdout);
}

/** A Terraform expression in the template (e.g. `data.coder_task.me.prompt`), not a literal string. */
export class Expr {
  constructor(readonly expression: string) {}
}
export const expr = (expression: string) => new Expr(expression);

/** Module inputs; strings are taken literally; an object (e.g. managed_settings) is passed as it is,
 * so its strings must not hold ${ or %{. */
export type ModuleInputs = Record<string, string | number | boolean | string[] | Expr | { [key: string]: unknown }>;

export interface TemplateSpec {
  /** The module's inputs (agent_id, the mirror URLs, the API key and the port are added unless given). */
  module?: ModuleInputs;
  /** Further files of the template (e.g. `tasks.tf` with coder_ai_task), by name. */
  files?: Record<string, string>;
  /** Instead of `module`: a .tf file holding the module block as written (a README example). */
  moduleTf?: string;
  modelUrl: string;
  modelApiKey: string;
}

/** The module's files as a template author vendors them. */
function vendorModule(dir: string): void {
  for (const entry of ["main.tf", "variables.tf", "outputs.tf", "scripts"]) {
    cpSync(join(root, entry), join(dir, "modules", "claude-code", entry), { recursive: true });
  }
}

/** Tasks, the way Coder ≥ 2.28 gives a task's prompt to Terraform. */
export const tasksTf = `
data "coder_task" "me" {}

resource "coder_ai_task" "task" {
  count  = data.coder_workspace.me.start_count
  app_id = module.claude-code.task_app_id
}
`;

/** Pushes a template made of test/coder/template and the module, returning its name. */
export async function pushTemplate(d: Deployment, name: string, spec: TemplateSpec): Promise<string> {
  const dir = scratchDir(`template-${name}`);
  cpSync(join(root, "test", "coder", "template"), dir, { recursive: true });
  vendorModule(dir);
  if (spec.moduleTf !== undefined) {
    writeFileSync(join(dir, "module.tf"), spec.moduleTf);
  } else {
    const module: Record<string, unknown> = {
      source: "./modules/claude-code",
      agent_id: "${coder_agent.main.id}",
      agentapi_releases_url: "${var.releases_url}/agentapi",
      claude_installer_url: "${var.releases_url}/claude/install.sh",
      boundary_releases_url: "${var.releases_url}/boundary",
      claude_api_key: "${var.model_api_key}",
      agentapi_port: "${var.agentapi_port}",
    };
    for (const [key, value] of Object.entries(spec.module ?? {})) {
      module[key] =
        value instanceof Expr
          ? `\${${value.expression}}`
          : typeof value === "string"
            ? literal(value)
            : Array.isArray(value)
              ? value.map(literal)
              : value;
    }
    writeFileSync(join(dir, "module.tf.json"), JSON.stringify({ module: { "claude-code": module } }, null, 2));
  }
  for (const [file, text] of Object.entries(spec.files ?? {})) writeFileSync(join(dir, file), text);
  const port = await freePort();
  let port2 = await freePort();
  while (port2 === port) port2 = await freePort();
  const variables = {
    compute_script: join(root, "test", "coder", "compute.sh"),
    homes: d.homes,
    coder_bin: d.bin,
    workspace_user: workspaceUser,
    model_url: spec.modelUrl,
    model_api_key: spec.modelApiKey,
    releases_url: d.mirrorUrl,
    agentapi_port: port,
    agentapi_port_2: port2,
  };
  const varsFile = join(dir, "..", `${name}-variables.yaml`);
  writeFileSync(
    varsFile,
    Object.entries(variables)
      .map(([k, v]) => `${k}: ${JSON.stringify(String(v))}`)
      .join("\n") + "\n",
    { mode: 0o600 },
  );
  await coder(d, ["templates", "push", name, "-d", dir, "--yes", "--variables-file", varsFile], { timeout: 300_000 });
  return name;
}

export interface Agent {
  id: string;
  name: string;
  lifecycle_state: string;
  log_sources?: { id: string; display_name: string }[];
  apps: {
    slug: string;
    health: string;
    command?: string;
    open_in?: string;
    statuses?: { state: string; message: string }[];
  }[];
}

export interface WorkspaceView {
  id: string;
  name: string;
  latest_build: { id: string; transition: string; status: string; resources: { agents?: Agent[] }[] };
}

/** A workspace the tests created, as the API shows it. */
export async function workspaceView(d: Deployment, name: string): Promise<WorkspaceView> {
  return api<WorkspaceView>(d, `/api/v2/users/me/workspace/${name}`);
}

export function agentOf(view: WorkspaceView): Agent | undefined {
  return view.latest_build.resources.flatMap((r) => r.agents ?? [])[0];
}

/** Waits until the latest build has finished and its agent reached a final lifecycle state. */
export async function waitAgent(d: Deployment, name: string, timeoutMs = 240_000): Promise<Agent> {
  return waitFor(
    `workspace ${name}'s agent to finish starting`,
    async () => {
      const view = await workspaceView(d, name);
      if (view.latest_build.status === "failed") throw new Error(`workspace ${name}: build failed`);
      const agent = agentOf(view);
      return agent && ["ready", "start_error", "start_timeout", "shutdown_error"].includes(agent.lifecycle_state)
        ? agent
        : undefined;
    },
    timeoutMs,
  );
}

/** Waits until the workspace's latest build is `status` (e.g. "stopped"). */
export async function waitBuild(d: Deployment, name: string, status: string, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    `workspace ${name}'s build to be ${status}`,
    async () => {
      const view = await workspaceView(d, name);
      if (view.latest_build.status === "failed") throw new Error(`workspace ${name}: build failed`);
      return view.latest_build.status === status ? true : undefined;
    },
    timeoutMs,
  );
}

export interface ScriptLog {
  source: string;
  output: string;
}

/** Every line the agent uploaded (its scripts' output), with the script's display name. Works for
 * an agent of an earlier build too (e.g. to read the stop script's output after a stop). */
export async function agentLogs(d: Deployment, agent: Agent): Promise<ScriptLog[]> {
  const names = new Map((agent.log_sources ?? []).map((s) => [s.id, s.display_name]));
  const logs = await api<{ source_id: string; output: string }[]>(
    d,
    `/api/v2/workspaceagents/${agent.id}/logs?format=json`,
  );
  return logs.map((l) => ({ source: names.get(l.source_id) ?? l.source_id, output: l.output }));
}

/** What the agent wrote to its own log file for a script (CODER_AGENT_LOG_DIR/coder-script-<source>.log).
 * The stop script's output is read here: Coder v2.36's agent disconnects before it runs the stop
 * scripts, so their output never reaches Coder's API. */
export function agentScriptLog(d: Deployment, workspace: string, agent: Agent, source: string): string {
  const id = agent.log_sources?.find((s) => s.display_name === source)?.id;
  if (!id) throw new Error(`agent ${agent.id} has no log source "${source}"`);
  const file = join(`${homeOf(d, workspace)}.logs`, `coder-script-${id}.log`);
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/** The output of one script, as the dashboard shows it. */
export const scriptOutput = (logs: ScriptLog[], source: string) =>
  logs
    .filter((l) => l.source === source)
    .map((l) => l.output)
    .join("\n");

/** A unique workspace name (Coder: lowercase letters, digits and hyphens). */
/** The chat app `slug` of workspace `ws` through Coder's path-based app proxy, as the dashboard opens it. */
export const chatUrl = (d: Deployment, ws: string, slug = "ccw") => `${d.url}/@admin/${ws}.main/apps/${slug}`;

/** Types `text` in the chat app `slug` (through Coder's app proxy to AgentAPI's /message) once Coder
 * reports the app healthy, as a person waits for it; retried until AgentAPI takes it. */
export async function sendChat(d: Deployment, ws: string, text: string, slug = "ccw"): Promise<void> {
  await waitFor(`the ${slug} app to be healthy`, async () =>
    agentOf(await workspaceView(d, ws))?.apps.find((a) => a.slug === slug)?.health === "healthy" ? true : undefined,
  );
  await waitFor(`the ${slug} chat to take a message`, async () => {
    const sent = await fetch(`${chatUrl(d, ws, slug)}/message`, {
      method: "POST",
      headers: { "Coder-Session-Token": d.token, "Content-Type": "application/json" },
      body: JSON.stringify({ content: text, type: "user" }),
    });
    return sent.ok ? true : undefined;
  });
}

export const uniqueName = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}`;

/** The workspace's persistent home on this machine. */
export const homeOf = (d: Deployment, workspace: string) => join(d.homes, `admin.${workspace}`);

/** Lines the release mirror has served so far (its request log). */
export function mirrorRequests(d: Deployment): string[] {
  return existsSync(d.mirrorLog) ? readFileSync(d.mirrorLog, "utf8").split("\n").filter(Boolean) : [];
}

/** The names of the first user's workspaces made from `template`. */
export async function workspacesOf(d: Deployment, template: string): Promise<string[]> {
  const found = await api<{ workspaces: { name: string }[] }>(
    d,
    `/api/v2/workspaces?q=${encodeURIComponent(`owner:me template:${template}`)}`,
  );
  return found.workspaces.map((w) => w.name);
}

/** Deletes a workspace (its agent stops through the template's destroy step) and its home. */
export async function deleteWorkspace(d: Deployment, name: string): Promise<void> {
  await cli(d, ["delete", name, "--yes"], { timeout: 180_000 });
  await waitFor(
    `workspace ${name} to be deleted`,
    async () => {
      const r = await fetch(`${d.url}/api/v2/users/me/workspace/${name}`, {
        headers: { "Coder-Session-Token": d.token },
      });
      if (r.status === 404) return true;
      const view = (await r.json()) as WorkspaceView;
      return view.latest_build.status === "deleted" ? true : undefined;
    },
    180_000,
  );
  rmSync(homeOf(d, name), { recursive: true, force: true });
  rmSync(`${homeOf(d, name)}.logs`, { recursive: true, force: true });
}

/** "--tty " where `coder ssh` runs a command without a PTY unless asked (newer CLIs), else "". */
const tty = (d: Deployment) =>
  /--tty\b/.test(execaSync(d.bin, ["ssh", "--help"], { reject: false, all: true }).all ?? "") ? "--tty " : "";

const shellQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs COMMAND in the workspace through `coder ssh` in a PTY for `seconds`, as a terminal app runs,
 * and returns what the terminal showed. It answers the two queries a real terminal emulator answers
 * (background colour and cursor position); without answers, TUI programs wait for them. */
export async function runInTerminal(d: Deployment, workspace: string, command: string, seconds: number) {
  const remote = `bash -c ${shellQuote(command)}`;
  const child = spawn("script", ["-qfec", `${d.bin} ssh ${tty(d)}${workspace} -- ${shellQuote(remote)}`, "/dev/null"], {
    env: { PATH: "/usr/local/bin:/usr/bin:/bin", CODER_CONFIG_DIR: d.configDir, TERM: "xterm-256color" },
  });
  let shown = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    shown += text;
    if (text.includes("\x1b]11;?")) child.stdin.write("\x1b]11;rgb:0000/0000/0000\x1b\\");
    if (text.includes("\x1b[6n")) child.stdin.write("\x1b[1;1R");
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const timer = setTimeout(() => child.kill("SIGTERM"), seconds * 1000);
  await exited;
  clearTimeout(timer);
  return shown;
}
