import { describe, expect, test } from "bun:test";
import { execa } from "execa";
import { contracts } from "../../src/contract.ts";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadLibrary, shDir, words } from "../../src/library.ts";
import { composeScript, mainBody, renderScript } from "../../src/script.ts";
import { start } from "../../src/scripts/start.ts";
import { stop } from "../../src/scripts/stop.ts";
import { hostile } from "../lib/hostile.ts";
import { scratchDir } from "../lib/scratch.ts";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
/** An argument as main.tf encodes it: base64, or base64gzip (empty as empty) for a "text" one. */
const encoded = (name: string, value: string) =>
  contracts.start.args.find((a) => a.name === name)?.type === "text"
    ? value && gzipSync(value).toString("base64")
    : b64(value);

const names = contracts.start.args.map((a) => a.name);

/** start.sh's argument prologue with a main that prints each decoded arg NUL-terminated. */
const prologueProbe = composeScript({
  name: "start",
  doc: "probe",
  source: "test/unit/script.test.ts",
  main: `printf '%s\\0' ${names.map((n) => `"\${ARG_${n}}"`).join(" ")}`,
  globals: "",
});

/** The prologue, run on its own (in a new home unless `env` names one). */
async function readArgs(env: Record<string, string>) {
  const r = await execa("bash", ["-c", prologueProbe], {
    env: { PATH: process.env.PATH!, HOME: scratchDir("home"), ...env },
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
  return Object.fromEntries(Object.entries(values).map(([k, val]) => [`CLAUDE_MODULE_ARG_${k}`, encoded(k, val)]));
}

describe("generated argument prologue", () => {
  test("decodes every argument byte for byte, trailing newlines included", async () => {
    for (const value of hostile) {
      const r = await readArgs(validArgs({ WORKDIR: value, AI_PROMPT: value }));
      expect(r.exitCode).toBe(0);
      expect(r.values[names.indexOf("WORKDIR")]).toBe(value);
      expect(r.values[names.indexOf("AI_PROMPT")]).toBe(value);
    }
  });

  test("with a base64 that stops at the first padding (as busybox's does), still byte for byte", async () => {
    // A double of such a decoder: it decodes only up to the end of the first padded block.
    const dir = mkdtempSync(join(tmpdir(), "claude-module-base64-"));
    try {
      writeFileSync(join(dir, "base64"), "#!/bin/bash\nsed -E 's/^([^=]*=+).*/\\1/' | /usr/bin/base64 \"$@\"\n", {
        mode: 0o755,
      });
      for (const value of hostile) {
        const env = validArgs({ WORKDIR: value, AI_PROMPT: value });
        const r = await execa("bash", ["-c", prologueProbe], {
          env: { PATH: `${dir}:${process.env.PATH!}`, HOME: dir, ...env },
          extendEnv: false,
          reject: false,
          stripFinalNewline: false,
        });
        expect(r.exitCode).toBe(0);
        const values = r.stdout.split("\0").slice(0, -1);
        expect(values[names.indexOf("WORKDIR")]).toBe(value);
        expect(values[names.indexOf("AI_PROMPT")]).toBe(value);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Two processes per hostile value, through the fallback's one decode per argument: seconds on a busy machine.
  }, 60_000);

  test("a missing argument stops the script and says the module is out of sync", async () => {
    const env = validArgs();
    delete env.CLAUDE_MODULE_ARG_WORKDIR;
    const r = await readArgs(env);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("missing argument WORKDIR");
  });

  test("a prompt that is not base64gzip (a launcher older than the script) stops the script and says so", async () => {
    const r = await readArgs({ ...validArgs(), CLAUDE_MODULE_ARG_AI_PROMPT: b64("plain") });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("argument AI_PROMPT is not base64gzip text");
  });

  test("the launcher's arguments are kept beside the script, private, and rewritten only when they change", async () => {
    const home = scratchDir("home");
    const saved = join(home, ".claude-module", "scripts", "start.args");
    mkdirSync(join(home, ".claude-module", "scripts"), { recursive: true });
    expect((await readArgs({ HOME: home, ...validArgs({ AI_PROMPT: "first" }) })).exitCode).toBe(0);
    const first = statSync(saved);
    expect(first.mode & 0o777).toBe(0o600);
    expect(readFileSync(saved, "utf8")).toContain(`CLAUDE_MODULE_ARG_AI_PROMPT=${encoded("AI_PROMPT", "first")}\n`);
    expect((await readArgs({ HOME: home, ...validArgs({ AI_PROMPT: "first" }) })).exitCode).toBe(0);
    expect(statSync(saved).ino).toBe(first.ino);
    expect((await readArgs({ HOME: home, ...validArgs({ AI_PROMPT: "second" }) })).exitCode).toBe(0);
    expect(readFileSync(saved, "utf8")).toContain(`CLAUDE_MODULE_ARG_AI_PROMPT=${encoded("AI_PROMPT", "second")}\n`);
  });

  test("run without arguments (by hand), the script takes the saved ones, byte for byte", async () => {
    const home = scratchDir("home");
    mkdirSync(join(home, ".claude-module", "scripts"), { recursive: true });
    for (const value of hostile) {
      expect((await readArgs({ HOME: home, ...validArgs({ WORKDIR: value }) })).exitCode).toBe(0);
      const byHand = await readArgs({ HOME: home });
      expect(byHand.exitCode).toBe(0);
      expect(byHand.values[names.indexOf("WORKDIR")]).toBe(value);
      expect(byHand.stderr).toContain("run by hand: using the arguments the last start saved in");
    }
  });

  test("another instance's script keeps its arguments beside itself, and a run by hand takes those", async () => {
    const home = scratchDir("home");
    const dir = join(home, ".claude-module", "instances", "ccw-api", "scripts");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "start.sh"), prologueProbe, { mode: 0o700 });
    const run = (env: Record<string, string>) =>
      execa("bash", [join(dir, "start.sh")], {
        env: { PATH: process.env.PATH!, HOME: home, ...env },
        extendEnv: false,
        reject: false,
        stripFinalNewline: false,
      });
    expect((await run(validArgs({ WORKDIR: "/srv/api" }))).exitCode).toBe(0);
    expect(readFileSync(join(dir, "start.args"), "utf8")).toContain(`CLAUDE_MODULE_ARG_WORKDIR=${b64("/srv/api")}\n`);
    expect(existsSync(join(home, ".claude-module", "scripts", "start.args"))).toBe(false);
    const byHand = await run({});
    expect(byHand.exitCode).toBe(0);
    expect(byHand.stdout.split("\0")[names.indexOf("WORKDIR")]).toBe("/srv/api");
  });

  test("run without arguments and nothing saved, or a damaged copy: the script says where arguments come from", async () => {
    const home = scratchDir("home");
    const none = await readArgs({ HOME: home });
    expect(none.exitCode).not.toBe(0);
    expect(none.stderr).toContain("no arguments: this script gets them from the module's launcher");
    expect(none.stderr).toContain("Fix: restart the workspace");
    mkdirSync(join(home, ".claude-module", "scripts"), { recursive: true });
    writeFileSync(join(home, ".claude-module", "scripts", "start.args"), "CLAUDE_MODULE_ARG_WORKDIR=$(id)\n");
    const damaged = await readArgs({ HOME: home });
    expect(damaged.exitCode).not.toBe(0);
    expect(damaged.stderr).toContain("start.args is damaged");
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

/** src/sh/*.sh as they are, plus EXTRA files (name: text). */
function libraryWith(extra: Record<string, string>) {
  const files = readdirSync(shDir).filter((f) => f.endsWith(".sh"));
  const sources = Object.fromEntries(files.map((f) => [join("src", "sh", f), readFileSync(join(shDir, f), "utf8")]));
  return loadLibrary({ ...sources, ...extra });
}

const probe = (main: string, library = loadLibrary()) =>
  composeScript({ name: "stop", doc: "probe", source: "test", main, globals: "", library });

describe("composer", () => {
  test("a script holds exactly the functions reachable from its steps, each once", () => {
    const text = renderScript(stop);
    const defined = [...text.matchAll(/^([a-z_0-9]+)\(\) \{$/gm)].map((m) => m[1]);
    expect(new Set(defined).size).toBe(defined.length);
    expect(defined.sort()).toEqual(
      ["b64d", "b64d_all", "die", "exit_reported", "identify_agentapi", "log", "main", "on_error", "read_args"]
        .concat(["step_stop_agentapi", "script_dir", "decode_args", "save_args", "load_saved_args", "warn"])
        .concat(["identify_status_relay", "step_stop_status_relay", "stop_status_relay"])
        .concat(["step_task_log_snapshot", "upload_task_log_snapshot", "step_stop_tmux_session"])
        .sort(),
    );
  });

  test("a function file's function is included only when something calls it", () => {
    const lib = libraryWith({
      "src/sh/probe.sh":
        "# probe_used: called\nprobe_used() {\n  log used\n}\n\n# probe_unused: not called\nprobe_unused() {\n  :\n}\n",
    });
    const text = probe("probe_used", lib);
    expect(text).toContain("probe_used() {");
    expect(text).not.toContain("probe_unused() {");
    expect(text).not.toContain("download() {");
  });

  test("main first, then the steps in the order main runs them, then the helpers", () => {
    const text = renderScript(start);
    const at = (name: string) => text.indexOf(`\n${name}() {`);
    expect(at("main")).toBeGreaterThan(0);
    expect(at("main")).toBeLessThan(at("step_prepare"));
    const order = start.steps.map((s) => at(`step_${s.step}`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(at("step_summary")).toBeLessThan(at("log"));
    expect(at("log")).toBeLessThan(at("read_args"));
  });

  test("a call to a function no file defines fails the synth", () => {
    expect(() => probe("no_such_function x")).toThrow("main calls no_such_function, which no file in src/sh/ defines");
    expect(() => probe("run_logged x.log step_mistyped")).toThrow("main calls step_mistyped");
    const lib = libraryWith({
      "src/sh/probe.sh": "# probe_caller: calls a missing one\nprobe_caller() {\n  x=$(missing_helper)\n}\n",
    });
    expect(() => probe("probe_caller", lib)).toThrow("calls missing_helper, which no file in src/sh/ defines");
    expect(() => renderScript({ ...stop, steps: [{ step: "no_such_step" }] })).toThrow(
      "no file in src/sh/ defines step_no_such_step",
    );
  });

  test("a function defined twice fails the synth", () => {
    expect(() => libraryWith({ "src/sh/probe.sh": "# log MESSAGE: a second one\nlog() {\n  :\n}\n" })).toThrow(
      "log is defined twice, in src/sh/lib.sh and in src/sh/probe.sh",
    );
  });

  test("a function without its usage comment fails the synth", () => {
    expect(() => loadLibrary({ "src/sh/probe.sh": "probe_bare() {\n  :\n}\n" })).toThrow("needs a usage comment");
  });

  test("calls are found in command position, as arguments and in $( ), not in strings or comments", () => {
    const found = (text: string) => words(text).map((w) => w.word);
    expect(found(`retry "m" 2 2 npm_try "$1"`)).toContain("npm_try");
    expect(found(`x="$(sha256_of "\${y}")"`)).toContain("sha256_of");
    expect(found(`log "see note_this (boundary_fail_open)" # note_that`)).not.toContain("boundary_fail_open");
    expect(found(`echo 'note_this'`)).not.toContain("note_this");
    const cased = words(`case "$m" in\n  x86_64 | amd64) printf amd64 ;;\n  *) die_now ;;\nesac`);
    expect(cased.filter((w) => w.command).map((w) => w.word)).toEqual(["case", "printf", "die_now"]);
  });
});

describe("step sequence", () => {
  test("one list yields main: logs, conditions, the gate, and no stale log for a step without one", () => {
    const body = mainBody<"start">([
      { step: "prepare" },
      { step: "pre_install_hook", log: "pre_install.log", whenSet: "PRE_INSTALL_SCRIPT" },
      { step: "install_skills", quiet: true },
      { step: "setup_boundary", log: "boundary.log", gate: "boundary_gate" },
      { step: "summary", why: "a reason" },
    ]);
    expect(body).toBe(
      [
        "step_prepare",
        'if [[ -n "${ARG_PRE_INSTALL_SCRIPT}" ]]; then',
        "  run_logged pre_install.log step_pre_install_hook",
        "fi",
        // A quiet step keeps the tee open; any other step without a log comes after all it showed.
        'LOG_FILE=""',
        "step_install_skills",
        "boundary_gate run_logged boundary.log step_setup_boundary",
        "# a reason",
        "log_close",
        "step_summary",
      ].join("\n"),
    );
  });
});
