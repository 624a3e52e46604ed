// A task's status as Coder shows it (the task's current state, and the history of statuses the
// module's app reported: the dashboard's list), read through Coder's API; and what a person does
// to a running task: send it a message, answer Claude's permission dialog in the chat.

import { agentOf, api, cli, workspaceView, type Deployment } from "./coder.ts";
import { waitFor } from "./wait.ts";

export interface TaskView {
  id: string;
  status: string;
  workspace_name: string;
  current_state: { state: string; message: string } | null;
}

export const taskStatus = (d: Deployment, task: string) => api<TaskView>(d, `/api/v2/tasks/admin/${task}`);

/** Every status the module's app reported to Coder, oldest first, as "state: message" (the
 * dashboard's history; the API lists it newest first). */
export const appStatuses = async (d: Deployment, ws: string) =>
  (agentOf(await workspaceView(d, ws))?.apps.find((a) => a.slug === "ccw")?.statuses ?? [])
    .map((s) => `${s.state}: ${s.message}`)
    .reverse();

/** Waits until the task's current state is `state`; returns its message. */
export const waitState = (d: Deployment, task: string, state: string) => {
  let last = "";
  return waitFor(
    `task ${task} to show ${state}`,
    async () => {
      const current = (await taskStatus(d, task)).current_state;
      last = `${current?.state}: ${current?.message}`;
      return current?.state === state ? current.message : undefined;
    },
    180_000,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; it shows "${last}"`);
  });
};

/** The state Coder shows for the app's "failure": v2.36 shows it as the task's "failed", v2.30 passes
 * the app's state on as it is. */
export const failedState = (d: Deployment) => (Bun.semver.order(d.version, "2.36.0") >= 0 ? "failed" : "failure");

/** `coder task send`, once the task takes input: Coder refuses input while Claude's screen is still
 * changing ("Task app is not ready to accept input"), and nothing is delivered then. */
export const send = (d: Deployment, task: string, text: string) =>
  waitFor(
    `task ${task} to take input`,
    async () => {
      const r = await cli(d, ["task", "send", task, text]);
      if (r.exitCode === 0) return true;
      if (/not ready to accept input|must be "active"|is not running/i.test(r.all)) return undefined;
      throw new Error(`coder task send failed:\n${r.all}`);
    },
    120_000,
  );

/** A template file: Claude retries a failed model call 10 times by default, with growing pauses;
 * once is enough to see it give up. */
export const oneRetryTf = `
resource "coder_env" "max_retries" {
  agent_id = coder_agent.main.id
  name     = "CLAUDE_CODE_MAX_RETRIES"
  value    = "1"
}
`;

/** Presses Enter in the task's chat, the way the chat sends keys (through Coder's app proxy to
 * AgentAPI's /message): in Claude's permission dialog, that picks the first choice, "Yes". */
export async function answerYes(d: Deployment, ws: string): Promise<void> {
  const answer = await fetch(`${d.url}/@admin/${ws}.main/apps/ccw/message`, {
    method: "POST",
    headers: { "Coder-Session-Token": d.token, "Content-Type": "application/json" },
    body: JSON.stringify({ type: "raw", content: "\r" }),
  });
  if (answer.status !== 200)
    throw new Error(`AgentAPI did not take the key: HTTP ${answer.status} ${await answer.text()}`);
}
