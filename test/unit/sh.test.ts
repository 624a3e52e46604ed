import { describe, expect, test } from "bun:test";
import { execa } from "execa";
import { ident, quote, sh, v } from "../../src/sh.ts";
import { hostile } from "../lib/hostile.ts";

async function echoedByBash(script: string): Promise<string> {
  const r = await execa("bash", ["-c", script], { stripFinalNewline: false });
  return r.stdout;
}

describe("quote", () => {
  for (const value of hostile) {
    test(`bash reads ${JSON.stringify(value)} back byte for byte`, async () => {
      expect(await echoedByBash(`printf '%s' ${quote(value)}`)).toBe(value);
    });
  }

  test("leaves safe words readable", () => {
    expect(quote("/home/coder/project")).toBe("/home/coder/project");
    expect(quote("a b")).toBe("'a b'");
  });
});

describe("sh", () => {
  test("quotes interpolated strings and splices Sh verbatim", async () => {
    const script = sh`printf '%s|' ${"$(echo injected)"} ${v("HOME")}`;
    expect(script.text).toBe(`printf '%s|' '$(echo injected)' "\${HOME}"`);
    expect(await echoedByBash(`HOME=/h; ${script.text}`)).toBe("$(echo injected)|/h|");
  });

  test("rejects non-integers and non-identifiers", () => {
    expect(() => sh`${1.5}`).toThrow();
    expect(() => ident("A-B")).toThrow();
    expect(() => v("x; rm -rf /")).toThrow();
  });
});
