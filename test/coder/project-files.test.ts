// What the module writes for Coder Agents and other clients, in a real Coder: the template's MCP
// servers in the work dir's .mcp.json (mcp_project_file) and its skills in .agents/skills and
// ~/.claude/skills. The chat's Claude offers the model both the skill and the server's tools.

import { describe, expect, test } from "bun:test";
import { cli, sendChat, uniqueName } from "../lib/coder.ts";
import { coderVersionLabel, useCoder } from "../lib/coder-level.ts";
import { tinyStdioServer } from "../lib/mcp-server.ts";

const level = useCoder();

describe(`project files for other clients on ${coderVersionLabel}`, () => {
  test("the work dir's .mcp.json and .agents/skills hold the template's, and Claude offers the skill and the tools", async () => {
    const { d, model } = level;
    const skill = "---\nname: release-notes\ndescription: Writes the wombat release notes.\n---\n\nList the changes.\n";
    const mcp = { mcpServers: { tiny: { command: "bash", args: ["-c", tinyStdioServer(2)] } } };
    const template = await level.push("project-files", {
      module: {
        workdir: "~/project",
        report_tasks: false,
        mcp: JSON.stringify(mcp),
        mcp_project_file: true,
        skills: { "release-notes": skill },
      },
    });
    const { ws, start } = await level.start(template);
    expect(start).toMatch(/ skills: +release-notes in .*\/project\/\.agents\/skills and .*\/\.claude\/skills$/m);

    const projectMcp = await cli(d, ["ssh", ws, "--", "cat ~/project/.mcp.json"]);
    expect(JSON.parse(projectMcp.stdout).mcpServers.tiny).toEqual(mcp.mcpServers.tiny);
    for (const file of ["~/project/.agents/skills/release-notes/SKILL.md", "~/.claude/skills/release-notes/SKILL.md"]) {
      // `coder ssh` on v2.30 ends lines with \r\n.
      expect((await cli(d, ["ssh", ws, "--", `cat ${file}`])).stdout.replaceAll("\r\n", "\n")).toBe(skill.trimEnd());
    }

    // A message in the chat: the request Claude sends the model lists the skill and the server's tools.
    const question = `What can you use? ${uniqueName("q")}`;
    model.on(question, [{ text: "A skill and two tools." }]);
    await sendChat(d, ws, question);
    const request = await model.waitForRequest((r) => r.lastUserText.includes(question), 120_000);
    const body = JSON.stringify(request.body);
    expect(body).toContain("Writes the wombat release notes.");
    // Claude 2.1 names MCP tools to the model and loads their schemas on demand (ToolSearch).
    for (const tool of ["mcp__tiny__t0", "mcp__tiny__t1"]) expect(body).toContain(tool);
  }, 600_000); // a template push, a workspace build, its start and a model turn
});
