// What Claude Code is launched through (boundary wraps it here when enabled).

import { fn } from "../lib.ts";
import { sh } from "../sh.ts";

/** launch_command CMD...: fills the global array LAUNCH with the command AgentAPI runs. */
export const launchCommand = fn(
  "launch_command",
  [],
  sh`
    LAUNCH=("$@")
  `,
);
