// Terraform with the real coder/coder provider from the local filesystem mirror.

import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { newestProvider, root, terraformrc } from "./paths.ts";
import { scratchDir } from "./scratch.ts";

export function tfEnv(providerVersion = newestProvider): Record<string, string> {
  return {
    TF_CLI_CONFIG_FILE: terraformrc(providerVersion),
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
  };
}

export async function terraform(
  dir: string,
  args: string[],
  providerVersion = newestProvider,
  env: Record<string, string> = {},
) {
  return execa("terraform", args, {
    cwd: dir,
    env: { ...tfEnv(providerVersion), ...env },
    reject: false,
    all: true,
  });
}

/** A string that Terraform's JSON syntax takes literally (no ${} or %{} templates). */
export function literal(value: string): string {
  // A function replacement: in a replacement string, "$$" would mean a single "$".
  return value.replaceAll("${", () => "$${").replaceAll("%{", () => "%%{");
}

/** Module inputs; a list is a list of strings (e.g. boundary_allowlist); an object (e.g. telemetry) is
 * passed as it is, so its strings must not hold ${ or %{. */
export type Inputs = Record<string, string | number | boolean | null | string[] | Record<string, unknown>>;

/** More of a template: top-level blocks (e.g. `provider`), in `resource` more resources next to the
 * agent, and in `modules` more blocks of this module (by block name, their inputs). */
export interface TemplateExtra {
  resource?: Record<string, Record<string, object>> | undefined;
  modules?: Record<string, Inputs> | undefined;
  [block: string]: unknown;
}

/** What a hand-written template (HCL) puts before the module block: the coder provider, the
 * workspace and one coder_agent ("main"). */
export const templatePreamble = `
terraform {
  required_providers {
    coder = { source = "coder/coder" }
  }
}
data "coder_workspace" "me" {}
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
`;

/** A template with one coder_agent ("main") and the module under test, in a fresh directory. */
export function writeTemplate(inputs: Inputs, extra: TemplateExtra = {}): string {
  const dir = scratchDir("template");
  const moduleBlock = (inputs: Inputs) => {
    const block: Record<string, unknown> = { source: root, agent_id: "${coder_agent.main.id}" };
    for (const [key, value] of Object.entries(inputs)) {
      block[key] =
        typeof value === "string" ? literal(value) : Array.isArray(value) ? value.map((v) => literal(v)) : value;
    }
    return block;
  };
  const { resource, modules = {}, ...blocks } = extra;
  const config = {
    terraform: { required_providers: { coder: { source: "coder/coder" } } },
    resource: { coder_agent: { main: { os: "linux", arch: "amd64" } }, ...resource },
    module: {
      "claude-code": moduleBlock(inputs),
      ...Object.fromEntries(Object.entries(modules).map(([name, more]) => [name, moduleBlock(more)])),
    },
    ...blocks,
  };
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
  return dir;
}

export interface TfResource {
  address: string;
  type: string;
  name: string;
  values: Record<string, any>;
}

function collect(module: any): TfResource[] {
  return [...(module?.resources ?? []), ...(module?.child_modules ?? []).flatMap(collect)];
}

/** init + apply + the resulting state's resources; throws with Terraform's output on failure. `env`
 * is what Coder's provisioner would give the provider (e.g. CODER_WORKSPACE_OWNER_SESSION_TOKEN). */
export async function apply(
  dir: string,
  providerVersion = newestProvider,
  env: Record<string, string> = {},
): Promise<TfResource[]> {
  for (const args of [
    ["init", "-no-color"],
    ["apply", "-auto-approve", "-no-color"],
  ]) {
    const r = await terraform(dir, args, providerVersion, env);
    if (r.exitCode !== 0) throw new Error(`terraform ${args[0]} failed:\n${r.all}`);
  }
  const show = await terraform(dir, ["show", "-json"], providerVersion);
  if (show.exitCode !== 0) throw new Error(`terraform show failed:\n${show.all}`);
  return collect(JSON.parse(show.stdout).values?.root_module);
}

/** init + plan; returns Terraform's exit code and output (for validation errors). */
export async function plan(dir: string, providerVersion = newestProvider) {
  const init = await terraform(dir, ["init", "-no-color"], providerVersion);
  if (init.exitCode !== 0) throw new Error(`terraform init failed:\n${init.all}`);
  return terraform(dir, ["plan", "-no-color"], providerVersion);
}

export function copyModule(): string {
  const dir = scratchDir("module-copy");
  for (const entry of ["main.tf", "variables.tf", "outputs.tf", "scripts", "tests"]) {
    cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  return dir;
}
