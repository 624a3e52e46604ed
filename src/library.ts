// The bash functions in src/sh/*.sh, read as a shell programmer wrote them, and what each calls.
//
// A function file holds only comments and functions. Each function starts at column 0 with
// `name() {`, ends at the first line that is exactly `}`, and has its usage comment right above it
// (`# name ARGS: what it does`). The file's header (its first comment block) and its shellcheck
// directives stay in the file: they are for reading and checking it on its own.
//
// Files under src/sh/files/ are not functions: they are files the start script writes into the
// workspace. Each becomes a generated function <stem>_text (claude-shim.sh: claude_shim_text) that
// prints the file, its shellcheck directives left out.

import { readFileSync, readdirSync } from "node:fs";
import { basename, join, relative } from "node:path";

export const srcDir = import.meta.dir;
export const shDir = join(srcDir, "sh");
export const filesDir = join(shDir, "files");

export interface ShFunction {
  readonly name: string;
  /** Where it is defined, from the repository's root (src/sh/lib.sh). */
  readonly file: string;
  /** Its usage comment and the definition, as they are emitted. */
  readonly text: string;
  /** Function names and command words of the body, in order (see words()). */
  readonly words: readonly Word[];
}

export interface Library {
  readonly functions: ReadonlyMap<string, ShFunction>;
}

const definition = /^([A-Za-z_][A-Za-z0-9_]*)\(\) \{$/;

/** The functions of one file's text; throws on anything else at the top level or a missing usage comment. */
export function parseFunctions(text: string, file: string): ShFunction[] {
  const lines = text.split("\n");
  const out: ShFunction[] = [];
  let comment: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("#")) {
      comment.push(line);
      continue;
    }
    if (line.trim() === "") {
      comment = [];
      continue;
    }
    const m = definition.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: a function file holds only comments and functions, not: ${line}`);
    const name = m[1]!;
    const end = lines.indexOf("}", i + 1);
    if (end < 0) throw new Error(`${file}:${i + 1}: ${name}() has no closing "}" at column 0`);
    const usage = comment.filter((l) => !l.startsWith("# shellcheck "));
    if (!usage[0]?.startsWith(`# ${name}`) || !/^# \S+( [^:]*)?:/.test(usage[0])) {
      throw new Error(
        `${file}:${i + 1}: ${name}() needs a usage comment right above it: "# ${name} ARGS: what it does"`,
      );
    }
    const body = lines.slice(i + 1, end).join("\n");
    out.push({ name, file, text: [...comment, ...lines.slice(i, end + 1)].join("\n"), words: words(body) });
    comment = [];
    i = end;
  }
  return out;
}

/** The generated function that sets FILE_TEXT to a file of src/sh/files/ (its shellcheck directives left
 * out): printf -v, so that writing the file costs no subshell. */
export function embedFile(text: string, file: string): ShFunction {
  const name = `${basename(file, ".sh").replaceAll("-", "_")}_text`;
  const lines = text.replace(/\n$/, "").split("\n");
  const kept = lines.filter((l) => !l.startsWith("# shellcheck "));
  const quoted = kept.map((l) => `    '${l.replaceAll("'", `'\\''`)}'`);
  const body = [
    `  # Lines holding \${...} are shell code of that file, not expansions here.`,
    `  # shellcheck disable=SC2016`,
    `  printf -v FILE_TEXT '%s\\n' \\`,
    quoted.join(" \\\n"),
  ].join("\n");
  return {
    name,
    file,
    text: [
      `# ${name}: sets FILE_TEXT to ${file}, which the start writes into the workspace.`,
      `${name}() {`,
      body,
      `}`,
    ].join("\n"),
    words: [],
  };
}

function shFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sh"))
    .sort()
    .map((f) => join(dir, f));
}

