// Go's os.Expand (src/os/env.go), which the Coder agent applies (as os.ExpandEnv) to every
// coder_env value. A port, rule for rule:
// - `$NAME` takes the longest run of ASCII letters, digits and `_`; `${NAME}` takes everything up
//   to the next `}`. An unset name expands to "".
// - One of `*#$@!?-0123456789` right after `$` (or alone in braces) is a name by itself: `$$`,
//   `$1`, `$-` look up "$", "1", "-" (unset in practice, so ""); `$12` is `$1` then "2".
// - `$` before anything else (a space, `/`, `(`, `%`, a non-ASCII letter, the end) stays as it is.
// - Bad brace syntax is eaten: `${}` disappears; an unclosed `${` loses those two characters.
// There is no escape: nothing keeps `$NAME` from expanding.
// Go works on UTF-8 bytes; every byte it tests for is ASCII, so UTF-16 code units give the same result.

const specialNames = "*#$@!?-0123456789";

function isAlphaNum(c: string): boolean {
  return c === "_" || (c >= "0" && c <= "9") || (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
}

/** Go's getShellName: the name that begins `s` (which is not empty) and how many characters it spans. */
function shellName(s: string): [name: string, width: number] {
  if (s[0] === "{") {
    if (s.length > 2 && specialNames.includes(s[1]!) && s[2] === "}") return [s[1]!, 3];
    const close = s.indexOf("}", 1);
    if (close === 1) return ["", 2]; // bad syntax: eat "${}"
    if (close > 1) return [s.slice(1, close), close + 1];
    return ["", 1]; // bad syntax: eat "${"
  }
  if (specialNames.includes(s[0]!)) return [s[0]!, 1];
  let i = 0;
  while (i < s.length && isAlphaNum(s[i]!)) i++;
  return [s.slice(0, i), i];
}

/** `value` with `$NAME` and `${NAME}` replaced as Go's os.Expand does; `lookup` returns undefined for unset. */
export function expandEnv(value: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  let copied = 0;
  for (let j = 0; j < value.length; j++) {
    if (value[j] !== "$" || j + 1 >= value.length) continue;
    out += value.slice(copied, j);
    const [name, width] = shellName(value.slice(j + 1));
    if (name !== "") out += lookup(name) ?? "";
    else if (width === 0) out += "$"; // not followed by a name: the `$` stays
    // else: bad syntax, eaten
    j += width;
    copied = j + 1;
  }
  return out + value.slice(copied);
}

/** A lookup in `env` that sees only its own entries (not Object.prototype's `constructor`, ...). */
export function lookupIn(env: Record<string, string>): (name: string) => string | undefined {
  return (name) => (Object.hasOwn(env, name) ? env[name] : undefined);
}
