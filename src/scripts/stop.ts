// The stop script: hands a task's chat to Coder (the log snapshot), shuts AgentAPI (and Claude under
// it) or the tmux session down cleanly when the workspace stops, so Claude can finish writing its transcript and
// AgentAPI its state file, then the status relay that sends Claude's last status.

import type { ScriptDef } from "../script.ts";

export const stop: ScriptDef<"stop"> = {
  name: "stop",
  doc: "Stops AgentAPI and Claude cleanly when the workspace stops.",
  globals: "stop-globals.sh",
  steps: [
    { step: "task_log_snapshot" },
    { step: "stop_agentapi" },
    { step: "stop_tmux_session" },
    { step: "stop_status_relay" },
  ],
};
