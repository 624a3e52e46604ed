// expandEnv against Go's os.Expand. The expected values are what Go 1.26's os.Expand returned for
// these inputs with this environment (checked once with a Go program; no Go runs here).

import { describe, expect, test } from "bun:test";
import { expandEnv, lookupIn } from "../lib/expand-env.ts";

const env: Record<string, string> = {
  HOME: "/home/coder",
  PATH: "/usr/bin:/bin",
  A: "x",
  A_1: "y",
  EMPTY: "",
  // Special names are names: set here to show which name was looked up.
  "1": "one",
  $: "dollar",
  "*": "star",
  "FOO BAR": "spaced",
  é: "accent",
};

const cases: [string, string, string][] = [
  ["no $ at all", "plain text", "plain text"],
  ["empty", "", ""],
  ["$NAME", "$HOME/bin", "/home/coder/bin"],
  ["${NAME}", "${HOME}/bin", "/home/coder/bin"],
  ["PATH extended with $PATH", "/opt/bin:$PATH", "/opt/bin:/usr/bin:/bin"],
  ["unset $NAME", "$UNSET", ""],
  ["unset ${NAME}", "a${UNSET}b", "ab"],
  ["set but empty", "$EMPTY|", "|"],
  ["a name takes letters, digits and _", "$A_1", "y"],
  ["the longest run, even if unset", "$A_1x", ""],
  ["a name ends at -", "$A-1", "x-1"],
  ["a name ends at .", "$A.x", "x.x"],
  ["braces end a name", "${A}_1", "x_1"],
  ["names back to back", "$HOME$HOME", "/home/coder/home/coder"],
  ["$$ is the name $, no escape", "$$", "dollar"],
  ["$$NAME is $$ then text", "$$HOME", "dollarHOME"],
  ["$1 is a name", "$1", "one"],
  ["a digit is a whole name", "$12", "one2"],
  ["a digit name ends before letters", "$1x", "onex"],
  ["$0", "$0", ""],
  ["$*", "$*", "star"],
  ["$-", "$-", ""],
  ["$@", "$@", ""],
  ["$#", "$#", ""],
  ["$!", "$!", ""],
  ["$?", "$?", ""],
  ["a price loses its digit", "cost: $5", "cost: "],
  ["${1}", "${1}", "one"],
  ["${12} is the name 12", "${12}", ""],
  ["${$}", "${$}", "dollar"],
  ["${*}", "${*}", "star"],
  ["${-}", "${-}", ""],
  ["anything up to } is the name", "${FOO BAR}", "spaced"],
  ["no shell defaults", "${A:-default}", ""],
  ["text after } stays", "${A}}", "x}"],
  ["a { inside braces is part of the name", "${{A}}", "}"],
  ["non-ASCII inside braces", "${é}", "accent"],
  ["${} is eaten", "${}", ""],
  ["${} is eaten mid-text", "a${}b", "ab"],
  ["an unclosed ${ is eaten", "${", ""],
  ["an unclosed ${ is eaten, the rest stays", "${HOME", "HOME"],
  ["an unclosed ${ mid-text", "a${b", "ab"],
  ["a lone $ at the end stays", "$", "$"],
  ["a trailing $ stays", "100$", "100$"],
  ["$ before a space stays", "$ x", "$ x"],
  ["$ before % stays", "$%", "$%"],
  ["$ before / stays", "$/x", "$/x"],
  ["$ before ( stays", "$(id)", "$(id)"],
  ["$ before a non-ASCII letter stays", "$é", "$é"],
  ["backslash does not escape", "\\$A", "\\x"],
  ["single quotes do not escape", "'$A'", "'x'"],
  ["backquotes do not escape", "`$A`", "`x`"],
  ["Object.prototype is not the environment", "$__proto__${constructor}", ""],
];

describe("expandEnv matches Go's os.Expand", () => {
  for (const [what, input, expected] of cases) {
    test(`${what}: ${JSON.stringify(input)}`, () => {
      expect(expandEnv(input, lookupIn(env))).toBe(expected);
    });
  }

  test("looks up each name once, in order, and nothing else", () => {
    const asked: string[] = [];
    const out = expandEnv("$A ${B} $1 ${} ${ $", (name) => {
      asked.push(name);
      return undefined;
    });
    expect(asked).toEqual(["A", "B", "1"]);
    expect(out).toBe("     $");
  });
});
