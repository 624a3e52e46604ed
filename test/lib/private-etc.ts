// A machine's /etc of a workspace's own: a mount namespace in which /etc is an overlay whose
// changes land in a scratch directory. The module writes Claude Code's managed settings to
// /etc/claude-code, which every Claude Code on a machine reads; tests that run as root must not
// change the policy of every other Claude Code on this machine.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { scratchDir } from "./scratch.ts";

export interface PrivateEtc {
  /** A process inside the namespace: give it to the agent as `mountNamespace`. */
  readonly pid: number;
  /** Where what the workspace writes to /etc lands (/etc/claude-code is `${changes}/claude-code`). */
  readonly changes: string;
  stop(): void;
}

export async function privateEtc(): Promise<PrivateEtc> {
  const dir = scratchDir("etc");
  const changes = join(dir, "upper");
  const work = join(dir, "work");
  mkdirSync(changes);
  mkdirSync(work);
  const holder: ChildProcess = spawn(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "--fork",
      "--",
      "sh",
      "-c",
      'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc && echo "$$" && exec sleep infinity',
      "sh",
      changes,
      work,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const pid = await new Promise<number>((resolve, reject) => {
    holder.stdout!.once("data", (data: Buffer) => resolve(Number(data.toString().trim())));
    holder.once("exit", (code) => reject(new Error(`could not make a private /etc (unshare exited ${code})`)));
  });
  return {
    pid,
    changes,
    stop() {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
      holder.kill("SIGKILL");
    },
  };
}
