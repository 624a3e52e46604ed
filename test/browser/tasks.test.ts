// A person's path through Coder Tasks in a real browser, on the pages the real Coder renders: log
// in, open Tasks, pick the template that uses the module, start a task from a prompt, watch its
// status (reported by Claude Code's hooks) while the (scripted) model works, open the Claude Code chat in the task view, send a
// follow-up from the chat box, pause and resume the task and find the conversation carried on.
//
// BROWSER_README_SCREENSHOT=1 also writes the task view to docs/tasks-chat.png (the README's picture).

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, FrameLocator, Page } from "playwright-core";
import {
  agentOf,
  deleteWorkspace,
  deployment,
  workspacesOf,
  workspaceView,
  expr,
  pushTemplate,
  tasksTf,
  uniqueName,
  type Deployment,
} from "../lib/coder.ts";
import { appTokensExpired, launch, logIn, newContext, reloadIfBroken, Screenshots, shows } from "../lib/browser.ts";
import { startScriptedModel, type ScriptedModel } from "../lib/model.ts";
import { root } from "../lib/paths.ts";
import { waitFor } from "../lib/wait.ts";

let d: Deployment;
let model: ScriptedModel;
let browser: Browser;
let template: string;

beforeAll(async () => {
  d = deployment();
  model = startScriptedModel();
  template = await pushTemplate(d, uniqueName("browser-tasks"), {
    module: { workdir: "~/project", ai_prompt: expr("data.coder_task.me.prompt"), cli_app: true },
    files: { "tasks.tf": tasksTf },
    modelUrl: model.url,
    modelApiKey: model.apiKey,
  });
  browser = await launch();
}, 300_000); // a template push runs terraform

afterAll(async () => {
  await browser?.close();
  // Every workspace of the test's template, also those of a test that failed half-way.
  if (template) for (const ws of await workspacesOf(d, template)) await deleteWorkspace(d, ws);
  model?.stop();
}, 600_000); // each deletion is a workspace build that stops an agent

/** The Claude Code chat (AgentAPI's chat UI) the task view shows beside the task's apps. */
const chatOf = (page: Page): FrameLocator => page.frameLocator('iframe[title="Claude Code"]');

/** Types `text` into the chat box and sends it, once Claude is ready for input (the box is
 * disabled while Claude's screen still changes). */
async function say(chat: FrameLocator, text: string): Promise<void> {
  // fill waits for the box to be enabled.
  await chat.getByPlaceholder("Type a message...").fill(text, { timeout: 120_000 });
  await chat.getByRole("button", { name: "Send" }).click();
}

describe(`the Coder Tasks UI on v${process.env.CODER_VERSION ?? "newest"}`, () => {
  test("a task started from the Tasks page works, is chatted with, paused and resumed", async () => {
    const shots = new Screenshots(`v${d.version}-tasks`);
    const context = await newContext(browser);
    const page = await context.newPage();
    const id = uniqueName("t");
    const prompt = `Write hello.txt for ${id}`;
    const reply = `hello.txt is written (${id}).`;
    let release!: () => void;
    const modelMayWrite = new Promise<void>((resolve) => (release = resolve));
    model.on(
      prompt,
      [{ tool: "Write", input: { file_path: "{cwd}/hello.txt", content: `Hello from ${id}\n` } }],
      // Held until the test has seen the task working: a real model takes its time here.
      [{ hold: modelMayWrite }, { text: reply }],
    );

    await shots.whileWalking(page, async () => {
      await logIn(page, d, shots);

      // Tasks: a prompt, our template, "Run task".
      await page.goto(`${d.url}/tasks`);
      await page.getByLabel("Prompt").fill(prompt);
      await page.getByLabel("Select template").click();
      await page.getByRole("option", { name: template }).click();
      await shots.take(page, "new-task");
      await page.getByRole("button", { name: "Run task" }).click();

      // The task list shows what Claude is doing while it works (its hooks report each tool)...
      // The task's row, named by its prompt.
      const row = page.getByRole("row").filter({ hasText: prompt });
      await shows(row, "Using Write", 240_000);
      await shots.take(page, "task-working");
      release();
      // ...and the first line of Claude's reply once the turn is done.
      await shows(row, reply, 180_000);
      await shots.take(page, "task-done");

      // The task view: Claude's reply and the file it wrote, in the Claude Code chat.
      await row.getByText(prompt).click();
      await page.waitForURL(/\/tasks\/admin\//);
      const chat = chatOf(page);
      await reloadIfBroken(chat, page);
      await shows(chat.locator("body"), reply, 120_000);
      await shows(chat.locator("body"), `Hello from ${id}`);
      const view = await shots.take(page, "task-chat");
      if (process.env.BROWSER_README_SCREENSHOT === "1") copyFileSync(view, join(root, "docs", "tasks-chat.png"));

      // A follow-up from the chat box.
      const followUp = `Follow up ${id}`;
      const followUpReply = `Answered the follow-up ${id}.`;
      model.on(followUp, [{ text: followUpReply }]);
      await say(chat, followUp);
      await shows(chat.locator("body"), followUpReply, 120_000);
      await shots.take(page, "follow-up");

      // Pause (the workspace stops) and resume (it starts) from the task list.
      await page.goto(`${d.url}/tasks`);
      await row.getByRole("button", { name: "Pause task" }).click();
      await shows(row, /paused/i, 180_000);
      await shots.take(page, "task-paused");
      await row.getByRole("button", { name: "Resume task" }).click();
      await shows(row, /active/i, 180_000);
      // Then, as a person waits for a starting app, until the dashboard shows the chat app healthy:
      // AgentAPI's chat page opened before its server answers keeps showing "Loading chat
      // interface..." until reloaded.
      const [ws] = await workspacesOf(d, template);
      await waitFor(
        "the resumed task's chat app to be healthy",
        async () =>
          agentOf(await workspaceView(d, ws!))?.apps.find((a) => a.slug === "ccw")?.health === "healthy"
            ? true
            : undefined,
        240_000,
      );

      // Claude resumed its session: a new message from the chat box goes on with the conversation.
      const afterResume = `After resume ${id}`;
      const resumedReply = `Still here after the restart, ${id}.`;
      model.on(afterResume, [{ text: resumedReply }]);
      await appTokensExpired(context);
      await row.getByText(prompt).click();
      await reloadIfBroken(chatOf(page), page);
      // The resumed Claude shows the conversation so far.
      await shows(chatOf(page).locator("body"), followUpReply, 120_000);
      await say(chatOf(page), afterResume);
      await shows(chatOf(page).locator("body"), resumedReply, 120_000);
      const resumed = await model.waitForRequest((r) => r.lastUserText.includes(afterResume));
      expect(JSON.stringify(resumed.body.messages)).toContain(followUp);
      await shots.take(page, "resumed");
    });
  }, 900_000); // a task build, four model turns, a pause and a resume, each step in a browser
});
