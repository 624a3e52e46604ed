// A default that Terraform makes us write twice (a variable's default cannot be read elsewhere in
// the module): the copies must agree.

import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "../lib/paths.ts";

test('boundary_version\'s "latest" and "main" become the variable\'s default release', () => {
  const variables = readFileSync(join(root, "variables.tf"), "utf8");
  const main = readFileSync(join(root, "main.tf"), "utf8");
  const declared = variables.match(/variable "boundary_version" \{[^}]*?default\s*=\s*"([^"]+)"/s)?.[1];
  const alias = main.match(/boundary_version\s*=\s*local\.boundary_moving \? "([^"]+)"/)?.[1];
  expect(declared).toMatch(/^v\d/);
  expect(alias).toBe(declared!);
});
