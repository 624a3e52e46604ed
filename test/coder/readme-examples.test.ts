// The README's examples, pushed to a real Coder as template authors write them and run. The only
// edits: `source` points at this checkout (and `version` goes), the download URLs point at the
// deployment's release mirror, as in a restricted network (this machine reaches neither GitHub nor
// claude.ai), and each module block gets an AgentAPI port of its own (workspaces share this machine). A pinned claude_code_version is installed from the npm registry, as it is for users.

import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  agentLogs,
  api,
  chatUrl,
  cli,
  coder,
  mirrorRequests,
  scriptOutput,
  sendChat,
  uniqueName,
} from "../lib/coder.ts";
import { coderVersionLabel, readyAgent, useCoder } from "../lib/coder-level.ts";
import { agentapiBinary, agentapiVersion, claudeVersion, root } from "../lib/paths.ts";
import { waitFor } from "../lib/wait.ts";

/** The first ```tf block under the README heading `### <title>`. */
function example(title: string): string {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const section = readme.split(/^### /m).find((s) => s.startsWith(title + "\n"));
  const block = section?.match(/```tf\n([\s\S]*?)```/)?.[1];
  if (!block) throw new Error(`README.md has no tf example under "### ${title}"`);
  return block;
}

/** The example with this checkout as its source and the release mirror as its download hosts. */
function asTemplate(tf: string): string {
  const mirror: Record<string, string> = {
    agentapi_releases_url: '"${var.releases_url}/agentapi"',
    claude_installer_url: '"${var.releases_url}/claude/install.sh"',
    agentapi_sha256: `"${createHash("sha256").update(readFileSync(agentapiBinary)).digest("hex")}"`,
  };
  let out = tf
    .replace(
      /^(\s*)source(\s*)= "registry\.coder\.com\/coder\/claude-code\/coder"$/gm,
      '$1source$2= "./modules/claude-code"',
    )
    .replace(/^\s*version\s*= "[^"]*"\n/gm, "")
    // Workspaces share this machine's network: each template gets its own AgentAPI ports (below).
    .replace(/^\s*agentapi_port\s*=.*\n/gm, "");
  for (const [input, value] of Object.entries(mirror)) {
    out = out.replace(new RegExp(`^(\\s*${input}\\s*=).*$`, "gm"), `$1 ${value}`);
  }
  const missing = Object.keys(mirror).filter((input) => input !== "agentapi_sha256" && !out.includes(`${input} `));
  const lines = missing.map((input) => `  ${input} = ${mirror[input]}`).join("\n");
  // Each module block (not the example's other resources) gets the missing mirror inputs and a port.
  const ports = ["var.agentapi_port", "var.agentapi_port_2"];
  return out.replace(/^module "[^"]+" \{\n[\s\S]*?^\}$/gm, (block) =>
    block.replace(/^(\s*agent_id\s*=.*)$/m, `$1\n${lines}\n  agentapi_port = ${ports.shift()}`),
  );
}

const level = useCoder();

/** What the examples refer to beyond the module: the template's own variables. */
const variables = () => `
variable "anthropic_api_key" {
  type      = string
  sensitive = true
  default   = "${level.model.apiKey}"
}

# npm's cache, shared by the examples' workspaces, so a pinned version downloads once per machine.
resource "coder_env" "npm_cache" {
  agent_id = coder_agent.main.id
  name     = "npm_config_cache"
  value    = "${level.d.npmCache}"
}
`;

/** The README example under `### title`, pushed as a template. */
const pushExample = (name: string, title: string) =>
  level.push(name, { moduleTf: asTemplate(example(title)), files: { "variables.tf": variables() } });

