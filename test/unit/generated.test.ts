// The generated scripts are committed; these checks keep them honest.

import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { Glob } from "bun";
import { join } from "node:path";
import { execa } from "execa";
import { generated, scriptsDir } from "../../src/synth.ts";
import { root } from "../lib/paths.ts";

const bin = (name: string) => join(root, "node_modules", ".bin", name);

describe("generated scripts", () => {
  test("scripts/ matches what src/ generates (run `bun run synth` after changing src/)", async () => {
    const r = await execa(bin("bun"), ["run", "src/synth.ts", "--check"], { cwd: root, reject: false, all: true });
    expect(r.all).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("scripts/ holds nothing src/ does not generate", () => {
    expect(readdirSync(scriptsDir).sort()).toEqual(Object.keys(generated()).sort());
  });

  const shells = Object.keys(generated()).filter((f) => f.endsWith(".sh"));
  for (const file of shells) {
    test(`${file} passes shellcheck with every check enabled`, async () => {
      const r = await execa("shellcheck", ["--enable=all", "--shell=bash", join(scriptsDir, file)], {
        reject: false,
        all: true,
      });
      expect(r.all).toBe("");
      expect(r.exitCode).toBe(0);
    });
  }
});

describe("source hygiene", () => {
  test("TypeScript compiles under strict mode", async () => {
    const r = await execa(bin("tsc"), ["--noEmit", "-p", root], { reject: false, all: true });
    expect(r.all).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("TypeScript is formatted (prettier)", async () => {
    const r = await execa(bin("prettier"), ["--check", "src", "test", "tools"], {
      cwd: root,
      reject: false,
      all: true,
    });
    expect(r.exitCode).toBe(0);
  });

  test("the bash in src/ passes shellcheck as written, with every check enabled", async () => {
    const files = [...new Glob("src/**/*.sh").scanSync({ cwd: root })].sort();
    expect(files).toContain(join("src", "sh", "lib.sh"));
    const r = await execa("shellcheck", ["--enable=all", "--shell=bash", ...files], {
      cwd: root,
      reject: false,
      all: true,
    });
    expect(r.all).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("the project's own bash (tools/, .ci/, test/) passes shellcheck with every check enabled", async () => {
    const files = [
      join(".ci", "run"),
      ...readdirSync(join(root, "tools"))
        .filter((f) => f.endsWith(".sh"))
        .map((f) => join("tools", f)),
      join("test", "coder", "compute.sh"),
      join("test", "doubles", "bin", "coder"),
      join("test", "doubles", "claude-installer.sh"),
    ];
    const r = await execa("shellcheck", ["--enable=all", "--external-sources", ...files], {
      cwd: root,
      reject: false,
      all: true,
    });
    expect(r.all).toBe("");
    expect(r.exitCode).toBe(0);
  });

  test("Terraform is formatted (terraform fmt)", async () => {
    const r = await execa("terraform", ["fmt", "-check", "-recursive", "-diff"], {
      cwd: root,
      reject: false,
      all: true,
    });
    expect(r.stdout).toBe("");
    expect(r.exitCode).toBe(0);
  });
});
