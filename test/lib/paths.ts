// Where the real components built by tools/bootstrap.sh live.

import { readFileSync } from "node:fs";
import { join } from "node:path";

export const root = join(import.meta.dir, "..", "..");
export const tools = join(root, ".tools");

const versions = Object.fromEntries(
  readFileSync(join(root, "tools", "versions.env"), "utf8")
    .split("\n")
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => {
      const [key, value] = line.split("=", 2) as [string, string];
      return [key, value.replace(/^"|"$/g, "")];
    }),
);

function version(key: string): string {
  const value = versions[key];
  if (!value) throw new Error(`tools/versions.env has no ${key}`);
  return value;
}

export const providerVersions = version("CODER_PROVIDER_VERSIONS").split(" ");
export const newestProvider = providerVersions[providerVersions.length - 1]!;
export const agentapiVersion = version("AGENTAPI_VERSION");
export const agentapiBinary = join(tools, "bin", `agentapi-${agentapiVersion}`);
/** boundary built from the Go module proxy with its version stamped, like a release binary. */
export const boundaryVersion = version("BOUNDARY_VERSION");
export const boundaryBinary = join(tools, "bin", `boundary-${boundaryVersion}`);

/** The real Claude Code CLI from npm (package-lock.json pins it). */
export const claudePackage = join(root, "node_modules", "@anthropic-ai", "claude-code");
export const claudeBinary = join(claudePackage, "bin", "claude.exe");
export const claudeVersion: string = JSON.parse(readFileSync(join(claudePackage, "package.json"), "utf8")).version;

export const doublesBin = join(root, "test", "doubles", "bin");

export function terraformrc(providerVersion: string): string {
  return join(tools, "tf", providerVersion, "terraformrc");
}

/** Coder versions tools/bootstrap.sh builds (AGPL ./cmd/coder), oldest first. */
export const coderVersions = version("CODER_VERSIONS").split(" ");
/** The newest Coder's binary: server, agent and CLI in one. */
export const coderBinary = join(tools, "coder", coderVersions.at(-1)!, "coder");
/** The Unix user the real-Coder level's workspaces run as. */
export const workspaceUser = version("WORKSPACE_USER");
