// The demo: a real Coder (tools/coder.sh) with the demo template (examples/demo) pushed, and a
// Coder Task whose prompt Claude Code answers through the scripted model. Run again, it reuses the
// deployment, the model and the task. `tools/demo.sh down` stops everything it started.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { execa } from "execa";
import {
  agentOf,
  api,
  coder,
  coderVersions,
  deployment,
  pushTemplate,
  workspaceView,
  type Deployment,
} from "../test/lib/coder.ts";
import { root } from "../test/lib/paths.ts";
import { waitFor } from "../test/lib/wait.ts";
import { demoPrompt } from "./demo-model.ts";

const version = coderVersions.at(-1)!;
const coderSh = join(root, "tools", "coder.sh");
const state = join(root, ".coder", version);
const modelPid = join(state, "run", "demo-model.pid");
const template = "claude-code-demo";
const task = "demo";

interface Task {
  id: string;
  status: string;
  workspace_name: string;
  current_state: { state: string; message: string } | null;
}

function modelRunning(): boolean {
  if (!existsSync(modelPid)) return false;
  try {
    return readFileSync(`/proc/${readFileSync(modelPid, "utf8").trim()}/cmdline`, "utf8").includes("demo-model.ts");
  } catch {
    return false;
  }
}

if (process.argv[2] === "down") {
  // Stop the task's workspace through Coder first, so that Coder knows it is stopped.
  if (existsSync(join(state, "deployment.env"))) {
    const d = deployment(version);
    const t = await api<Task>(d, `/api/v2/tasks/admin/${task}`).catch(() => undefined);
    if (t?.workspace_name && (await workspaceView(d, t.workspace_name)).latest_build.status === "running") {
      await coder(d, ["stop", t.workspace_name, "--yes"], { timeout: 300_000 });
    }
  }
  if (modelRunning()) process.kill(Number(readFileSync(modelPid, "utf8")), "SIGTERM");
  await execa(coderSh, ["down", version], { stdio: "inherit" });
  process.exit(0);
}

await execa(coderSh, ["up", version], { stdio: "inherit" });
const d: Deployment = deployment(version);

// The model outlives this script, on the port after the deployment's own three.
const modelUrl = `http://127.0.0.1:${Number(new URL(d.url).port) + 3}`;
if (!modelRunning()) {
  const child = spawn(
    join(root, "node_modules", ".bin", "bun"),
    ["run", join(root, "tools", "demo-model.ts"), new URL(modelUrl).port],
    { detached: true, stdio: ["ignore", "ignore", "ignore"] },
  );
  writeFileSync(modelPid, String(child.pid));
  child.unref();
  await waitFor("the demo's scripted model", async () =>
    (await fetch(`${modelUrl}/v1/messages/count_tokens`, { method: "POST", body: "{}" }).catch(() => undefined))?.ok
      ? true
      : undefined,
  );
}

const existing = await api<Task>(d, `/api/v2/tasks/admin/${task}`).catch(() => undefined);
if (!existing) {
  // Right after `coder task delete`, the task's workspace is still being deleted (Coder deletes it in
  // a build of its own), and a new task cannot take its name until it is gone.
  const left = await workspaceView(d, task).catch(() => undefined);
  if (left && left.latest_build.transition !== "delete") {
    throw new Error(
      `a workspace named "${task}" exists and is no task: delete it (coder delete ${task}) and run the demo again`,
    );
  }
  if (left) {
    console.log(`waiting for the deleted task's workspace "${task}" to be deleted`);
    await waitFor(
      `the deleted task's workspace "${task}" to be deleted`,
      async () => {
        const view = await workspaceView(d, task).catch(() => undefined);
        if (view?.latest_build.status === "failed") {
          throw new Error(
            `deleting the workspace "${task}" failed: see its build log (coder logs ${task}), then run the demo again`,
          );
        }
        return view ? undefined : true;
      },
      300_000,
    );
  }
  const example = readFileSync(join(root, "examples", "demo", "main.tf"), "utf8").replace(
    'source   = "../.."',
    'source   = "./modules/claude-code"',
  );
  await pushTemplate(d, template, { moduleTf: example, modelUrl, modelApiKey: "sk-ant-demo-scripted-model" });
  console.log(`pushed template ${template}; creating task "${task}": ${demoPrompt}`);
  await coder(d, ["task", "create", "--template", template, "--name", task, demoPrompt], { timeout: 300_000 });
} else if ((await workspaceView(d, existing.workspace_name)).latest_build.status === "stopped") {
  console.log(`starting the task's workspace ${existing.workspace_name} again: Claude resumes its session`);
  await coder(d, ["start", existing.workspace_name, "--yes"], { timeout: 300_000 });
}

const done = await waitFor(
  "the demo task to finish its turn",
  async () => {
    const t = await api<Task>(d, `/api/v2/tasks/admin/${task}`);
    return ["idle", "complete"].includes(t.current_state?.state ?? "") ? t : undefined;
  },
  300_000,
);
const admin = join(state, "admin.env");
// The task's latest summary from the model (a restart reports "idle" with no message of its own).
const statuses = agentOf(await workspaceView(d, done.workspace_name))?.apps.find((a) => a.slug === "ccw")?.statuses;
const summary = statuses?.find((s) => s.message !== "")?.message ?? "(none since the workspace last started)";
console.log(`
Coder v${version} is running at ${d.url}
  log in as admin@example.com; the password is in ${admin}
  task "${task}" (workspace ${done.workspace_name}): ${done.status}, ${done.current_state?.state}
  the model's summary: ${summary}
  the dashboard: ${d.url}/tasks lists it; ${d.url}/tasks/admin/${done.id} shows it with Claude Code's chat
stop it all with: tools/demo.sh down`);
