// Helpers shared by the start script's steps.

import { fn } from "../lib.ts";
import { sh } from "../sh.ts";

/** note KEY VALUE: one line for the start-up summary. */
export const note = fn(
  "note",
  [],
  sh`
    printf '%-14s %s\\n' "$1:" "$2" >>"\${SUMMARY_FILE}"
  `,
);
/** run_logged LOG FUNCTION: runs a step with its output shown and appended to ~/.claude-module/LOG. */
export const runLogged = fn(
  "run_logged",
  [],
  sh`
    LOG_FILE="\${MODULE_DIR}/$1"
    shift
    "$@" 2>&1 | tee -a "\${LOG_FILE}"
  `,
);
