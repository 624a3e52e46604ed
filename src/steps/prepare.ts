// Directories the module and Claude need.

import { log, needCmd } from "../lib.ts";
import { step } from "../script.ts";
import { sh } from "../sh.ts";

export const prepare = step(
  "prepare",
  "Creates the module's own directories and the work dir.",
  [log],
  sh`
    mkdir -p "\${MODULE_DIR}" "\${BIN_DIR}"
    chmod 0700 "\${MODULE_DIR}"
    : >"\${SUMMARY_FILE}"
    if [[ ! -d "\${WORKDIR}" ]]; then
      log "creating work dir \${WORKDIR}"
      mkdir -p -- "\${WORKDIR}"
    fi
  `,
);

export const checkTools = step(
  "check_tools",
  "Checks that the programs the start needs are on PATH before it configures or starts anything (the install hooks may provide them; a download checks for curl itself).",
  [needCmd],
  sh`
    need_cmd curl "to check that AgentAPI is up; install the curl package in the workspace image"
    need_cmd jq "to update Claude's configuration; install the jq package in the workspace image"
    need_cmd sha256sum "to keep track of MCP servers; install coreutils in the workspace image"
    need_cmd setsid "to start AgentAPI detached; install util-linux in the workspace image"
    if [[ "\${ARG_REPORT_TASKS}" == true ]]; then
      need_cmd coder "report_tasks = true uses 'coder exp mcp configure'; the Coder agent provides it (or set report_tasks = false)"
    fi
  `,
);