/** Every function of src/sh/*.sh and src/sh/files/*.sh; throws when two define one name. */
export function loadLibrary(sources?: Record<string, string>): Library {
  const read = (path: string) => [relative(join(srcDir, ".."), path), readFileSync(path, "utf8")] as const;
  const fnFiles = sources ? Object.entries(sources) : shFiles(shDir).map(read);
  const embedded = sources ? [] : shFiles(filesDir).map(read);
  const functions = new Map<string, ShFunction>();
  const all = [
    ...fnFiles.flatMap(([file, text]) => parseFunctions(text, file)),
    ...embedded.map(([file, text]) => embedFile(text, file)),
  ];
  for (const f of all) {
    const twin = functions.get(f.name);
    if (twin) throw new Error(`${f.name} is defined twice, in ${twin.file} and in ${f.file}: define it once`);
    functions.set(f.name, f);
  }
  return { functions };
}

export interface Word {
  readonly word: string;
  /** The word is where a command name goes (first of a simple command). */
  readonly command: boolean;
}

const keywords = new Set(["if", "then", "elif", "else", "while", "until", "do", "!", "time", "{"]);
const word = /[^\s;&|()<>"'`$\\]/;

/** The unquoted words of bash text, marking those in command position. Quoted text is skipped,
 * except command substitutions inside double quotes; so are comments, arithmetic, ${...} and
 * here-documents. Enough of bash to find function calls in code written like src/sh/. */
export function words(text: string): Word[] {
  const out: Word[] = [];
  // One entry per command context: the top level and each $( ... ), with its open parentheses.
  const depth: number[] = [0];
  // Whether the scan is inside double quotes, and what it was before each open quote or $(.
  let inQuote = false;
  const quoteStack: boolean[] = [];
  const cases: ("subject" | "pattern" | "body")[] = [];
  let command = true;
  let heredoc: string | undefined;
  let i = 0;
  const skipTo = (close: string) => {
    const j = text.indexOf(close, i);
    i = j < 0 ? text.length : j + close.length;
  };
  const skipBalanced = (open: string, close: string) => {
    let n = 1;
    while (i < text.length && n > 0) {
      const c = text[i]!;
      if (c === "\\") i++;
      else if (c === "'" && open === "{") {
        i++;
        skipTo("'");
        continue;
      } else if (c === open) n++;
      else if (c === close) n--;
      i++;
    }
  };
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (inQuote) {
      if (c === "\\") i += 2;
      else if (c === '"') {
        inQuote = quoteStack.pop() ?? false;
        i++;
      } else if (c === "$" && next === "(" && text[i + 2] !== "(") {
        quoteStack.push(true);
        inQuote = false;
        depth.push(0);
        command = true;
        i += 2;
      } else if (c === "$" && next === "{") {
        i += 2;
        skipBalanced("{", "}");
      } else if (c === "$" && next === "(") {
        i += 3;
        skipBalanced("(", ")");
        i++;
      } else i++;
      continue;
    }
    if (c === "\n") {
      i++;
      if (heredoc !== undefined) {
        const end = new RegExp(`^\\t*${heredoc}$`, "m");
        const m = end.exec(text.slice(i));
        i = m ? i + m.index + m[0].length : text.length;
        heredoc = undefined;
      }
      if (cases.at(-1) !== "pattern") command = true;
      continue;
    }
    if (c === " " || c === "\t") {
      i++;
      continue;
    }
    if (c === "\\") {
      i += 2;
      command = false;
      continue;
    }
    if (c === "#") {
      skipTo("\n");
      i--;
      continue;
    }
    if (c === "'") {
      i++;
      skipTo("'");
      command = false;
      continue;
    }
    if (c === '"') {
      quoteStack.push(false);
      inQuote = true;
      command = false;
      i++;
      continue;
    }
    if (c === "$") {
      if (next === "'") {
        i += 2;
        while (i < text.length && text[i] !== "'") i += text[i] === "\\" ? 2 : 1;
        i++;
      } else if (next === "(" && text[i + 2] === "(") {
        i += 3;
        skipBalanced("(", ")");
        i++;
      } else if (next === "(") {
        quoteStack.push(false);
        depth.push(0);
        command = true;
        i += 2;
        continue;
      } else if (next === "{") {
        i += 2;
        skipBalanced("{", "}");
      } else i += next !== undefined && /[#?$!@*0-9-]/.test(next) ? 2 : 1;
      command = false;
      continue;
    }
    if (c === "(" && next === "(" && command) {
      i += 2;
      skipBalanced("(", ")");
      i++;
      command = false;
      continue;
    }
    if (c === "(") {
      depth[depth.length - 1]!++;
      command = true;
      i++;
      continue;
    }
    if (c === ")") {
      i++;
      if (cases.at(-1) === "pattern") {
        cases[cases.length - 1] = "body";
        command = true;
        continue;
      }
      if (depth.at(-1)! > 0) depth[depth.length - 1]!--;
      else if (depth.length > 1) {
        depth.pop();
        inQuote = quoteStack.pop() ?? false;
      }
      command = false;
      continue;
    }
    if (c === ";" || c === "&" || c === "|") {
      if (c === ";" && next === ";") {
        i += 2;
        if (cases.length) cases[cases.length - 1] = "pattern";
        command = false;
        continue;
      }
      i++;
      command = cases.at(-1) !== "pattern";
      continue;
    }
    if (c === "<" || c === ">") {
      if (c === "<" && next === "<" && text[i + 2] === "<") {
        i += 3;
        continue;
      }
      if (c === "<" && next === "<") {
        const m = /^<<-?\s*(['"]?)([A-Za-z_][A-Za-z0-9_]*)\1/.exec(text.slice(i));
        if (m) {
          heredoc = m[2];
          i += m[0].length;
          continue;
        }
      }
      while (i < text.length && "<>&".includes(text[i]!)) i++;
      continue;
    }
    // A word.
    let j = i;
    while (j < text.length && word.test(text[j]!)) j++;
    if (j === i) {
      i++;
      continue;
    }
    const w = text.slice(i, j);
    i = j;
    if (cases.at(-1) === "pattern") {
      if (w === "esac") {
        cases.pop();
        command = false;
      }
      continue;
    }
    if (cases.at(-1) === "subject") {
      if (w === "in") cases[cases.length - 1] = "pattern";
      continue;
    }
    out.push({ word: w, command });
    if (command && w === "case") {
      cases.push("subject");
      command = false;
    } else if (command && w === "esac") {
      cases.pop();
      command = false;
    } else if (command && (keywords.has(w) || /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(w))) {
      command = true;
    } else command = false;
  }
  return out;
}

/** A name in command position shaped like this project's functions (lowercase, with an underscore). */
const functionShaped = /^[a-z][a-z0-9]*(_[a-z0-9]+)+$/;

/** The defined functions named in FOUND, in order of first mention; throws when it calls
 * something shaped like a function (lowercase_with_underscores in command position, or step_*
 * anywhere) that no file defines. */
export function callsIn(found: readonly Word[], lib: Library, where: string): string[] {
  const out: string[] = [];
  for (const { word, command } of found) {
    if (lib.functions.has(word)) {
      if (!out.includes(word)) out.push(word);
    } else if ((command || word.startsWith("step_")) && functionShaped.test(word)) {
      // A step is named as an argument too (run_logged LOG step_x), so a mistyped one is caught there.
      throw new Error(`${where} calls ${word}, which no file in src/sh/ defines`);
    }
  }
  return out;
}

/** Every function reachable from ROOTS (names), each once, in the order a reader meets them
 * (depth first, in the order of the calls). */
export function reachable(roots: readonly string[], lib: Library): ShFunction[] {
  const out: ShFunction[] = [];
  const seen = new Set<string>();
  const visit = (name: string, from: string) => {
    if (seen.has(name)) return;
    const f = lib.functions.get(name);
    if (!f) throw new Error(`${from} calls ${name}, which no file in src/sh/ defines`);
    seen.add(name);
    out.push(f);
    for (const callee of callsIn(f.words, lib, `${name}() in ${f.file}`)) visit(callee, name);
  };
  roots.forEach((r) => visit(r, "the script"));
  return out;
}
