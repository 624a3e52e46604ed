// Model access for real: Claude Code, configured by the module's inputs alone, calls Coder's AI
// Gateway (a scripted Messages API endpoint serving the gateway's path: a test double) with the
// credentials of each mode Coder documents, and a base URL of the template's own.

import { afterEach, describe, expect, test } from "bun:test";
import { randomUUID } from "node:crypto";
import { useE2E } from "../lib/e2e.ts";
import { startScriptedModel, type ScriptedModel } from "../lib/model.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import { exitOf } from "../lib/start-output.ts";

const e2e = useE2E();
const image = preinstalled("claude", "agentapi");
const models: ScriptedModel[] = [];
afterEach(() => {
  for (const m of models.splice(0)) m.stop();
});

function gateway(basePath: string): ScriptedModel {
  const model = startScriptedModel({ basePath });
  models.push(model);
  model.on("which way did you come?", [{ text: "Through the gateway." }]);
  return model;
}

/** A workspace of the module with `inputs`, whose deployment is at the model's address; Claude asked
 * once from a terminal, the way a user would. */
async function askFromTerminal(model: ScriptedModel, inputs: Record<string, string | boolean>, token: string) {
  const { agent, workdir } = await e2e.workspace(
    { ...image.inputs, report_tasks: false, ...inputs },
    { ...image.options, accessUrl: model.url, provisionerEnv: { CODER_WORKSPACE_OWNER_SESSION_TOKEN: token } },
  );
  const [run] = await agent.start();
  expect(exitOf(run)).toBe(0);
  const asked = await agent.exec("claude", ["-p", "which way did you come?"], { cwd: workdir });
  expect(asked.stdout).toContain("Through the gateway.");
  return run!.output;
}

describe("Coder's AI Gateway", () => {
  test("no credential of the user's own: the owner's Coder token is the credential, at /api/v2/ai-gateway/<provider>", async () => {
    const model = gateway("/api/v2/ai-gateway/anthropic");
    const token = `coder-token-${randomUUID()}`;
    const output = await askFromTerminal(model, { enable_ai_gateway: true }, token);
    expect(model.requests().map((r) => r.path)).toContain("/api/v2/ai-gateway/anthropic/v1/messages");
    expect(model.sawCredential(`Bearer ${token}`)).toBe(true);
    expect(output).not.toContain(token);
  });

  test("an API key of the user's own: the key authenticates, the Coder token rides in the governance header", async () => {
    const model = gateway("/api/v2/ai-gateway/anthropic-corp");
    const token = `coder-token-${randomUUID()}`;
    await askFromTerminal(
      model,
      { enable_ai_gateway: true, ai_gateway_provider: "anthropic-corp", anthropic_api_key: model.apiKey },
      token,
    );
    expect(model.sawCredential(model.apiKey)).toBe(true);
    expect(model.sawCredential(token)).toBe(true);
    expect(model.sawCredential(`Bearer ${token}`)).toBe(false);
  });

  test("enable_aibridge (upstream v4.5): the /api/v2/aibridge route with the Coder token", async () => {
    const model = gateway("/api/v2/aibridge/anthropic");
    const token = `coder-token-${randomUUID()}`;
    await askFromTerminal(model, { enable_aibridge: true }, token);
    expect(model.sawCredential(`Bearer ${token}`)).toBe(true);
  });
});

describe("anthropic_base_url", () => {
  test("Claude calls the template's own endpoint with the template's key", async () => {
    const model = gateway("/llm/anthropic");
    await askFromTerminal(
      model,
      { anthropic_base_url: `${model.url}/llm/anthropic`, claude_api_key: model.apiKey },
      "unused",
    );
    expect(model.requests().map((r) => r.path)).toContain("/llm/anthropic/v1/messages");
    expect(model.sawCredential(model.apiKey)).toBe(true);
  });
});

describe("telemetry", () => {
  test("Claude Code exports its events to the OTLP endpoint, tagged with the workspace, with the headers", async () => {
    const model = gateway("");
    const received: { path: string; authorization: string | null; body: string }[] = [];
    const collector = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        received.push({
          path: new URL(req.url).pathname,
          authorization: req.headers.get("authorization"),
          body: await req.text(),
        });
        return Response.json({});
      },
    });
    try {
      const secret = `otel-${randomUUID()}`;
      const { agent, workdir } = await e2e.workspace(
        {
          ...image.inputs,
          report_tasks: false,
          anthropic_base_url: model.url,
          claude_api_key: model.apiKey,
          telemetry: {
            enabled: true,
            otlp_endpoint: `http://127.0.0.1:${collector.port}`,
            otlp_protocol: "http/json",
            otlp_headers: { authorization: `Bearer ${secret}` },
            resource_attributes: { team: "platform" },
          },
        },
        image.options,
      );
      const [run] = await agent.start();
      expect(exitOf(run)).toBe(0);
      const asked = await agent.exec("claude", ["-p", "which way did you come?"], { cwd: workdir });
      expect(asked.stdout).toContain("Through the gateway.");
      // Claude sends what it has recorded when it exits.
      const logs = received.filter((r) => r.path === "/v1/logs");
      expect(logs.length).toBeGreaterThan(0);
      expect(logs[0]!.authorization).toBe(`Bearer ${secret}`);
      expect(logs[0]!.body).toContain("coder.workspace_name");
      expect(logs[0]!.body).toContain("platform");
      expect(run?.output).not.toContain(secret);
    } finally {
      collector.stop(true);
    }
  });
});

describe("use_bedrock and use_vertex", () => {
  for (const [input, provider] of [
    ["use_bedrock", "bedrock"],
    ["use_vertex", "vertex"],
  ] as const) {
    test(`${input} = true: Claude Code gets the provider's switch and the start reports it`, async () => {
      const { agent } = await e2e.workspace({ ...image.inputs, report_tasks: false, [input]: true }, image.options);
      const [run] = await agent.start();
      expect(exitOf(run)).toBe(0);
      expect(run?.output).toMatch(new RegExp(`auth: +${provider}\\n`));
      const variable = provider === "bedrock" ? "CLAUDE_CODE_USE_BEDROCK" : "CLAUDE_CODE_USE_VERTEX";
      const printed = await agent.exec("bash", ["-c", `printf '%s' "\${${variable}:-unset}"`]);
      expect(printed.stdout).toBe("1");
    });
  }
});
