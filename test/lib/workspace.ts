// One workspace for an end-to-end test: the template applied with the real
// provider, and the local agent ready to run its scripts.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { LocalAgent, type AgentOptions } from "./agent.ts";
import type { ReleaseServer } from "./release-server.ts";
import { scratchDir } from "./scratch.ts";
import { apply, writeTemplate, type Inputs, type TfResource } from "./terraform.ts";

export interface WorkspaceOptions extends Omit<AgentOptions, "resources"> {
  /** The deployment's access URL (data.coder_workspace.me.access_url), set on the template's coder provider. */
  accessUrl?: string;
  /** Resources the template declares next to the agent and the module, by type and name (e.g. its own coder_env). */
  templateResources?: Record<string, Record<string, object>>;
  /** What Coder's provisioner gives the provider, e.g. CODER_WORKSPACE_OWNER_SESSION_TOKEN. */
  provisionerEnv?: Record<string, string>;
  /** More blocks of the module in the template (by block name, their inputs, taken as they are). */
  modules?: Record<string, Inputs>;
}

export interface Workspace {
  agent: LocalAgent;
  workdir: string;
  moduleDir: string;
  /** Every resource of the applied template. */
  resources: TfResource[];
}

const open: LocalAgent[] = [];

export async function workspace(
  server: ReleaseServer,
  inputs: Inputs = {},
  options: WorkspaceOptions = {},
): Promise<Workspace> {
  const { templateResources, accessUrl, provisionerEnv, modules, ...agentOptions } = options;
  const workdir = (inputs.workdir as string | undefined) ?? join(scratchDir("work"), "project");
  const resources = await apply(
    writeTemplate(
      {
        workdir,
        agentapi_releases_url: server.agentapiReleasesUrl,
        claude_installer_url: server.claudeInstallerUrl,
        agentapi_port: await freePort(),
        ...inputs,
      },
      { resource: templateResources, modules, ...(accessUrl ? { provider: { coder: { url: accessUrl } } } : {}) },
    ),
    undefined,
    provisionerEnv,
  );
  const agent = new LocalAgent({ resources, ...agentOptions });
  open.push(agent);
  return { agent, workdir, moduleDir: join(agent.home, ".claude-module"), resources };
}

/** Ends every workspace's processes and removes its files (call from afterEach/afterAll). */
export function disposeWorkspaces(): void {
  for (const agent of open.splice(0)) agent.dispose();
}

/** A port on 127.0.0.1 that nothing listens on, for a server started later (AgentAPI's, a test's
 * own). Picked from 3000-5999, below the kernel's range for bind(0) and outgoing connections: a
 * port from that range can be taken by any other socket on the machine before the server listens. */
export async function freePort(): Promise<number> {
  const [ephemeral] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  if (!(ephemeral! > 6000))
    throw new Error(`net.ipv4.ip_local_port_range starts at ${ephemeral}; the tests need it above 6000`);
  for (let tries = 0; tries < 100; tries++) {
    const port = 3000 + Math.floor(Math.random() * 3000);
    try {
      Bun.serve({ hostname: "127.0.0.1", port, fetch: () => new Response() }).stop(true);
      return port;
    } catch {
      // taken: another
    }
  }
  throw new Error("no free port on 127.0.0.1 in 3000-5999 after 100 tries");
}
