// A local stand-in for the Coder agent (coder v2.30.0, agent/agent.go): takes the state of an
// applied template and runs its coder_scripts with its coder_env values, in an isolated HOME.
//
// Like the agent:
// - The environment of scripts and terminals is built as updateCommandEnv does: the agent's
//   CODER* workspace variables, overridden by the agent process's own environment (the image's:
//   `path` and `env` below), overridden by every coder_env value of this agent, each expanded
//   with Go's os.ExpandEnv (test/lib/expand-env.ts) against the agent process's own environment
//   only (not against other coder_env values nor the CODER* variables); then the script bin dir
//   goes first on PATH. The process's PATH ends with the coder CLI's directory, as `coder agent`
//   appends its own.
// - Scripts also get CODER_SCRIPT_DATA_DIR and CODER_SCRIPT_BIN_DIR; terminals do not.
// - Every script of a phase (start or stop) runs at once, in HOME; the phase ends when all of
//   them have. A script's text is one argument of `sh -c`, so a script past Linux's 128 KiB for
//   one argument fails to start here as it does there.
// Unlike the agent:
// - The `coder` CLI on PATH is test/doubles/bin/coder: it records each call and hands it to the
//   real CLI (the AGPL build), except the licensed `coder boundary`, which it stands in for. There
//   is no Coder API (CODER_AGENT_URL points nowhere, so the agent token opens nothing) and no CODER_WORKSPACE_ID, GIT_ASKPASS,
//   GIT_SSH_COMMAND, LOGNAME or SHELL.
// - No script sync (`coder exp sync`): the agent socket the CLI is pointed at does not exist.
// - No coder_app health checks, no startup-script timeouts or "blocks login", no cron scripts, no
//   log files or log upload: a script's output comes back from start()/stop() instead.
// - A script runs through `sh`, not the user's shell, as this machine's user, without a pty, for
//   at most 5 minutes; all scripts share one CODER_SCRIPT_DATA_DIR (the agent gives each its own).
// - Stopping ends every process of the workspace (found by a marker variable), as a stopped
//   container would, unless told not to.
// - Given a mount namespace (test/lib/private-etc.ts), every script and terminal runs in it, so
//   what the workspace writes to /etc stays the workspace's, as in a container.

import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { execa, type Options } from "execa";
import { readCoderDoubleLog } from "./coder-double.ts";
import { expandEnv, lookupIn } from "./expand-env.ts";
import { coderBinary, doublesBin, root } from "./paths.ts";
import { scratchDir } from "./scratch.ts";
import type { TfResource } from "./terraform.ts";

export interface ScriptRun {
  displayName: string;
  exitCode: number;
  output: string;
}

export interface AgentOptions {
  resources: TfResource[];
  /** Name of the coder_agent resource whose scripts run (default "main"). */
  agentName?: string;
  /** Directories of the image's PATH, before the system's (e.g. one holding a pre-installed claude). */
  path?: string[];
  /** More of the image's environment, which the agent process starts with: coder_env values
   * override these, and their `$NAME`s expand to these. */
  env?: Record<string, string>;
  home?: string;
  /** A process whose mount namespace every script and terminal runs in (test/lib/private-etc.ts). */
  mountNamespace?: number;
}

const systemPath = "/usr/local/bin:/usr/bin:/bin:/usr/local/go/bin";

/** The machine's TLS trust and proxy settings, which a workspace image would carry too. */
function networkEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && /(^|_)(CA|CERTS?|CAINFO|BUNDLE|PROXY)(_|$)/i.test(e[0]),
    ),
  );
}

export class LocalAgent {
  readonly home: string;
  readonly dataDir: string;
  readonly binDir: string;
  readonly marker = randomUUID();
  private readonly resources: TfResource[];
  private readonly agentId: string;
  private readonly baseEnv: Record<string, string>;
  private readonly mountNamespace: number | undefined;

