// A workspace terminal for the local agent's apps: an app's command run the way a terminal runs
// it (a login shell in a PTY, through `script`).

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { execa } from "execa";
import type { LocalAgent } from "./agent.ts";
import { scratchDir } from "./scratch.ts";

/** Runs `command` in a PTY with the terminal's environment, ended by `timeout` after `seconds`. */
export function runInTerminal(agent: LocalAgent, command: string, seconds: number) {
  const file = join(scratchDir("app"), `app-${randomUUID()}.sh`);
  writeFileSync(file, command);
  return execa("timeout", ["--signal=TERM", String(seconds), "script", "-qfec", `bash ${file}`, "/dev/null"], {
    cwd: agent.home,
    env: { ...agent.env, TERM: "xterm-256color", SHELL: "/bin/bash" },
    extendEnv: false,
    reject: false,
    all: true,
  });
}
