// One bash function of src/sh/ run on its own: the stop script's prologue (given the arguments a
// workspace gives it) with `main` in place of its steps; the composer brings in what main calls.

import { execa } from "execa";
import { contracts } from "../../src/contract.ts";
import { composeScript } from "../../src/script.ts";
import { scratchDir } from "./scratch.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

/** Runs `main` (bash) after the stop script's prologue, with PATH and `env`; never throws on its exit status. */
export async function probe(source: string, main: string, env: Record<string, string> = {}) {
  const script = composeScript({ name: "stop", doc: "probe", source, main, globals: "" });
  const args = Object.fromEntries(
    contracts.stop.args.map((a) => [
      `CLAUDE_MODULE_ARG_${a.name}`,
      b64(a.type === "port" ? "3284" : a.name === "ACCESS_URL" ? "https://coder.example.com" : ""),
    ]),
  );
  return execa("bash", ["--norc", "-c", script], {
    env: { PATH: process.env.PATH!, HOME: scratchDir("probe-home"), ...args, ...env },
    extendEnv: false,
    reject: false,
  });
}
