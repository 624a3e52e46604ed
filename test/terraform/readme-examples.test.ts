// Every `tf` example in this README plans against the module with only `source` changed: the
// template around it (the agent, the variables it reads) is declared the way a template declares it.

import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { plan } from "../lib/terraform.ts";
import { root } from "../lib/paths.ts";
import { scratchDir } from "../lib/scratch.ts";

/** Each ```tf block of the README, named after the heading it follows. */
function readmeExamples(): [string, string][] {
  const out: [string, string][] = [];
  let heading = "top";
  let block: string[] | undefined;
  for (const line of readFileSync(join(root, "README.md"), "utf8").split("\n")) {
    if (block) {
      if (line === "```") {
        out.push([`${heading} #${out.length + 1}`, block.join("\n")]);
        block = undefined;
      } else block.push(line);
    } else if (line === "```tf") block = [];
    else if (/^#{1,4} /.test(line)) heading = line.replace(/^#+ /, "");
  }
  return out;
}

/** The example as a template: this checkout as the source, and the agent and variables it refers to. */
function asTemplate(example: string): string {
  const declared = new Set([...example.matchAll(/^variable "(\w+)"/gm)].map((m) => m[1]));
  // A variable the template's users fill in gets a value here, as a workspace's parameters would.
  const filled = example.replace(
    /^variable "(\w+)" \{\n((?:(?!\}\n)[\s\S])*?)^\}/gm,
    (whole, name: string, body: string) =>
      /^\s*default\s*=/m.test(body) ? whole : `variable "${name}" {\n${body}  default = "example-${name}"\n}`,
  );
  const used = new Set([...example.matchAll(/\bvar\.(\w+)/g)].map((m) => m[1]!));
  const variables = [...used]
    .filter((name) => !declared.has(name))
    .map((name) => `variable "${name}" {\n  type    = string\n  default = "example-${name}"\n}\n`);
  const source = filled
    // Placeholders a reader replaces: a checksum gets a well-formed one.
    .replace(/"<sha256 [^">]*>"/g, `"${"0".repeat(64)}"`)
    .replace(/source(\s*)= "registry\.coder\.com\/coder\/claude-code\/coder"/g, `source$1= "${root}"`)
    .replace(/^\s*version\s*= "[^"]*"\n/gm, "");
  return [
    'terraform {\n  required_providers {\n    coder = { source = "coder/coder" }\n  }\n}',
    'resource "coder_agent" "main" {\n  os   = "linux"\n  arch = "amd64"\n}',
    ...variables,
    source,
  ].join("\n");
}

describe("README examples", () => {
  const examples = readmeExamples();
  test("there are examples to plan", () => {
    expect(examples.length).toBeGreaterThan(5);
  });
  for (const [name, example] of examples) {
    test(`${name}: plans with only source changed`, async () => {
      const dir = scratchDir("readme-example");
      writeFileSync(join(dir, "main.tf"), asTemplate(example));
      const r = await plan(dir);
      if (r.exitCode !== 0) console.error(r.all);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain("module.claude-code.coder_script.start");
    });
  }
});
