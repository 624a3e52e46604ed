// The README's egress table is what an admin opens a firewall from: the hosts it lists for Claude
// Code itself must be exactly the hosts boundary's policy lets Claude reach.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { contracts } from "../../src/contract.ts";
import { composeScript } from "../../src/script.ts";
import { root } from "../lib/paths.ts";

test("the README's egress row for Claude Code lists the hosts boundary's policy allows, no more, no fewer", async () => {
  // The stop script's prologue with a main that prints the list: the composer brings claude_code_hosts in.
  const script = composeScript({
    name: "stop",
    doc: "probe",
    source: "test/unit/egress.test.ts",
    main: `claude_code_hosts; printf '%s\\n' "\${CLAUDE_CODE_HOSTS[@]}"`,
    globals: "",
  });
  // The stop script's arguments, so its prologue runs as it does in a workspace.
  const args = contracts.stop.args.map((a) => [
    `CLAUDE_MODULE_ARG_${a.name}`,
    Buffer.from(a.type === "port" ? "3284" : "").toString("base64"),
  ]);
  const env = { PATH: process.env.PATH!, ...Object.fromEntries(args) };
  const r = await execa("bash", ["--norc", "-c", script], { env, extendEnv: false });
  const policy = r.stdout.split("\n").sort();

  const readme = readFileSync(join(root, "README.md"), "utf8");
  const row = readme.split("\n").find((l) => l.startsWith("|") && l.includes("| Claude Code itself"));
  expect(row).toBeDefined();
  const documented = [...row!.split("|")[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();

  expect(policy.length).toBeGreaterThan(0);
  expect(documented).toEqual(policy);
});
