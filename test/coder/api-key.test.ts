// API-key mode in task mode, in a real Coder: the module gives the key to Claude (ANTHROPIC_API_KEY)
// and withholds it from the coder CLI on purpose, so the CLI does not store a copy in
// ~/.claude.json. The start log the dashboard shows must say so consistently: no "CLAUDE_API_KEY is
// not set" warning next to a summary saying the API key is used.

import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { homeOf } from "../lib/coder.ts";
import { coderVersionLabel, useCoder } from "../lib/coder-level.ts";

const level = useCoder();

describe(`claude_api_key in task mode on ${coderVersionLabel}`, () => {
  test("the start log does not warn that CLAUDE_API_KEY is not set, and the CLI stores no copy of the key", async () => {
    // push() passes the model's key as claude_api_key.
    const template = await level.push("api-key", { module: { workdir: "~/project" } });
    const { ws, start } = await level.start(template);

    expect(start).toMatch(/auth: +api key$/m);
    expect(start).not.toContain("CLAUDE_API_KEY is not set");
    // The rest of what the coder CLI says still shows.
    expect(start).toMatch(/Wrote config to \S+\.claude\.json/);
    const config = JSON.parse(readFileSync(join(homeOf(level.d, ws), ".claude.json"), "utf8"));
    expect(config.primaryApiKey).toBeUndefined();
  }, 300_000); // a template push, a workspace build and its agent start
});
