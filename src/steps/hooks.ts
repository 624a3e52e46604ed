// The template author's pre_install_script and post_install_script.

import { atomicWrite, die, fn, log } from "../lib.ts";
import { step } from "../script.ts";
import { sh } from "../sh.ts";

/** run_hook NAME BODY: writes BODY to ~/.claude-module/NAME.sh and runs it with bash; its failure stops the start. */
const runHook = fn(
  "run_hook",
  [atomicWrite, die, log],
  sh`
    local file="\${MODULE_DIR}/$1.sh" status=0
    printf '%s' "$2" | atomic_write "\${file}" 700
    log "running $1_script (\${file})"
    # The user's own files get the usual permissions, not this script's private umask; a daemon the
    # hook starts must not keep the start lock.
    (umask 022 && bash "\${file}" </dev/null {START_LOCK_FD}>&-) || status=$?
    ((status == 0)) || die "$1_script failed with exit status \${status}"
    log "$1_script finished"
  `,
);

export const preInstallHook = step(
  "pre_install_hook",
  "Runs pre_install_script before anything is installed.",
  [runHook],
  sh`
    run_hook pre_install "\${ARG_PRE_INSTALL_SCRIPT}"
  `,
);

export const postInstallHook = step(
  "post_install_hook",
  "Runs post_install_script after the installs, before Claude is configured and started.",
  [runHook],
  sh`
    run_hook post_install "\${ARG_POST_INSTALL_SCRIPT}"
  `,
);
