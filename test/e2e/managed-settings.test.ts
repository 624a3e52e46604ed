// managed_settings: the real Claude Code applies what the module puts in its managed-settings.d,
// the file is root's and hidden from everyone but the user's group, the plan does not show the
// settings, a warm start leaves the file alone, and unsetting the input takes it back. Each
// workspace gets an /etc of its own (test/lib/private-etc.ts): this machine's other Claude Codes
// keep their policy.

import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { useE2E } from "../lib/e2e.ts";
import { filesUnder, identity } from "../lib/files.ts";
import { startScriptedModel, type ScriptedModel } from "../lib/model.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { privateEtc, type PrivateEtc } from "../lib/private-etc.ts";
import { commandLines } from "../lib/processes.ts";
import { exitOf } from "../lib/start-output.ts";
import { plan, writeTemplate, type Inputs } from "../lib/terraform.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");
let etc: PrivateEtc;
let model: ScriptedModel;
beforeEach(async () => {
  etc = await privateEtc();
  model = startScriptedModel();
  model.on("which policy?", [{ text: "Policy noted." }]);
});
afterEach(() => {
  etc.stop();
  model.stop();
});

const dropIn = () => join(etc.changes, "claude-code", "managed-settings.d", "50-claude-code-module.json");

describe("managed_settings", () => {
  test("Claude Code applies them; root's file, group-readable only; a warm start keeps it; unset removes it", async () => {
    // A managed env block is where secrets go (a header a gateway checks): Claude Code sends it.
    const secret = `policy-${randomUUID()}`;
    const base: Inputs = {
      ...image.inputs,
      report_tasks: false,
      anthropic_base_url: model.url,
      claude_api_key: model.apiKey,
    };
    const inputs = { ...base, managed_settings: { env: { ANTHROPIC_CUSTOM_HEADERS: `X-Managed-Policy: ${secret}` } } };
    const planned = await plan(writeTemplate({ ...inputs, workdir: "/home/coder/project" }));
    expect(planned.exitCode).toBe(0);
    expect(planned.all).not.toContain(secret);

    const { agent, workdir } = await e2e.workspace(inputs, { ...image.options, mountNamespace: etc.pid });
    const [run] = await agent.start();
    expect(exitOf(run)).toBe(0);
    expect(run!.output).toContain(
      "wrote managed settings to /etc/claude-code/managed-settings.d/50-claude-code-module.json",
    );

    const asked = await agent.exec("claude", ["-p", "which policy?"], { cwd: workdir });
    expect(asked.stdout).toContain("Policy noted.");
    expect(model.requests().some((r) => r.headers["x-managed-policy"] === secret)).toBe(true);

    const file = statSync(dropIn());
    expect({ uid: file.uid, gid: file.gid, mode: file.mode & 0o777 }).toEqual({ uid: 0, gid: 0, mode: 0o640 });
    expect(JSON.parse(readFileSync(dropIn(), "utf8"))).toEqual(inputs.managed_settings);
    expect(statSync(join(etc.changes, "claude-code")).mode & 0o777).toBe(0o755);

    expect(run!.output).not.toContain(secret);
    expect(commandLines(agent).filter((c) => c.includes(secret))).toEqual([]);
    for (const f of filesUnder(join(agent.home, ".claude-module"))) {
      expect({ f, secret: readFileSync(f, "latin1").includes(secret) }).toEqual({ f, secret: false });
    }

    // A warm start with the same settings does not rewrite the file.
    const before = identity(dropIn());
    await agent.stop();
    const [warm] = await agent.start();
    expect(exitOf(warm)).toBe(0);
    expect(identity(dropIn())).toBe(before);
    await agent.stop();

    // The template drops the input: the module's file goes, and Claude Code sends the header no more.
    const { agent: after } = await e2e.workspace(
      { ...base, workdir },
      { ...image.options, mountNamespace: etc.pid, home: agent.home },
    );
    const [unset] = await after.start();
    expect(exitOf(unset)).toBe(0);
    expect(unset!.output).toContain("removed /etc/claude-code/managed-settings.d/50-claude-code-module.json");
    expect(existsSync(dropIn())).toBe(false);
    const since = model.requests().length;
    const again = await after.exec("claude", ["-p", "which policy?"], { cwd: workdir });
    expect(again.stdout).toContain("Policy noted.");
    const later = model.requests().slice(since);
    expect(later.length).toBeGreaterThan(0);
    expect(later.filter((r) => r.headers["x-managed-policy"] !== undefined)).toEqual([]);
  });
});
