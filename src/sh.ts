// Building bash text from TypeScript without ever forgetting to quote.
//
// `sh` is a tagged template: every interpolated plain string becomes one
// single-quoted shell word, so a value can never turn into code. Only values
// that are already `Sh` (built by this module) are spliced in verbatim.

export class Sh {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type ShPart = Sh | string | number;

/** One shell word that means exactly `value`, whatever bytes it holds. */
export function quote(value: string): string {
  if (value !== "" && /^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

function render(part: ShPart): string {
  if (part instanceof Sh) return part.text;
  if (typeof part === "number") {
    if (!Number.isInteger(part)) throw new Error(`non-integer in shell text: ${part}`);
    return String(part);
  }
  return quote(part);
}

export function sh(strings: TemplateStringsArray, ...parts: ShPart[]): Sh {
  let out = strings[0] ?? "";
  parts.forEach((part, i) => {
    out += render(part) + (strings[i + 1] ?? "");
  });
  return new Sh(out);
}

/** A shell variable name; throws on anything that is not one. */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a shell identifier: ${name}`);
  return name;
}

/** `"${name}"`: a quoted expansion of a variable. */
export function v(name: string): Sh {
  return new Sh(`"\${${ident(name)}}"`);
}

export function join(parts: readonly Sh[], sep = "\n"): Sh {
  return new Sh(parts.map((p) => p.text).join(sep));
}

/** Re-indents a block so generated functions read like hand-written ones. */
export function indent(block: Sh, by = "  "): Sh {
  return new Sh(
    block.text
      .split("\n")
      .map((line) => (line.trim() === "" ? "" : by + line))
      .join("\n"),
  );
}

/** Strips the common leading indentation of a template literal block. */
export function dedent(block: Sh): Sh {
  const lines = block.text
    .replace(/^\n/, "")
    .replace(/\n\s*$/, "")
    .split("\n");
  const widths = lines.filter((l) => l.trim() !== "").map((l) => l.match(/^ */)![0].length);
  const cut = widths.length ? Math.min(...widths) : 0;
  return new Sh(lines.map((l) => l.slice(cut)).join("\n"));
}
