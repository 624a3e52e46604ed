// Claude's own configuration in ~/.claude.json.

import { atomicWrite, log, needCmd, warn } from "../lib.ts";
import { step } from "../script.ts";
import { sh } from "../sh.ts";
import { note } from "./common.ts";

export const seedClaudeConfig = step(
  "seed_claude_config",
  "Marks onboarding done and the work dir trusted in ~/.claude.json (merged, never overwritten), so Claude starts without questions.",
  [log, warn, needCmd, atomicWrite, note],
  sh`
    local file="\${HOME}/.claude.json" target mode current updated normalized
    need_cmd jq "to update ~/.claude.json; install the jq package in the workspace image"
    # Write through a symlink (e.g. to a persistent volume) instead of replacing it.
    target=$(readlink -f "\${file}")
    current="{}"
    mode=600
    if [[ -e "\${target}" ]]; then
      current=$(<"\${target}")
      mode=$(stat -c %a "\${target}")
    fi
    if ! updated=$(jq --arg dir "\${WORKDIR}" '
      .hasCompletedOnboarding = true
      | .projects[$dir] = ((.projects[$dir] // {}) + {hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true})
    ' <<<"\${current}" 2>/dev/null); then
      warn "\${file} is not valid JSON; left it untouched, so Claude may ask its first-run questions"
      note "claude.json" "malformed, left untouched"
      return 0
    fi
    normalized=$(jq . <<<"\${current}")
    if [[ "\${updated}" == "\${normalized}" ]]; then
      note "claude.json" "already set up"
      return 0
    fi
    printf '%s\\n' "\${updated}" | atomic_write "\${target}" "\${mode}"
    log "marked onboarding done and \${WORKDIR} trusted in \${file}"
    note "claude.json" "onboarding and work dir trust set"
  `,
);
