// What Claude Code is launched through: boundary, when it is enabled.

import { die, fn, warn } from "../lib.ts";
import { sh } from "../sh.ts";

/** launch_command CMD...: fills the global array LAUNCH with the command AgentAPI runs. With
 * boundary enabled, CMD runs inside it; without a successful boundary set-up (or the explicit
 * boundary_fail_open), nothing is launched. */
export const launchCommand = fn(
  "launch_command",
  [die, warn],
  sh`
    local state_file="\${MODULE_DIR}/boundary/state" state=""
    LAUNCH=("$@")
    [[ "\${ARG_ENABLE_BOUNDARY}" == true ]] || return 0
    if [[ -f "\${state_file}" ]]; then
      state=$(<"\${state_file}")
    fi
    case "\${state}" in
      filtered) LAUNCH=("\${BIN_DIR}/boundary-run" "$@") ;;
      unfiltered) warn "boundary is enabled but could not start: launching Claude Code WITHOUT network filtering (boundary_fail_open)" ;;
      *) die "boundary is enabled but was not set up in this start, so Claude Code is not launched; see \${MODULE_DIR}/boundary.log" ;;
    esac
  `,
);
