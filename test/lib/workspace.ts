// One workspace for an end-to-end test: the template applied with the real
// provider, and the local agent ready to run its scripts.

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
  const { templateResources, accessUrl, provisionerEnv, ...agentOptions } = options;
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
      { resource: templateResources, ...(accessUrl ? { provider: { coder: { url: accessUrl } } } : {}) },
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

export async function freePort(): Promise<number> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}
