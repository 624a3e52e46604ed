// What Claude Code and the module keep in a workspace's home: transcripts, Claude's settings, the
// module's session state and start summary; and the shell profiles an image gives a new user.

import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Every transcript file of session `id`, in whichever project folder Claude chose. */
export function transcriptsOf(home: string, id: string): string[] {
  const projects = join(home, ".claude", "projects");
  if (!existsSync(projects)) return [];
  return readdirSync(projects)
    .map((folder) => join(projects, folder, `${id}.jsonl`))
    .filter((file) => existsSync(file));
}

/** Waits until Claude has recorded a user message in session `id`'s transcript; returns its path. */
export async function waitForTranscript(home: string, id: string, timeoutMs = 90_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const file of transcriptsOf(home, id)) {
      const lines = readFileSync(file, "utf8").split("\n");
      if (lines.some((l) => l.includes('"type":"user"') && l.includes(`"sessionId":"${id}"`))) return file;
    }
    if (Date.now() > deadline) throw new Error(`Claude wrote no transcript for session ${id}`);
    await Bun.sleep(500);
  }
}

/** The session ids the module keeps, one file per work dir, by file name (in task mode). */
export function sessionFiles(moduleDir: string): Map<string, string> {
  const dir = join(moduleDir, "sessions");
  // The first line; a second names the task the session belongs to.
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), "utf8").split("\n")[0]!]));
}

/** The summary the last start printed and kept in ~/.claude-module/summary.txt. */
export function summaryOf(moduleDir: string): string {
  return readFileSync(join(moduleDir, "summary.txt"), "utf8");
}

/** ~/.claude/settings.json, or undefined when it is missing or not JSON. */
export function settingsOf(home: string): Record<string, any> | undefined {
  try {
    return JSON.parse(readFileSync(join(home, ".claude", "settings.json"), "utf8"));
  } catch {
    return undefined;
  }
}

/** Gives `home` the shell start-up files a distribution gives a new user (Debian's /etc/skel). */
export function giveSkeletonProfile(home: string): string[] {
  const files = [".profile", ".bashrc"];
  for (const f of files) copyFileSync(join("/etc/skel", f), join(home, f));
  return files.map((f) => join(home, f));
}
