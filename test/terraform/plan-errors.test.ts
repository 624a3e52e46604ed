// What a template author reads when plan time refuses a template: the message itself, not only
// that the plan failed (terraform test's expect_failures cannot tell a message Terraform could not
// print, such as one that would show a sensitive value).

import { expect, test } from "bun:test";
import { plan, writeTemplate } from "../lib/terraform.ts";

test("a start script over 128 KiB is refused with the sizes of its inputs, mcp (sensitive) included", async () => {
  const mcp = JSON.stringify({ mcpServers: { tool: { command: "tool", env: { TOKEN: "secret-value" } } } });
  const r = await plan(writeTemplate({ workdir: "/home/coder/project", ai_prompt: "é".repeat(45_000), mcp }));
  expect(r.exitCode).not.toBe(0);
  const said = r.all.replace(/\s+/g, " ");
  expect(said).toMatch(/The start script would be \d+ bytes, more than the 131071 the Coder agent can run/);
  expect(said).toMatch(/ai_prompt takes 120000 bytes, the system prompt \d+, mcp \d+\. Shorten the largest/);
  expect(r.all).not.toContain("invalid error message");
  expect(r.all).not.toContain("secret-value");
});
