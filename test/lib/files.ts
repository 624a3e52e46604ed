// Facts about files that tests compare across starts or check for privacy.

import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Device and inode plus mtime: changes when a file is rewritten or replaced. */
export function identity(path: string): string {
  const s = statSync(path);
  return `${s.dev}:${s.ino}:${s.mtimeMs}`;
}

/** The permission bits of `path` (symlinks followed). */
export const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every regular file under `dir` (symlinks not followed). `dir` must exist; a directory below it
 * that is removed while we look (Claude Code deletes its temporary clones) holds nothing. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnderIfPresent(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

function filesUnderIfPresent(dir: string): string[] {
  try {
    return filesUnder(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}
