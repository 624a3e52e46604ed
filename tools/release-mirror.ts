// A static file server on loopback standing in for the download hosts a workspace reaches
// (GitHub releases for AgentAPI and boundary, claude.ai for the Claude Code installer): it serves
// the directory tools/coder.sh lays out, and appends every request's path to a log, so tests can
// tell whether a workspace start downloaded anything.
//
//   bun run tools/release-mirror.ts DIR PORT REQUEST_LOG

import { appendFileSync, realpathSync, statSync } from "node:fs";
import { join, normalize } from "node:path";

const [dir, port, requestLog] = process.argv.slice(2);
if (!dir || !port || !requestLog) {
  console.error("usage: bun run tools/release-mirror.ts DIR PORT REQUEST_LOG");
  process.exit(2);
}

Bun.serve({
  hostname: "127.0.0.1",
  port: Number(port),
  fetch(request) {
    const path = decodeURIComponent(new URL(request.url).pathname);
    appendFileSync(requestLog, `${request.method} ${path}\n`);
    const file = join(dir, normalize(path));
    try {
      if (!file.startsWith(dir + "/") || !statSync(realpathSync(file)).isFile()) throw new Error("not a file");
    } catch {
      return new Response("not found\n", { status: 404 });
    }
    return new Response(Bun.file(realpathSync(file)));
  },
});
console.log(`release mirror: serving ${dir} on http://127.0.0.1:${port}`);
