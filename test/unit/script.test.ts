import { describe, expect, test } from "bun:test";
import { execa } from "execa";
import { contracts } from "../../src/contract.ts";
import { fn, log } from "../../src/lib.ts";
import { renderScript, step, type ScriptDef } from "../../src/script.ts";
import { Sh, sh } from "../../src/sh.ts";
import { start } from "../../src/scripts/start.ts";
import { hostile } from "../lib/hostile.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** start.sh's argument prologue, run on its own: prints each decoded arg NUL-terminated. */
async function readArgs(env: Record<string, string>) {
  const names = contracts.start.args.map((a) => a.name);
  const probe: ScriptDef = {
    ...start,
    globals: sh``,
    main: new Sh(`printf '%s\\0' ${names.map((n) => `"\${ARG_${n}}"`).join(" ")}`),
  };
  const r = await execa("bash", ["-c", renderScript(probe)], {
    env: { PATH: process.env.PATH!, ...env },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
  });
  return { ...r, values: r.stdout.split("\0").slice(0, -1) };
}

function validArgs(overrides: Record<string, string> = {}): Record<string, string> {
  const values: Record<string, string> = {};
  for (const a of contracts.start.args) {
    values[a.name] = a.type === "bool" ? "true" : a.type === "port" ? "3284" : "x";
  }
  Object.assign(values, overrides);
  return Object.fromEntries(Object.entries(values).map(([k, val]) => [`CLAUDE_MODULE_ARG_${k}`, b64(val)]));
}

describe("generated argument prologue", () => {
  test("decodes every argument byte for byte, trailing newlines included", async () => {
    for (const value of hostile) {
      const r = await readArgs(validArgs({ WORKDIR: value, AI_PROMPT: value }));
      expect(r.exitCode).toBe(0);
      const names = contracts.start.args.map((a) => a.name);
      expect(r.values[names.indexOf("WORKDIR")]).toBe(value);
      expect(r.values[names.indexOf("AI_PROMPT")]).toBe(value);
    }
  });

  test("a missing argument stops the script and says the module is out of sync", async () => {
    const env = validArgs();
    delete env.CLAUDE_MODULE_ARG_WORKDIR;
    const r = await readArgs(env);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("missing argument WORKDIR");
  });

  test("an argument the contract does not declare is refused", async () => {
    const r = await readArgs({ ...validArgs(), CLAUDE_MODULE_ARG_SURPRISE: b64("1") });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("unexpected arguments: CLAUDE_MODULE_ARG_SURPRISE");
  });

  test("booleans and ports are type-checked", async () => {
    expect((await readArgs(validArgs({ SUBDOMAIN: "yes" }))).stderr).toContain("SUBDOMAIN must be true or false");
    expect((await readArgs(validArgs({ AGENTAPI_PORT: "80; id" }))).stderr).toContain(
      "AGENTAPI_PORT must be a port number",
    );
  });
});

describe("renderScript", () => {
  test("emits each library function once, before its users, and only when used", () => {
    const text = renderScript({
      name: "stop",
      doc: "probe",
      globals: sh``,
      steps: [step("a", "first", [log], sh`log a`), step("b", "second", [log], sh`log b`)],
      main: sh`step_a`,
    });
    expect(text.match(/^log\(\) \{/gm)?.length).toBe(1);
    expect(text.indexOf("log() {")).toBeLessThan(text.indexOf("step_a() {"));
    expect(text).not.toContain("download() {");
  });

  test("refuses two different functions with one name (the second would silently replace the first)", () => {
    const twin = fn("log", [], sh`:`);
    expect(() =>
      renderScript({
        name: "stop",
        doc: "probe",
        globals: sh``,
        steps: [step("a", "a", [log, twin], sh`:`)],
        main: sh`:`,
      }),
    ).toThrow("two different bash functions are named log");
  });
});
