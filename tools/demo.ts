// The demo: applies examples/demo with the real coder provider, runs the
// module's scripts through the local agent runner in .demo/home, and leaves
// AgentAPI (with Claude Code under it) running. Run it again for a warm
// restart; `tools/demo.sh stop` stops it.

import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { LocalAgent } from "../test/lib/agent.ts";
import { root } from "../test/lib/paths.ts";
import { startReleaseServer } from "../test/lib/release-server.ts";
import { apply } from "../test/lib/terraform.ts";

const demo = join(root, ".demo");
const home = join(demo, "home");
const workdir = join(demo, "project");
const port = 3284;

const template = join(demo, "template");
mkdirSync(template, { recursive: true });
cpSync(join(root, "examples", "demo", "main.tf"), join(template, "main.tf"));
// The example refers to the module as ../.. ; in the copy it lives at the repository root.
const main = readFileSync(join(template, "main.tf"), "utf8").replace(
  'source                = "../.."',
  `source                = "${root}"`,
);
await Bun.write(join(template, "main.tf"), main);
mkdirSync(home, { recursive: true });
mkdirSync(workdir, { recursive: true });
if (!existsSync(join(workdir, "README.md"))) await Bun.write(join(workdir, "README.md"), "# Demo project\n");

const server = startReleaseServer();
process.env.TF_VAR_workdir = workdir;
process.env.TF_VAR_agentapi_releases_url = server.agentapiReleasesUrl;
process.env.TF_VAR_claude_installer_url = server.claudeInstallerUrl;
process.env.TF_VAR_agentapi_port = String(port);

console.log("applying examples/demo with the real coder provider ...");
const resources = await apply(template);
const agent = new LocalAgent({ resources, home });

if (process.argv.includes("stop")) {
  const runs = await agent.stop();
  for (const r of runs) console.log(r.output.trimEnd());
  server.stop();
  process.exit(0);
}

// A previous demo run may still be running: stop it the way a workspace stop would.
await new LocalAgent({ resources, home }).stop();

console.log("running the module's start script through the local agent runner ...\n");
const runs = await agent.start();
server.stop();
for (const r of runs) console.log(`--- ${r.displayName} (exit ${r.exitCode}) ---\n${r.output.trimEnd()}\n`);
if (runs.some((r) => r.exitCode !== 0)) {
  console.error("the module's start script failed; see the logs in .demo/home/.claude-module/");
  process.exit(1);
}

const status = await fetch(`http://127.0.0.1:${port}/status`).then((r) => r.json());
console.log(`AgentAPI listens on http://127.0.0.1:${port} (chat UI at /chat, status ${JSON.stringify(status)})`);
console.log(
  `summary (.demo/home/.claude-module/summary.txt):\n${readFileSync(join(home, ".claude-module", "summary.txt"), "utf8")}`,
);
console.log("stop it with: tools/demo.sh stop");
rmSync(join(template, "terraform.tfstate.backup"), { force: true });
