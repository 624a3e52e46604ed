// terraform validate and the *.tftest.hcl suite (tests/, where a plain `terraform test` finds it), against every coder provider version we support.

import { describe, expect, test } from "bun:test";
import { copyModule, terraform } from "../lib/terraform.ts";
import { providerVersions } from "../lib/paths.ts";

for (const version of providerVersions) {
  describe(`coder/coder ${version}`, () => {
    const dir = copyModule();

    test("terraform init selects this provider version and validate passes", async () => {
      const init = await terraform(dir, ["init", "-no-color"], version);
      expect(init.exitCode).toBe(0);
      expect(init.all).toContain(`coder/coder v${version}`);
      const validate = await terraform(dir, ["validate", "-no-color"], version);
      expect(validate.all).toContain("The configuration is valid");
      expect(validate.exitCode).toBe(0);
    });

    test("terraform test (tests/) passes", async () => {
      const r = await terraform(dir, ["test", "-no-color"], version);
      if (r.exitCode !== 0) console.error(r.all);
      expect(r.exitCode).toBe(0);
      const summary = r.all?.match(/(\d+) passed, (\d+) failed/);
      expect(Number(summary?.[1])).toBeGreaterThan(10);
      expect(Number(summary?.[2])).toBe(0);
    });
  });
}
