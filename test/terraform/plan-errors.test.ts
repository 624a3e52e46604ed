// What a template author reads when plan time refuses a template: the message itself, not only
// that the plan failed (terraform test's expect_failures cannot tell a message Terraform could not
// print, such as one that would show a sensitive value).

import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { plan, writeTemplate } from "../lib/terraform.ts";

test("a start script over 128 KiB is refused with the sizes of its inputs, mcp (sensitive) and skills included", async () => {
  const mcp = JSON.stringify({ mcpServers: { tool: { command: "tool", env: { TOKEN: "secret-value" } } } });
  const skills = { review: "---\nname: review\ndescription: Reviews a change.\n---\n" };
  const b64 = (text: string) => Buffer.from(text).toString("base64");
  const skillsBytes = b64(`${b64("review")} ${b64(skills.review)}`).length;
  // The prompt travels gzip-compressed: hex digits compress about as badly as any prompt does.
  const prompt = Array.from({ length: 3000 }, (_, i) => createHash("sha512").update(String(i)).digest("hex")).join("");
  const r = await plan(writeTemplate({ workdir: "/home/coder/project", ai_prompt: prompt, mcp, skills }));
  expect(r.exitCode).not.toBe(0);
  const said = r.all.replace(/\s+/g, " ");
  expect(said).toMatch(/The start script would be \d+ bytes, more than the 131071 the Coder agent can run/);
  expect(said).toMatch(
    /ai_prompt takes \d+ bytes \(compressed\), the system prompt \d+, mcp \d+, skills \d+\. Shorten the largest/,
  );
  // The compressed size (hex digits compress to about 60% of plain base64), not the plain one.
  const promptSaid = Number(said.match(/ai_prompt takes (\d+) bytes/)![1]);
  expect(promptSaid).toBeLessThan(b64(prompt).length * 0.75);
  expect(said).toContain(`, skills ${skillsBytes}. Shorten the largest`);
  expect(r.all).not.toContain("invalid error message");
  expect(r.all).not.toContain("secret-value");
});