describe(`README examples on ${coderVersionLabel}`, () => {
  test("Tasks with a prompt: the task's prompt reaches Claude, pinned from npm, with the example's model", async () => {
    const { d, model } = level;
    const template = await pushExample("readme-tasks", "Tasks with a prompt, pinned versions and MCP servers");
    const prompt = `README task ${uniqueName("p")}`;
    model.on(prompt, [{ text: "Planned it." }]);
    const { task, start } = await level.startTask(template, prompt, 600_000);
    // The summary names npm, and after it which places it looked in first.
    expect(start).toMatch(new RegExp(`claude: +${claudeVersion.replaceAll(".", "\\.")} \\(npm[;)]`));

    const request = await model.waitForRequest((r) => r.lastUserText.includes(prompt), 120_000);
    // model = "sonnet" reached Claude, which asks for a Sonnet model.
    expect(String(request.body.model)).toContain("sonnet");
    // The turn is done: its status carries the first line of the model's answer.
    await waitFor(
      "the task to finish the turn after the model's answer",
      async () => {
        const t = await api<{ current_state: { state: string; message: string } | null }>(
          d,
          `/api/v2/tasks/admin/${task}`,
        );
        const done = ["idle", "complete"].includes(t.current_state?.state ?? "");
        return done && t.current_state?.message === "Planned it." ? true : undefined;
      },
      120_000,
    );
  }, 900_000); // a template push, an npm install of Claude Code and a model turn

  test("Standalone: no task, and the system prompt reaches the CLAUDE.md a terminal's claude reads", async () => {
    const template = await pushExample("readme-standalone", "Standalone");
    const { ws } = await level.start(template, 600_000);
    const claudeMd = await cli(level.d, ["ssh", ws, "--", "cat ~/.claude/CLAUDE.md"]);
    expect(claudeMd.stdout).toContain("Always run the tests before you say a change is done.");
    const version = await cli(level.d, ["ssh", ws, "--", "claude --version"]);
    expect(version.stdout).toContain(claudeVersion);
  }, 900_000); // a template push and an npm install of Claude Code

  test("Coder without Tasks: Claude runs in the module's tmux session, in the work dir", async () => {
    const template = await pushExample("readme-session", "Coder without Tasks (v2.37 and later)");
    const { ws, start } = await level.start(template, 600_000);
    expect(start).toMatch(/session: +tmux/);
    const panes = await cli(level.d, [
      "ssh",
      ws,
      "--",
      "tmux -S ~/.claude-module/tmux.sock list-panes -F '#{pane_current_path}'",
    ]);
    expect(panes.stdout).toBe("/home/coder/project");
  }, 900_000); // a template push and an npm install of Claude Code

  test("Two projects in one workspace: two chats, each Claude in its own project, each resumed after a restart", async () => {
    const { d, model } = level;
    const template = await pushExample("readme-two", "Two projects in one workspace");
    const { ws, agent } = await level.start(template, 600_000);
    const logs = await agentLogs(d, agent);
    for (const script of ["Claude Code", "Claude Code (ccw-api)"]) {
      expect(scriptOutput(logs, script)).toMatch(/AgentAPI is ready on port \d+$/m);
    }
    const projects = [
      { slug: "ccw", workdir: "/home/coder/web" },
      { slug: "ccw-api", workdir: "/home/coder/api" },
    ].map((p) => ({ ...p, question: `Which project? ${uniqueName("q")}` }));

    for (const { slug, workdir, question } of projects) {
      model.on(question, [{ text: "Working in {cwd}." }]);
      await sendChat(d, ws, question, slug);
      await model.waitForRequest((r) => r.lastUserText.includes(question), 120_000);
      let shown = "";
      await waitFor(`the answer in the ${slug} chat`, async () => {
        const chat = await fetch(`${chatUrl(d, ws, slug)}/messages`, { headers: { "Coder-Session-Token": d.token } });
        const { messages } = (await chat.json()) as { messages: { role: string; content: string }[] };
        shown = JSON.stringify(messages.at(-1));
        return messages.some((m) => m.role === "agent" && m.content.includes(`Working in ${workdir}.`))
          ? true
          : undefined;
      }).catch((e) => {
        throw new Error(`${e}; the chat's last message: ${shown}`);
      });
    }

    await coder(d, ["stop", ws, "--yes"], { timeout: 180_000 });
    await coder(d, ["start", ws, "--yes"], { timeout: 180_000 });
    await readyAgent(d, ws);
    // After the restart each Claude carries on its own conversation, not the other's.
    for (const [i, { slug, question }] of projects.entries()) {
      const next = `And now? ${uniqueName("n")}`;
      model.on(next, [{ text: "Still here." }]);
      await sendChat(d, ws, next, slug);
      const request = await model.waitForRequest((r) => r.lastUserText.includes(next), 120_000);
      const history = JSON.stringify(request.body.messages);
      expect(history).toContain(question);
      expect(history).not.toContain(projects[1 - i]!.question);
    }
  }, 900_000); // a template push, an npm-free start of two instances, a restart and four model turns

  test("Restricted networks: every download comes from the mirror, AgentAPI checked against its sha256", async () => {
    const template = await pushExample("readme-mirror", "Restricted networks");
    const served = mirrorRequests(level.d).length;
    await level.start(template);
    expect(mirrorRequests(level.d).slice(served)).toEqual(
      expect.arrayContaining([
        "GET /claude/install.sh",
        `GET /claude/binary/${claudeVersion}`,
        `GET /agentapi/download/${agentapiVersion}/agentapi-linux-amd64`,
      ]),
    );
  }, 600_000); // a template push, a workspace build and its start
});
