// What the start says when boundary fails, judged from boundary's real error texts: the cause
// matches the error and the jail type in use, and the fix never offers the jail type that failed.

import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quote } from "../../src/sh.ts";
import { probe } from "../lib/probe.ts";

/** boundary_diagnosis run on its own over ERROR_TEXT, with BOUNDARY_JAIL_TYPE set to jail. */
async function diagnose(jail: string, errorText: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "claude-module-diagnosis-"));
  try {
    const file = join(dir, "preflight.err");
    writeFileSync(file, errorText);
    const r = await probe(
      "test/unit/boundary-diagnosis.test.ts",
      `BOUNDARY_JAIL_TYPE=${quote(jail)} BOUNDARY_DIR=${quote(dir)}; boundary_diagnosis ${quote(file)}`,
    );
    expect(r.stderr).toBe("");
    return r.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("boundary_diagnosis", () => {
  test("a passwd home boundary cannot write: names the path, not CAP_NET_ADMIN, under landjail", async () => {
    const text = "Error: failed to create CA directory: mkdir /nonexistent/.config/coder_boundary: permission denied\n";
    const said = await diagnose("landjail", text);
    expect(said).toContain("boundary cannot write /nonexistent/.config/coder_boundary (permission denied)");
    expect(said).not.toContain("CAP_NET_ADMIN");
    expect(said).not.toContain('"landjail"');
  });

  test("nsjail without CAP_NET_ADMIN: names the capability and offers landjail", async () => {
    const said = await diagnose("nsjail", "Error: failed to create veth pair: operation not permitted\n");
    expect(said).toContain("CAP_NET_ADMIN is not available");
    expect(said).toContain('set boundary_jail_type = "landjail" (Linux 6.7+)');
  });

  test("landjail refused by the kernel: no CAP_NET_ADMIN, and nsjail is the way out", async () => {
    const said = await diagnose("landjail", "Error: failed to restrict self: operation not permitted\n");
    expect(said).toContain("the kernel refused to set up the landjail jail");
    expect(said).not.toContain("CAP_NET_ADMIN");
    expect(said).toContain('set boundary_jail_type = "nsjail"');
  });
});
