// Several instances of the module in one workspace: two module blocks with their own app_slug,
// work dir and port run side by side, each with its own pid, summary, logs and scripts, sharing
// one install, and each resuming its own Claude session. Real AgentAPI (downloaded from the
// loopback release server), real Claude Code and the module's scripts, run at once as the agent does.

import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { modelEnv } from "../lib/model.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { agentapiPid, claudeUnderAgentapi, processIfAlive } from "../lib/processes.ts";
import { scratchDir } from "../lib/scratch.ts";
import { exitOf } from "../lib/start-output.ts";
import { freePort } from "../lib/workspace.ts";
import { summaryOf, waitForTranscript } from "../lib/workspace-files.ts";

const e2e = useE2E();
const image = preinstalled("claude");

describe("two module blocks in one template", () => {
  test("run side by side with their own files, share one AgentAPI download, and each continues its own session", async () => {
    const web = join(scratchDir("work"), "web");
    const api = join(scratchDir("work"), "api");
    const apiPort = await freePort();
    const common = { ...image.inputs, report_tasks: false };
    const skill = (name: string) => `---\nname: ${name}\ndescription: The ${name} steps.\n---\n\nFollow them.\n`;
    const m = e2e.model();
    const ws = await e2e.workspace(
      { ...common, workdir: web, ai_prompt: "Work on the web app", skills: { "web-deploy": skill("web-deploy") } },
      {
        ...image.options,
        env: modelEnv(m),
        modules: {
          "claude-code-api": {
            ...common,
            app_slug: "ccw-api",
            workdir: api,
            agentapi_port: apiPort,
            agentapi_releases_url: e2e.server.agentapiReleasesUrl,
            ai_prompt: "Work on the API",
            skills: { "api-deploy": skill("api-deploy") },
          },
        },
      },
    );
    const apps = ws.resources.filter((r) => r.type === "coder_app").map((r) => r.values.slug);
    expect(apps.sort()).toEqual(["ccw", "ccw-api"]);
    const instances = [
      { dir: ws.moduleDir, workdir: web, slug: "ccw" },
      { dir: join(ws.moduleDir, "instances", "ccw-api"), workdir: api, slug: "ccw-api" },
    ];

    const runs = await ws.agent.start();
    expect(runs.map((r) => exitOf(r))).toEqual([0, 0]);
    // One download of AgentAPI: the second start waited on the shared lock and found it installed.
    expect(e2e.server.downloads()).toBe(1);

    const ids: string[] = [];
    for (const { dir, workdir, slug } of instances) {
      const claude = await claudeUnderAgentapi(dir);
      expect(claude.cwd).toBe(workdir);
      expect(readFileSync(join(dir, "install.log"), "utf8")).not.toBe("");
      expect(existsSync(join(dir, "scripts", "start.args"))).toBe(true);
      expect(readFileSync(join(dir, "status", "app-slug"), "utf8").trim()).toBe(slug);
      const [id] = claude.args.slice(claude.args.indexOf("--session-id") + 1);
      expect(summaryOf(dir)).toContain(`session:       new ${id}`);
      ids.push(id!);
    }
    const installs = instances.map(({ dir }) => summaryOf(dir).match(/^agentapi: +\S+ \((.*)\)$/m)?.[1]);
    expect(installs.sort()).toEqual(["already installed", "downloaded"]);
    const pids = instances.map(({ dir }) => agentapiPid(dir));
    expect(pids[0]).not.toBe(pids[1]);
    expect(new Set(ids).size).toBe(2);
    // Each Claude got its own instance's prompt.
    for (const prompt of ["Work on the web app", "Work on the API"]) {
      await m.waitForRequest((r) => r.lastUserText.includes(prompt));
    }
    for (const id of ids) await waitForTranscript(ws.agent.home, id);

    const stops = await ws.agent.stop({ kill: false });
    expect(stops.map((r) => exitOf(r))).toEqual([0, 0]);
    for (const pid of pids) expect(processIfAlive(pid)).toBeUndefined();

    const again = await ws.agent.start();
    expect(again.map((r) => exitOf(r))).toEqual([0, 0]);
    for (const [i, { dir, workdir }] of instances.entries()) {
      const claude = await claudeUnderAgentapi(dir);
      expect(claude.cwd).toBe(workdir);
      expect(claude.args[0]).toBe("--continue");
      expect(summaryOf(dir)).toContain(`session:       continued the most recent in the work dir (${ids[i]})`);
    }
    expect(e2e.server.downloads()).toBe(1);
    // Each block's skills, side by side in ~/.claude/skills: neither takes the other's out.
    for (const name of ["web-deploy", "api-deploy"]) {
      expect(readFileSync(join(ws.agent.home, ".claude", "skills", name, "SKILL.md"), "utf8")).toBe(skill(name));
    }
    expect(existsSync(join(web, ".agents", "skills", "web-deploy", "SKILL.md"))).toBe(true);
    expect(existsSync(join(api, ".agents", "skills", "api-deploy", "SKILL.md"))).toBe(true);
  }, 240_000);
});
