// Ordering with the template's own scripts through a real Coder agent's script sync
// (`coder exp sync`): Claude Code starts only after the template's clone completes
// (wait_for_scripts), and a template script that waits for the module's scripts output runs once
// Claude is ready. The clone is held until the test has seen the module wait for it, so a start
// that did not wait could not pass unnoticed. The agent runs as a user without root or sudo, so the
// managed_settings given here are reported as not applied. Before Coder 2.36 the agent's socket
// server, which the sync needs, is off by default: there the start fails and says how to turn it on.

import { beforeAll, describe, expect, test } from "bun:test";
import { chownSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { agentLogs, homeOf, scriptOutput, uniqueName, waitAgent } from "../lib/coder.ts";
import { coderVersionLabel, readyAgent, useCoder } from "../lib/coder-level.ts";
import { coderVersions } from "../lib/paths.ts";
import { waitFor } from "../lib/wait.ts";

const level = useCoder();
let template: string;

const marker = `cloned-${uniqueName("commit")}`;
const scriptsTf = `
# The template's clone: marked in the script sync, and held until the test releases it.
resource "coder_script" "clone" {
  agent_id     = coder_agent.main.id
  display_name = "Clone"
  run_on_start = true
  script       = <<-EOT
    set -eu
    coder exp sync start git-clone
    until [ -e "$HOME/release-clone" ]; do sleep 0.2; done
    mkdir -p "$HOME/project"
    cd "$HOME/project"
    git init -q
    git -c user.name=clone -c user.email=clone@example.com commit -q --allow-empty -m "${marker}"
    coder exp sync complete git-clone
  EOT
}

# Runs once Claude Code is ready: the pattern the module's README gives for the scripts output.
resource "coder_script" "after_claude" {
  agent_id     = coder_agent.main.id
  display_name = "After Claude"
  run_on_start = true
  script       = <<-EOT
    set -eu
    for unit in \${join(" ", module.claude-code.scripts)}; do
      coder exp sync want after-claude "$unit"
    done
    coder exp sync start after-claude
    curl -fsS "http://127.0.0.1:\${var.agentapi_port}/status" >"$HOME/after-claude-status"
    coder exp sync complete after-claude
  EOT
}
`;

beforeAll(async () => {
  template = await level.push("sync", {
    module: {
      workdir: "~/project",
      report_tasks: false,
      wait_for_scripts: ["git-clone"],
      managed_settings: { permissions: { deny: ["WebFetch"] } },
    },
    files: { "scripts.tf": scriptsTf },
  });
});

/** Whether the deployment's agent serves the script sync without being told to (Coder >= 2.36). */
const [major, minor] = (process.env.CODER_VERSION ?? coderVersions.at(-1)!).split(".").map(Number);
const syncByDefault = major! > 2 || (major === 2 && minor! >= 36);

describe(`script sync on ${coderVersionLabel}`, () => {
  test.skipIf(syncByDefault)(
    "without the agent's socket server, the start fails and names the setting that turns it on",
    async () => {
      const { d } = level;
      const ws = await level.create(template);
      const agent = await waitAgent(d, ws);
      expect(agent.lifecycle_state).toBe("start_error");
      const start = scriptOutput(await agentLogs(d, agent), "Claude Code");
      expect(start).toContain("could not make Claude Code wait for 'git-clone'");
      expect(start).toContain("CODER_AGENT_SOCKET_SERVER_ENABLED=true");
      expect(start).not.toContain("AgentAPI is ready");
    },
  );

  test.skipIf(!syncByDefault)(
    "Claude Code starts after the template's clone; a script waiting for the scripts output runs once Claude is ready",
    async () => {
      const { d, model } = level;
      const ws = await level.create(template);
      const home = homeOf(d, ws);
      const installLog = join(home, ".claude-module", "install.log");
      const read = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");

      // The module waits for the clone, and has not started AgentAPI.
      await waitFor(
        "the module to wait for git-clone",
        () => (read(installLog).includes("waiting for git-clone to complete") ? true : undefined),
        240_000,
      );
      expect(read(join(home, ".claude-module", "agentapi-start.log"))).not.toContain("starting AgentAPI");
      expect(existsSync(join(home, "after-claude-status"))).toBe(false);

      const release = join(home, "release-clone");
      writeFileSync(release, "");
      const owner = statSync(home);
      chownSync(release, owner.uid, owner.gid);

      const { agent, start } = await readyAgent(d, ws);
      expect(agent.lifecycle_state).toBe("ready");
      const waited = start.indexOf("waiting for git-clone to complete");
      const completed = start.indexOf("git-clone completed");
      const agentapi = start.indexOf("starting AgentAPI");
      expect(waited).toBeGreaterThanOrEqual(0);
      expect(completed).toBeGreaterThan(waited);
      expect(agentapi).toBeGreaterThan(completed);
      expect(start).toMatch(/script sync: +coder-claude-code-start_script complete$/m);

      // The template's script that waited for the scripts output found AgentAPI answering.
      expect(JSON.parse(read(join(home, "after-claude-status")))).toMatchObject({ agent_type: "claude" });

      // Claude started inside the clone: its git status, taken when it started, has the clone's commit.
      const question = `Where are you? ${uniqueName("q")}`;
      model.on(question, [{ text: "In the clone." }]);
      const port = Number(/ready on port (\d+)/.exec(start)?.[1]);
      await waitFor("AgentAPI to take a message", async () => {
        const sent = await fetch(`http://127.0.0.1:${port}/message`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ content: question, type: "user" }),
        });
        return sent.ok ? true : undefined;
      });
      const asked = await model.waitForRequest((r) => r.lastUserText.includes(question), 120_000);
      expect(JSON.stringify(asked.body)).toContain(marker);

      // No root and no sudo here: the managed settings are reported, not silently dropped.
      expect(start).toContain("managed_settings were not applied");
      expect(start).toMatch(/managed: +NOT applied: needs root or passwordless sudo$/m);
    },
  );
});
