// The system prompt in a real Coder. The agent runs Go's os.ExpandEnv on every coder_env value
// (`$NAME` and `${NAME}` are replaced; there is no escape), so a prompt holding `$` must reach
// Claude by another way: it arrives byte for byte in the CLAUDE.md Claude reads (written by the
// coder CLI in task mode, by the module standalone), and no mangled copy reaches a terminal. An
// image's own SYSTEM_PROMPT variable does not replace it.

import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { coder, homeOf } from "../lib/coder.ts";
import { coderVersionLabel, useCoder } from "../lib/coder-level.ts";

const level = useCoder();
const templates: Record<string, string> = {};

/** Dollar signs the agent's os.ExpandEnv would replace: `$5` by "" and `${PWD}` by a directory. */
const prompt = "Quote prices like $5 and paths like ${PWD} exactly as written.";
const begin = "<!-- claude-code module: system_prompt begin (replaced on every start; edit the template instead) -->";
const end = "<!-- claude-code module: system_prompt end -->";

/** An image that sets SYSTEM_PROMPT for its own reasons: the coder CLI's `exp mcp configure` takes
 * it, when set at all, instead of CODER_MCP_CLAUDE_SYSTEM_PROMPT. */
const imagePrompt = "The image's own prompt, meant for another tool.";
const imageTf = `
resource "coder_env" "image_system_prompt" {
  agent_id = coder_agent.main.id
  name     = "SYSTEM_PROMPT"
  value    = ${JSON.stringify(imagePrompt)}
}
`;

beforeAll(async () => {
  const push = async (key: string, module: Record<string, string | boolean>, files: Record<string, string> = {}) => {
    templates[key] = await level.push(`prompt-${key}`, {
      module: { workdir: "~/project", system_prompt: prompt, ...module },
      files,
    });
  };
  await Promise.all([
    push("task", {}),
    push("standalone", { report_tasks: false }),
    push("image", {}, { "image.tf": imageTf }),
  ]);
});

/** A terminal's environment (`coder ssh ws -- env`), one "NAME=value" entry each. */
async function terminalEnv(ws: string): Promise<string[]> {
  const encoded = await coder(level.d, ["ssh", ws, "--", "env -0 | base64 -w0"]);
  return Buffer.from(encoded.trim(), "base64").toString("utf8").split("\0").filter(Boolean);
}

/** Entries of a terminal's environment holding part of the prompt but not all of it, byte for byte. */
const mangled = (env: string[]) => env.filter((e) => e.includes("Quote prices like") && !e.includes(prompt));

describe(`the system prompt on ${coderVersionLabel}`, () => {
  test("task mode: the CLAUDE.md the coder CLI writes holds it byte for byte; no terminal sees a mangled copy", async () => {
    const { ws } = await level.start(templates.task!);
    const md = readFileSync(join(homeOf(level.d, ws), ".claude", "CLAUDE.md"), "utf8");
    expect(md).toContain(`<system-prompt>\n${prompt}\n</system-prompt>`);
    expect(mangled(await terminalEnv(ws))).toEqual([]);
  });

  test("standalone: the module's CLAUDE.md block holds it byte for byte; no terminal sees a mangled copy", async () => {
    const { ws } = await level.start(templates.standalone!);
    const md = readFileSync(join(homeOf(level.d, ws), ".claude", "CLAUDE.md"), "utf8");
    expect(md).toContain(`${begin}\n${prompt}\n${end}\n`);
    expect(mangled(await terminalEnv(ws))).toEqual([]);
  });

  test("task mode in an image with SYSTEM_PROMPT set: the CLAUDE.md the coder CLI writes holds the module's prompt", async () => {
    const { ws } = await level.start(templates.image!);
    const md = readFileSync(join(homeOf(level.d, ws), ".claude", "CLAUDE.md"), "utf8");
    expect(md).not.toContain(imagePrompt);
    expect(md).toContain(`<system-prompt>\n${prompt}\n</system-prompt>`);
    // The image's variable is still there for whatever the image set it for.
    expect(await terminalEnv(ws)).toContain(`SYSTEM_PROMPT=${imagePrompt}`);
  });
});
