// The composer: a script's declared step sequence, its argument prologue generated from the
// contract, and the bash functions of src/sh/ it reaches, put together into one readable file.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { contracts, type Arg, type ScriptName } from "./contract.ts";
import { callsIn, loadLibrary, reachable, srcDir, words, type Library } from "./library.ts";
import { ident, quote } from "./sh.ts";

type ArgName<S extends ScriptName> = (typeof contracts)[S]["args"][number]["name"];

/** One entry of a script's step sequence: main runs the bash function step_<step> (src/sh/). */
export interface Run<S extends ScriptName> {
  readonly step: string;
  /** File under ~/.claude-module the step's output is appended to (run_logged runs the step in a
   * subshell); none: the step runs in the script's own shell, and errors name no log. */
  readonly log?: string;
  /** Runs only when this argument is not empty. */
  readonly whenSet?: ArgName<S>;
  /** Runs only when this argument has this value. */
  readonly whenIs?: readonly [ArgName<S>, string];
  /** Runs under boundary_gate, which decides what a failure of the step means. */
  readonly gate?: "boundary_gate";
  /** One line for main, above the call: why the entry is as it is. */
  readonly why?: string;
  /** A step without a log that prints only through run_logged: the steps' tee stays open across it.
   * Before any other step without a log, main closes the tee (log_close), so that what the step
   * prints comes after what the steps before it printed. */
  readonly quiet?: boolean;
}

export interface ScriptDef<S extends ScriptName = ScriptName> {
  readonly name: S;
  readonly doc: string;
  /** File in src/scripts/ holding the globals, set right after the arguments are read. */
  readonly globals: string;
  readonly steps: readonly Run<S>[];
}

/** The rule for steps, stated where steps are defined and in every generated header. */
export const stepRule =
  "Steps run in subshells (run_logged pipes them) and talk to each other only through files under ~/.claude-module.";

function comment(text: string): string {
  if (text.includes("\n")) throw new Error(`comment with a newline: ${text}`);
  return `# ${text}`;
}

function indent(block: string, by = "  "): string {
  return block
    .split("\n")
    .map((line) => (line.trim() === "" ? "" : by + line))
    .join("\n");
}

/** The body of main: each step, in order, with its log, condition and gate. */
export function mainBody<S extends ScriptName>(steps: readonly Run<S>[]): string {
  const out: string[] = [];
  let logged = false;
  for (const run of steps) {
    const call = [run.gate, run.log && `run_logged ${quote(run.log)}`, `step_${ident(run.step)}`]
      .filter(Boolean)
      .join(" ");
    if (run.why) out.push(comment(run.why));
    // die and the ERR trap name LOG_FILE: a step without a log must not send readers to the last one.
    if (!run.log && logged) out.push(run.quiet ? `LOG_FILE=""` : "log_close");
    logged ||= run.log !== undefined;
    if (run.whenSet) {
      out.push(`if [[ -n "\${ARG_${ident(run.whenSet)}}" ]]; then`, indent(call), "fi");
    } else if (run.whenIs) {
      const [arg, value] = run.whenIs;
      out.push(`if [[ "\${ARG_${ident(arg)}}" == ${quote(value)} ]]; then`, indent(call), "fi");
    } else out.push(call);
  }
  return out.join("\n");
}

/** Reads, decodes and type-checks every declared argument, then drops the encoded copies
 * so AgentAPI, Claude and MCP servers never inherit them. The launcher's arguments are kept beside
 * the script (~/.claude-module/scripts/<name>.args for the default instance), from which a run by
 * hand takes them. */
