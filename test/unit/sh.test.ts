import { describe, expect, test } from "bun:test";
import { execa } from "execa";
import { ident, quote } from "../../src/sh.ts";
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

describe("ident", () => {
  test("rejects non-identifiers", () => {
    expect(ident("ARG_WORKDIR")).toBe("ARG_WORKDIR");
    expect(() => ident("A-B")).toThrow();
    expect(() => ident("x; rm -rf /")).toThrow();
  });
});
