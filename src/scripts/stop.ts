// The stop script: shuts AgentAPI (and Claude under it) down cleanly when the workspace stops, so
// Claude can finish writing its transcript. Its one step is step_stop_agentapi in src/sh/agentapi.sh.

import type { ScriptDef } from "../script.ts";

export const stop: ScriptDef<"stop"> = {
  name: "stop",
  doc: "Stops AgentAPI and Claude cleanly when the workspace stops.",
  globals: "stop-globals.sh",
  steps: [{ step: "stop_agentapi" }],
};
