// The README's egress table is what an admin opens a firewall from: the hosts it lists for Claude
// Code itself must be exactly the hosts boundary's policy lets Claude reach.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probe } from "../lib/probe.ts";
import { root } from "../lib/paths.ts";

test("the README's egress row for Claude Code lists the hosts boundary's policy allows, no more, no fewer", async () => {
  const r = await probe("test/unit/egress.test.ts", `claude_code_hosts; printf '%s\\n' "\${CLAUDE_CODE_HOSTS[@]}"`);
  expect(r.exitCode).toBe(0);
  const policy = r.stdout.split("\n").sort();

  const readme = readFileSync(join(root, "README.md"), "utf8");
  const row = readme.split("\n").find((l) => l.startsWith("|") && l.includes("| Claude Code itself"));
  expect(row).toBeDefined();
  const documented = [...row!.split("|")[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).sort();

  expect(policy.length).toBeGreaterThan(0);
  expect(documented).toEqual(policy);
});
