// A workspace without a task, in a real browser on the real Coder dashboard: a person creates it
// from the template's page, opens the Claude Code chat app from the workspace page and talks to
// Claude, then opens the Claude Code CLI app and finds Claude's live screen in its terminal.

import { afterAll, beforeAll, describe, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import {
  agentOf,
  deleteWorkspace,
  deployment,
  workspacesOf,
  workspaceView,
  pushTemplate,
  uniqueName,
  type Deployment,
} from "../lib/coder.ts";
import { waitFor } from "../lib/wait.ts";
import { launch, logIn, newContext, reloadIfBroken, Screenshots, shows } from "../lib/browser.ts";
import { startScriptedModel, type ScriptedModel } from "../lib/model.ts";

let d: Deployment;
let model: ScriptedModel;
let browser: Browser;
let template: string;

beforeAll(async () => {
  d = deployment();
  model = startScriptedModel();
  template = await pushTemplate(d, uniqueName("browser-ws"), {
    module: { workdir: "~/project", cli_app: true },
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

/** Clicks the workspace page's app button `name` and returns the window it opens. */
async function openApp(page: Page, name: string): Promise<Page> {
  // By the text shown: the link's accessible name may take in its icon's alt text too.
  // The row of app buttons comes after the app status, which links to its app too once reported.
  const app = page
    .getByRole("link")
    .filter({ hasText: new RegExp(`^${name}$`) })
    .last();
  await app.waitFor({ timeout: 240_000 });
  const [opened] = await Promise.all([page.waitForEvent("popup"), app.click()]);
  return opened;
}

describe(`a workspace's Claude Code apps on v${process.env.CODER_VERSION ?? "newest"}`, () => {
  test("the chat app talks to Claude, and the CLI app's terminal shows the same Claude", async () => {
    const shots = new Screenshots(`v${d.version}-workspace`);
    const page = await (await newContext(browser)).newPage();
    const id = uniqueName("w");
    const question = `What is in this workspace, ${id}?`;
    const answer = `An empty project directory, ${id}.`;
    model.on(question, [{ text: answer }]);

    await shots.whileWalking(page, async () => {
      await logIn(page, d, shots);

      // A new workspace from the template's page.
      const ws = uniqueName("ws");
      await page.goto(`${d.url}/templates/${template}/workspace`);
      await page.getByLabel("Workspace name").fill(ws);
      await shots.take(page, "new-workspace");
      await page.getByRole("button", { name: "Create workspace" }).click();
      await page.waitForURL(new RegExp(`/@admin/${ws}$`));

      // The chat app, from the workspace page, once the dashboard shows it healthy (as a person
      // waits for a starting app): AgentAPI's chat page opened before its server answers keeps
      // showing "Loading chat interface..." until reloaded.
      await waitFor(
        "the chat app to be healthy",
        async () =>
          agentOf(await workspaceView(d, ws))?.apps.find((a) => a.slug === "ccw")?.health === "healthy"
            ? true
            : undefined,
        240_000,
      );
      const chat = await openApp(page, "Claude Code");
      await shots.take(page, "workspace");
      await reloadIfBroken(chat, chat);
      // fill waits for the box to be enabled: Claude is ready for input.
      await chat.getByPlaceholder("Type a message...").fill(question, { timeout: 120_000 });
      await chat.getByRole("button", { name: "Send" }).click();
      await shows(chat.locator("body"), answer, 120_000);
      await shots.take(chat, "chat");

      // The CLI app: a terminal attached to the same Claude, showing its live screen (its prompt
      // and its permission mode line).
      const terminal = await openApp(page, "Claude Code CLI");
      const screen = terminal.locator(".xterm-rows");
      await shows(screen, "❯", 120_000);
      await shows(screen, "bypass permissions on");
      await shots.take(terminal, "cli-terminal");
    });
  }, 900_000); // a workspace build, Claude's start, a model turn, each step in a browser
});
