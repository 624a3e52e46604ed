// main.tf and src/contract.ts must agree: every script receives exactly the
// arguments the contract declares, each base64-encoded, and the rendered
// launcher is clean bash.

import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { gunzipSync } from "node:zlib";
import { contracts, scriptNames, type ScriptName } from "../../src/contract.ts";
import { scratchDir } from "../lib/scratch.ts";
import { apply, writeTemplate, type TfResource } from "../lib/terraform.ts";

const scratch = scratchDir("contract");

const workdir = '/home/coder/it\'s "$(id)"\n`x`';
let applied: Promise<TfResource[]> | undefined;

/** The template's coder_scripts. Whichever test asks first applies the template; the others share
 * that result, so every test runs alone (`-t`) or in any order. */
function scripts(): Promise<TfResource[]> {
  applied ??= apply(writeTemplate({ workdir, ai_prompt: "hi", mcp: '{"mcpServers":{}}' })).then((resources) =>
    resources.filter((r) => r.type === "coder_script"),
  );
  return applied;
}

async function launcher(name: string): Promise<TfResource> {
  const script = (await scripts()).find((s) => launched(s) === name);
  if (!script) throw new Error(`no coder_script launches ${name}.sh`);
  return script;
}

function launched(script: TfResource): string {
  const m = (script.values.script as string).match(/^file="\$\{dir\}\/(\w+)\.sh"$/m);
  if (!m) throw new Error(`not a module launcher: ${script.values.display_name}`);
  return m[1]!;
}

/** The arguments a launcher passes, decoded: base64, or base64gzip for the contract's "text" ones. */
function args(script: TfResource): Map<string, string> {
  const name = launched(script) as ScriptName;
  const texts = contracts[name].args.filter((a) => a.type === "text").map((a) => a.name);
  const out = new Map<string, string>();
  for (const m of (script.values.script as string).matchAll(/^export CLAUDE_MODULE_ARG_(\w+)='([^']*)'$/gm)) {
    const bytes = Buffer.from(m[2]!, "base64");
    out.set(m[1]!, (texts.includes(m[1]!) && bytes.length ? gunzipSync(bytes) : bytes).toString("utf8"));
  }
  return out;
}

describe("main.tf against the script contract", () => {
  test("applies with the real provider", async () => {
    expect((await scripts()).map(launched).sort()).toEqual([...scriptNames].sort());
  });

  for (const name of scriptNames) {
    test(`${name}: passes exactly the arguments the contract declares`, async () => {
      const script = await launcher(name);
      expect([...args(script).keys()].sort()).toEqual(contracts[name].args.map((a) => a.name).sort());
    });

    test(`${name}: the rendered launcher passes shellcheck as POSIX sh (the agent gives it to the user's shell), every check enabled`, async () => {
      const file = join(scratch, `${name}-launcher.sh`);
      writeFileSync(file, (await launcher(name)).values.script);
      const r = await execa("shellcheck", ["--enable=all", "--shell=sh", file], { reject: false, all: true });
      expect(r.all).toBe("");
    });
  }

  test("values arrive intact: base64 is the only form a value takes in the script text", async () => {
    const start = await launcher("start");
    expect(args(start).get("WORKDIR")).toBe(workdir);
    // A "text" argument (the prompt) is compressed: it must be gzip, or args() could not read it.
    expect(args(start).get("AI_PROMPT")).toBe("hi");
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
