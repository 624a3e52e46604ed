// Putting TypeScript values into generated bash without ever forgetting to quote.

/** One shell word that means exactly `value`, whatever bytes it holds. */
export function quote(value: string): string {
  if (value !== "" && /^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A shell variable name; throws on anything that is not one. */
export function ident(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a shell identifier: ${name}`);
  return name;
}
