// A real browser on the real Coder dashboard: Debian's Chromium, headless, driven by playwright-core
// (tools/bootstrap.sh installs both). Pages are asserted the way a person reads them, and each
// step leaves a screenshot in .test-output/browser/ (ignored by git).

import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  chromium,
  type Browser,
  type BrowserContext,
  type FrameLocator,
  type Locator,
  type Page,
  type Request,
} from "playwright-core";
import type { Deployment } from "./coder.ts";
import { root } from "./paths.ts";
import { waitFor } from "./wait.ts";

export const chromiumPath = "/usr/bin/chromium";
export const outputDir = join(root, ".test-output", "browser");

/** Headless Chromium whose only reachable hosts are loopback ones: every other name fails to
 * resolve, so a page that reaches out (avatars, fonts, telemetry) cannot leave this machine. */
export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      // The tests run as root, where Chromium's own sandbox cannot start.
      "--no-sandbox",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    ],
  });
}

/** What each context's windows logged as errors and which of their requests failed, for failed.txt. */
const troubles = new WeakMap<BrowserContext, string[]>();
/** Each context's requests still waiting for their response, with the time each was sent. */
const pending = new WeakMap<BrowserContext, Map<Request, number>>();

/** A fresh browser profile with a window size the dashboard lays out in full. */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const seen: string[] = [];
  troubles.set(context, seen);
  const waiting = new Map<Request, number>();
  pending.set(context, waiting);
  context.on("request", (r) => waiting.set(r, Date.now()));
  context.on("requestfinished", (r) => waiting.delete(r));
  context.on("requestfailed", (r) => waiting.delete(r));
  context.on("page", (page) => {
    page.on("pageerror", (e) => seen.push(`${page.url()}: page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") seen.push(`${page.url()}: console: ${m.text()}`);
    });
    page.on("requestfailed", (r) => seen.push(`${page.url()}: request failed: ${r.url()} (${r.failure()?.errorText})`));
    page.on("response", (r) => {
      if (r.status() >= 500) seen.push(`${page.url()}: HTTP ${r.status()} from ${r.url()}`);
    });
  });
  // Long enough for a workspace build and Claude's turn; a wait that needs longer says so.
  context.setDefaultTimeout(60_000);
  return context;
}

/** The context's requests still waiting for their response: kind, address and age. */
export function unanswered(context: BrowserContext): string[] {
  const now = Date.now();
  return [...(pending.get(context) ?? new Map<Request, number>())].map(
    ([r, sent]) => `${r.resourceType()} ${r.url()}: sent ${Math.round((now - sent) / 1000)} s ago`,
  );
}

/** Saves a screenshot of what the page shows now as .test-output/browser/<group>/<name>.png. */
export class Screenshots {
  private n = 0;
  readonly dir: string;
  constructor(group: string) {
    this.dir = join(outputDir, group);
    // Only this run's pictures.
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
  }
  async take(page: Page, name: string): Promise<string> {
    const file = join(this.dir, `${String(++this.n).padStart(2, "0")}-${name}.png`);
    await page.screenshot({ path: file });
    return file;
  }
  /** Runs `steps`; when one fails, keeps what the browser showed then: a screenshot "failed-<n>" of
   * each window `page` and the apps it opened show, and in failed.txt the address and text of each
   * window and of each frame in them, and the windows' errors, failed requests and requests still unanswered (also printed). */
  async whileWalking(page: Page, steps: () => Promise<void>): Promise<void> {
    try {
      await steps();
    } catch (e) {
      const texts: string[] = [];
      for (const [n, window] of page.context().pages().entries()) {
        await this.take(window, `failed-${n + 1}`).catch(() => undefined);
        for (const f of window.frames()) {
          const text = await f.innerText("body", { timeout: 5_000 }).catch((err: Error) => err.message);
          texts.push(`== window ${n + 1}: ${f.url()}\n${text}`);
        }
      }
      texts.push(`== errors and failed requests\n${(troubles.get(page.context()) ?? []).join("\n")}`);
      texts.push(`== requests without a response yet\n${unanswered(page.context()).join("\n")}`);
      const report = texts.join("\n\n");
      writeFileSync(join(this.dir, "failed.txt"), report);
      // CI keeps only the output: what the browser showed goes there too (the windows' text is short).
      console.error(`=== ${join(this.dir, "failed.txt")}\n${report.slice(0, 20_000)}\n=== end of failed.txt`);
      throw e;
    }
  }
}

/** The first user's credentials (tools/coder.sh keeps them in admin.env, mode 0600). */
function admin(d: Deployment): { email: string; password: string } {
  const env = Object.fromEntries(
    readFileSync(join(d.state, "admin.env"), "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { email: env.CODER_ADMIN_EMAIL!, password: env.CODER_ADMIN_PASSWORD! };
}

/** Logs in through Coder's login form, as a person does. */
export async function logIn(page: Page, d: Deployment, shots: Screenshots): Promise<void> {
  const { email, password } = admin(d);
  await page.goto(`${d.url}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await shots.take(page, "login");
  // After signing in, Coder's login page first routes to "/" inside the page and then reloads the
  // page from the server (LoginPage.tsx); a navigation started before that reload is cut short by it.
  const reload = page.waitForRequest((r) => r.isNavigationRequest() && r.frame() === page.mainFrame());
  await page.getByRole("button", { name: "Sign In" }).click();
  await reload;
  // From "/" the reloaded dashboard sends a person to their start page.
  await page.waitForURL((url) => !["/login", "/"].includes(url.pathname));
}

/** Waits until `locator` shows `text` (the page may re-render meanwhile, as the dashboard does
 * when it polls); fails after `timeout` ms naming what it waited for. */
export async function shows(locator: Locator, text: string | RegExp, timeout = 60_000): Promise<void> {
  await locator
    .filter({ hasText: text })
    .first()
    .waitFor({ state: "visible", timeout })
    .catch((e: Error) => {
      throw new Error(`the page did not show ${String(text)} in ${locator} within ${timeout} ms: ${e.message}`);
    });
}

/** Waits until the browser holds no live signed app token. Coder (v2.36) reuses such a token, good
 * for a minute, for every request to the same app path, and the token names the agent it was made
 * for: a workspace restarted within that minute has a new agent, and the app's page then hangs
 * until the token expires (the old agent never answers). A person who comes back later does not
 * meet this; the test waits as long as they would. */
export async function appTokensExpired(context: BrowserContext): Promise<void> {
  await waitFor(
    "the browser's signed app tokens to expire",
    async () => {
      const now = Date.now() / 1000;
      const live = (await context.cookies()).filter(
        (c) => c.name === "coder_signed_app_token" && (c.expires === -1 || c.expires > now),
      );
      return live.length === 0 ? true : undefined;
    },
    120_000,
  );
}

/** Waits until AgentAPI's chat page (`chat`: the page itself, or a frame of `page`) shows its message
 * box, or has broken. Now and then (about one run in ten here) one of its script chunks never arrives
 * through Coder's app proxy, although each one fetched directly answers at once; after two minutes
 * the page gives up on it ("Loading chunk N failed"). A person reloads the page then, and so does
 * this, once, saying which requests were still unanswered. */
export async function reloadIfBroken(chat: Page | FrameLocator, page: Page): Promise<void> {
  const box = chat.getByPlaceholder("Type a message...");
  const broken = chat.getByText("Application error: a client-side exception");
  await box.or(broken).first().waitFor({ timeout: 150_000 });
  if (!(await broken.isVisible())) return;
  console.warn(`the chat page broke; reloading it. Unanswered:\n${unanswered(page.context()).join("\n")}`);
  await page.reload();
}
