// The start-up summary.

import { log } from "../lib.ts";
import { step } from "../script.ts";
import { sh } from "../sh.ts";

export const summary = step(
  "summary",
  "Prints what this start did, and keeps it in ~/.claude-module/summary.txt.",
  [log],
  sh`
    local line
    log "summary:"
    while IFS= read -r line; do
      log "  \${line}"
    done <"\${SUMMARY_FILE}"
  `,
);
