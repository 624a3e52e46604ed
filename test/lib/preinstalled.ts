// The real claude and agentapi binaries where an image that already has them keeps them: for the
// tests about using pre-installed binaries, and for tests about Claude's start that need no install.

import { mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { agentapiBinary, claudeBinary } from "./paths.ts";
import { scratchDir } from "./scratch.ts";
import type { Inputs } from "./terraform.ts";

export type Binary = "claude" | "agentapi";

const real: Record<Binary, string> = { claude: claudeBinary, agentapi: agentapiBinary };

/** `dir` (by default a new directory) holding working `names`, links to the real binaries. */
export function preinstalledDir(names: Binary[], dir = scratchDir("preinstalled")): string {
  mkdirSync(dir, { recursive: true });
  for (const name of names) symlinkSync(real[name], join(dir, name));
  return dir;
}

export interface Preinstalled {
  dir: string;
  /** Module inputs that make it use these binaries instead of installing its own. */
  inputs: Inputs;
  /** Agent options that put `dir` on the workspace's PATH. */
  options: { path: string[] };
}

/** A workspace image with `names` already installed on its PATH. */
export function preinstalled(...names: Binary[]): Preinstalled {
  const dir = preinstalledDir(names);
  return {
    dir,
    inputs: {
      ...(names.includes("claude") ? { install_claude_code: false } : {}),
      ...(names.includes("agentapi") ? { install_agentapi: false } : {}),
    },
    options: { path: [dir] },
  };
}
