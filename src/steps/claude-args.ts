// The arguments Claude Code is started with under AgentAPI.

import { fn } from "../lib.ts";
import { sh } from "../sh.ts";

/** claude_args: fills the global array CLAUDE_ARGS with Claude's command-line arguments. */
export const claudeArgs = fn(
  "claude_args",
  [],
  sh`
    CLAUDE_ARGS=()
    if [[ -n "\${ARG_AI_PROMPT}" ]]; then
      CLAUDE_ARGS+=(-- "\${ARG_AI_PROMPT}")
    fi
  `,
);