function readArgs(name: ScriptName, args: readonly Arg[]): string {
  const lines = args.flatMap((a, i) => {
    const out = `ARG_${ident(a.name)}`;
    const check: Record<Arg["type"], string | undefined> = {
      string: undefined,
      pairs: undefined,
      text: undefined,
      bool: `[[ "\${${out}}" == true || "\${${out}}" == false ]] || die ${quote(`${a.name} must be true or false`)}`,
      port: `[[ "\${${out}}" =~ ^[0-9]+$ ]] || die ${quote(`${a.name} must be a port number`)}`,
    };
    return [comment(a.doc), `${out}=\${DECODED[${i}]}`, ...(check[a.type] ? [check[a.type]!] : [])];
  });
  const names = args.map((a) => ident(a.name));
  const decoded = args.map((a) => (a.type === "text" ? `${ident(a.name)}:gz` : ident(a.name)));
  return [
    ...(names.length
      ? [`script_dir "\${BASH_SOURCE[0]:-}"`, `decode_args "\${SCRIPT_DIR}/${name}.args" ${decoded.join(" ")}`]
      : []),
    ...lines,
    ...(names.length ? [`unset DECODED ${names.map((n) => `CLAUDE_MODULE_ARG_${n}`).join(" ")}`] : []),
    `if [[ -n "\${!CLAUDE_MODULE_ARG_*}" ]]; then`,
    `  die "unexpected arguments: \${!CLAUDE_MODULE_ARG_*} (the module and its scripts are out of sync)"`,
    `fi`,
  ].join("\n");
}

/** A bash file's text without its header (the comment lines up to the first blank line). */
export function withoutHeader(text: string): string {
  const lines = text.replace(/\n$/, "").split("\n");
  const blank = lines.findIndex((l) => l.trim() === "");
  if (blank < 0 || lines.slice(0, blank).some((l) => !l.startsWith("#"))) return lines.join("\n");
  return lines.slice(blank + 1).join("\n");
}

export interface Composition {
  readonly name: ScriptName;
  readonly doc: string;
  /** Where the step order is declared, for the header. */
  readonly source: string;
  readonly main: string;
  readonly globals: string;
  readonly library?: Library;
}

/** The script: header, main, the steps main calls (in its order), the helpers they reach (in the
 * order a reader meets them), the argument prologue, then the call of main. Throws when a call
 * names a function no src/sh/ file defines. */
export function composeScript(c: Composition): string {
  const lib = c.library ?? loadLibrary();
  const contract = contracts[c.name];
  const prologue = readArgs(c.name, contract.args);
  const roots = [
    ...callsIn(words(c.main), lib, "main"),
    ...callsIn(words(c.globals), lib, `the ${c.name} script's globals`),
    ...callsIn(words(prologue), lib, "the argument prologue"),
    // The ERR trap.
    "on_error",
  ];
  const fns = reachable(roots, lib);
  const steps = fns.filter((f) => f.name.startsWith("step_"));
  const helpers = fns.filter((f) => !f.name.startsWith("step_"));
  const envDoc = contract.env.map((e) => `#   ${e.name}${e.secret ? " (secret)" : ""}: ${e.doc}`);
  const parts = [
    `#!/usr/bin/env bash`,
    `# GENERATED by src/synth.ts from ${c.source} and the functions in src/sh/. Do not edit: run \`bun run synth\`.`,
    comment(c.doc),
    ...(envDoc.length ? [`# Environment it reads:`, ...envDoc] : []),
    `#`,
    `# Read from the top: main, the steps in the order main runs them, then the helpers they call.`,
    comment(stepRule),
    `set -Eeuo pipefail`,
    `trap 'on_error "$?"' ERR`,
    `umask 077`,
    ``,
    `main() {\n${indent(c.main)}\n}`,
    ``,
    [...steps, ...helpers].map((f) => f.text).join("\n\n"),
    ``,
    `read_args() {\n${indent(prologue)}\n}`,
    ``,
    `read_args`,
    c.globals,
    `main "$@"`,
  ];
  return parts.join("\n") + "\n";
}

export function renderScript<S extends ScriptName>(def: ScriptDef<S>, library?: Library): string {
  const lib = library ?? loadLibrary();
  for (const run of def.steps) {
    if (!lib.functions.has(`step_${run.step}`)) {
      throw new Error(
        `src/scripts/${def.name}.ts runs step ${run.step}, but no file in src/sh/ defines step_${run.step}`,
      );
    }
  }
  return composeScript({
    name: def.name,
    doc: def.doc,
    source: `src/scripts/${def.name}.ts`,
    main: mainBody(def.steps),
    globals: withoutHeader(readFileSync(join(srcDir, "scripts", def.globals), "utf8")),
    library: lib,
  });
}