  constructor(options: AgentOptions) {
    this.resources = options.resources;
    const agentName = options.agentName ?? "main";
    const agent = this.resources.find((r) => r.type === "coder_agent" && r.name === agentName);
    if (!agent) throw new Error(`no coder_agent "${agentName}" in the state`);
    this.agentId = agent.values.id;
    this.home = options.home ?? scratchDir("home");
    this.mountNamespace = options.mountNamespace;
    this.dataDir = scratchDir("agent-data");
    this.binDir = join(this.dataDir, "bin");
    mkdirSync(this.binDir, { recursive: true });
    // The agent process's own environment: the image's, and PATH ending with the coder CLI's directory.
    const image: Record<string, string> = {
      ...networkEnv(),
      HOME: this.home,
      USER: process.env.USER ?? "root",
      LANG: "C.UTF-8",
      PATH: [...(options.path ?? []), doublesBin, systemPath].join(":"),
      CODER_AGENT_URL: "http://127.0.0.1:9/",
      // The agent gives every command its token ("specific Coder subcommands require" it); here it opens nothing.
      CODER_AGENT_TOKEN: `local-agent-token-${this.marker}`,
      // The module installs pinned Claude Code from npm; a shared cache keeps that fast.
      npm_config_cache: join(root, ".tools", "npm-cache"),
      npm_config_update_notifier: "false",
      // A global npm install in the workspace (Claude Code's own updater, run as root here) lands in
      // the workspace's data dir, never in this machine's /usr, where later tests would find it.
      npm_config_prefix: join(this.dataDir, "npm-global"),
      CODER_DOUBLE_LOG: join(this.dataDir, "coder-double.log"),
      CODER_REAL_BIN: coderBinary,
      CLAUDE_MODULE_TEST_AGENT: this.marker,
      // No script sync here: `coder exp sync` must not reach a real agent's socket on this machine.
      CODER_AGENT_SOCKET_PATH: join(this.dataDir, "no-agent.sock"),
      ...options.env,
    };
    const agentProcess = { ...image, PATH: `${image.PATH}:${doublesBin}` };
    const lookup = lookupIn(agentProcess);
    const coderEnv = Object.fromEntries(
      this.resources
        .filter((r) => r.type === "coder_env" && r.values.agent_id === this.agentId)
        .map((r) => [r.values.name as string, expandEnv((r.values.value as string | null) ?? "", lookup)]),
    );
    const env: Record<string, string> = {
      CODER: "true",
      CODER_WORKSPACE_NAME: "default",
      CODER_WORKSPACE_OWNER_NAME: "default",
      CODER_WORKSPACE_AGENT_NAME: agentName,
      ...agentProcess,
      ...coderEnv,
    };
    // The agent puts its script bin dir first, for its scripts and every terminal.
    this.baseEnv = { ...env, PATH: `${this.binDir}:${env.PATH ?? ""}` };
  }

  /** The environment a workspace terminal has (coder_env applied, script bin dir on PATH); scripts
   * have CODER_SCRIPT_DATA_DIR and CODER_SCRIPT_BIN_DIR too. */
  get env(): Record<string, string> {
    return { ...this.baseEnv };
  }

  /** The environment a coder_script runs with: a terminal's, and CODER_SCRIPT_DATA_DIR and CODER_SCRIPT_BIN_DIR. */
  get scriptEnv(): Record<string, string> {
    return { ...this.baseEnv, CODER_SCRIPT_DATA_DIR: this.dataDir, CODER_SCRIPT_BIN_DIR: this.binDir };
  }

  private scripts(kind: "run_on_start" | "run_on_stop") {
    return this.resources.filter(
      (r) => r.type === "coder_script" && r.values.agent_id === this.agentId && r.values[kind] === true,
    );
  }

  private async run(kind: "run_on_start" | "run_on_stop"): Promise<ScriptRun[]> {
    // Like the agent, run every script of a phase at once and wait for all of them.
    return Promise.all(
      this.scripts(kind).map(async (script) => {
        // As the agent does: the script's text is one argument of `sh -c` (so it fails, as there,
        // past Linux's 128 KiB for one argument).
        const r = await execa(...this.command("sh", ["-c", script.values.script]), {
          cwd: this.home,
          env: this.scriptEnv,
          extendEnv: false,
          reject: false,
          all: true,
          timeout: 300_000,
        });
        return { displayName: script.values.display_name, exitCode: r.exitCode ?? -1, output: r.all ?? "" };
      }),
    );
  }

  start(): Promise<ScriptRun[]> {
    return this.run("run_on_start");
  }

  /** The text of each start script, as the agent hands it to `sh -c`. */
  startScripts(): string[] {
    return this.scripts("run_on_start").map((s) => s.values.script as string);
  }

  /** Runs the stop scripts, then (unless told not to) ends whatever the workspace still runs, as a stopped container would. */
  async stop(options: { kill?: boolean } = {}): Promise<ScriptRun[]> {
    const runs = await this.run("run_on_stop");
    if (options.kill !== false) this.killAll();
    return runs;
  }

  /** The command line that runs `command` in the workspace's mount namespace. */
  private command(command: string, args: string[]): [string, string[]] {
    if (this.mountNamespace === undefined) return [command, args];
    return ["nsenter", [`--mount=/proc/${this.mountNamespace}/ns/mnt`, "--", command, ...args]];
  }

  /** A command in a workspace terminal. */
  exec(command: string, args: string[], options: Options = {}) {
    return execa(...this.command(command, args), {
      cwd: this.home,
      env: this.baseEnv,
      extendEnv: false,
      reject: false,
      all: true,
      timeout: 120_000,
      ...options,
    });
  }

  /** Pids of every process started in this workspace. */
  processes(): number[] {
    const pids: number[] = [];
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const environ = readFileSync(`/proc/${entry}/environ`, "latin1");
        if (environ.split("\0").includes(`CLAUDE_MODULE_TEST_AGENT=${this.marker}`)) pids.push(Number(entry));
      } catch {
        // The process ended while we looked.
      }
    }
    return pids;
  }

  killAll(): void {
    for (const pid of this.processes()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  /** Kills everything and removes the workspace's files. */
  dispose(): void {
    this.killAll();
    rmSync(this.home, { recursive: true, force: true });
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** The arguments of every call the `coder` test double recorded. */
  coderCalls(): string[][] {
    return readCoderDoubleLog(this.baseEnv.CODER_DOUBLE_LOG!).map((call) => call.argv);
  }
}
