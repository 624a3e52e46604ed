// The stop script: shuts AgentAPI (and Claude under it) down cleanly when the
// workspace stops, so Claude can finish writing its transcript.

import { log, warn } from "../lib.ts";
import { step, type ScriptDef } from "../script.ts";
import { sh } from "../sh.ts";
import { identifyAgentapi } from "../steps/agentapi-run.ts";

const stopAgentapi = step(
  "stop_agentapi",
  "Sends SIGTERM to AgentAPI, waits a bounded time, then SIGKILL.",
  [log, warn, identifyAgentapi],
  sh`
    local pid waited=0
    if [[ ! -f "\${PID_FILE}" ]]; then
      log "AgentAPI is not running (no pid file)"
      return 0
    fi
    pid=$(<"\${PID_FILE}")
    # A stale pid file may name a process that reused the pid: only signal our AgentAPI.
    identify_agentapi "\${pid}"
    if [[ "\${OUR_AGENTAPI}" == false ]]; then
      log "AgentAPI is not running"
      rm -f "\${PID_FILE}"
      return 0
    fi
    log "stopping AgentAPI (pid \${pid})"
    kill -TERM "\${pid}" 2>/dev/null || true
    while kill -0 "\${pid}" 2>/dev/null; do
      if ((waited >= STOP_TIMEOUT * 5)); then
        warn "AgentAPI did not exit within \${STOP_TIMEOUT}s; killing it"
        kill -KILL "\${pid}" 2>/dev/null || true
        break
      fi
      sleep 0.2
      waited=$((waited + 1))
    done
    rm -f "\${PID_FILE}"
    log "AgentAPI stopped"
  `,
);

export const stop: ScriptDef = {
  name: "stop",
  doc: "Stops AgentAPI and Claude cleanly when the workspace stops.",
  globals: sh`
    MODULE_DIR="\${HOME}/.claude-module"
    BIN_DIR="\${MODULE_DIR}/bin"
    PID_FILE="\${MODULE_DIR}/agentapi.pid"
    STOP_TIMEOUT=15
    LOG_FILE=""
  `,
  steps: [stopAgentapi],
  main: sh`
    step_stop_agentapi
  `,
};
