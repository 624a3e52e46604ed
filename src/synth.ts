// Writes the generated scripts into scripts/. With --check, writes nothing and
// exits non-zero when scripts/ differs from what src/ generates.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderScript } from "./script.ts";
import { start } from "./scripts/start.ts";
import { stop } from "./scripts/stop.ts";

export const scriptsDir = join(import.meta.dir, "..", "scripts");

/** The launcher as main.tf renders it: src/launch.sh.tftpl without its "##" lines, which are for
 * its readers and would cost room in the 128 KiB the agent can run. */
function launcher(): string {
  const source = readFileSync(join(import.meta.dir, "launch.sh.tftpl"), "utf8");
  return source
    .split("\n")
    .filter((line) => line !== "##" && !line.startsWith("## "))
    .join("\n");
}

export function generated(): Record<string, string> {
  return {
    "start.sh": renderScript(start),
    "stop.sh": renderScript(stop),
    "launch.sh.tftpl": launcher(),
  };
}

function current(file: string): string | undefined {
  try {
    return readFileSync(join(scriptsDir, file), "utf8");
  } catch {
    return undefined;
  }
}

if (import.meta.main) {
  const check = process.argv.includes("--check");
  const stale = Object.entries(generated()).filter(([file, text]) => current(file) !== text);
  if (check) {
    for (const [file] of stale) console.error(`scripts/${file} is stale: run \`bun run synth\``);
    process.exit(stale.length ? 1 : 0);
  }
  for (const [file, text] of stale) {
    writeFileSync(join(scriptsDir, file), text, { mode: file.endsWith(".sh") ? 0o755 : 0o644 });
    console.log(`wrote scripts/${file}`);
  }
}
