// Directories the module and Claude need.

import { log } from "../lib.ts";
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
