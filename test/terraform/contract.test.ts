// main.tf and src/contract.ts must agree: every script receives exactly the
// arguments the contract declares, each base64-encoded, and the rendered
// launcher is clean bash.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { contracts, scriptNames } from "../../src/contract.ts";
import { scratchDir } from "../lib/scratch.ts";
import { apply, writeTemplate, type TfResource } from "../lib/terraform.ts";

const scratch = scratchDir("contract");

let scripts: TfResource[] = [];

function launched(script: TfResource): string {
  const m = (script.values.script as string).match(/^exec "\$\{dir\}\/(\w+)\.sh"$/m);
  if (!m) throw new Error(`not a module launcher: ${script.values.display_name}`);
  return m[1]!;
}

function args(script: TfResource): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of (script.values.script as string).matchAll(/^export CLAUDE_MODULE_ARG_(\w+)='([^']*)'$/gm)) {
    out.set(m[1]!, Buffer.from(m[2]!, "base64").toString("utf8"));
  }
  return out;
}

describe("main.tf against the script contract", () => {
  test("applies with the real provider", async () => {
    const resources = await apply(
      writeTemplate({ workdir: '/home/coder/it\'s "$(id)"\n`x`', ai_prompt: "hi", mcp: '{"mcpServers":{}}' }),
    );
    scripts = resources.filter((r) => r.type === "coder_script");
    expect(scripts.map(launched).sort()).toEqual([...scriptNames].sort());
  });

  for (const name of scriptNames) {
    test(`${name}: passes exactly the arguments the contract declares`, () => {
      const script = scripts.find((s) => launched(s) === name)!;
      expect([...args(script).keys()].sort()).toEqual(contracts[name].args.map((a) => a.name).sort());
    });

    test(`${name}: the rendered launcher passes shellcheck with every check enabled`, async () => {
      const file = join(scratch, `${name}-launcher.sh`);
      writeFileSync(file, scripts.find((s) => launched(s) === name)!.values.script);
      const r = await execa("shellcheck", ["--enable=all", "--shell=bash", file], { reject: false, all: true });
      expect(r.all).toBe("");
    });
  }

  test("values arrive intact: base64 is the only form a value takes in the script text", () => {
    const start = scripts.find((s) => launched(s) === "start")!;
    expect(args(start).get("WORKDIR")).toBe('/home/coder/it\'s "$(id)"\n`x`');
    expect(start.values.script).not.toContain("$(id)");
    for (const m of (start.values.script as string).matchAll(/^export CLAUDE_MODULE_ARG_\w+='(.*)'$/gm)) {
      expect(m[1]).toMatch(/^[A-Za-z0-9+/=]*$/);
    }
  });

  test("no argument is a secret: secrets reach scripts only through coder_env", () => {
    for (const name of scriptNames) {
      for (const e of contracts[name].env.filter((e) => e.secret)) {
        expect(contracts[name].args.map((a) => a.name)).not.toContain(e.name);
      }
    }
  });
});
