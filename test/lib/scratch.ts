// Every directory a test run creates (homes, work dirs, templates, pre-installed binaries, the
// agent's data dirs) lives under one root in the OS temp dir, removed when the test process ends.

import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: string | undefined;

/** The run's root, created on first use. `bun test` never emits the process "exit" event, so a
 * detached watcher removes the root once this process is gone, however it ended. */
function scratchRoot(): string {
  if (!root) {
    root = mkdtempSync(join(tmpdir(), "claude-module-test-"));
    const watcher = spawn(
      "sh",
      ["-c", 'tail --pid="$1" -f /dev/null; rm -rf -- "$2"', "sh", String(process.pid), root],
      { detached: true, stdio: "ignore" },
    );
    watcher.unref();
  }
  return root;
}

/** A new, empty directory for a test's own files, named `<purpose>-XXXXXX`. */
export function scratchDir(purpose: string): string {
  return mkdtempSync(join(scratchRoot(), `${purpose}-`));
}
