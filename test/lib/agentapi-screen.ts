// Claude's terminal screen as AgentAPI serves it (GET /messages and /status), and what it shows
// when Claude Code is logged in or not.

export interface Message {
  id: number;
  role: string;
  content: string;
}

/** The terminal screen as AgentAPI sees it (its messages). */
export async function screen(port: number): Promise<string> {
  const r = await fetch(`http://127.0.0.1:${port}/messages`);
  const body = (await r.json()) as { messages: Message[] };
  return body.messages.map((m) => m.content).join("\n");
}

/** Whitespace removed, so that text wrapped on the screen still matches. */
export const squash = (text: string) => text.replace(/\s+/g, "");

/** Polls AgentAPI's messages until `done` holds (whitespace-free text), or fails after `seconds`. */
export async function waitForScreen(port: number, done: (squashed: string) => boolean, seconds = 90): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      last = squash(await screen(port));
      if (done(last)) return last;
    } catch {
      // AgentAPI not answering yet.
    }
    await Bun.sleep(500);
  }
  throw new Error(`the screen never showed what was expected within ${seconds}s; last screen:\n${last}`);
}

/** Claude Code has finished its authenticated start-up: offline, its first call to Anthropic (for
 * remote managed settings, made only when it holds first-party credentials) fails with this notice. */
export const authenticatedStartupDone = (s: string) => s.includes("remotepolicyapplied");

/** Claude Code stopped at its login hint (no usable credentials). */
export const notLoggedIn = (s: string) => s.includes("Notloggedin");

/** Waits until AgentAPI reports the screen stable and it stays the same for three polls; returns it. */
export async function settledScreen(port: number, seconds = 60): Promise<string> {
  const deadline = Date.now() + seconds * 1000;
  let last = "";
  let same = 0;
  while (Date.now() < deadline) {
    const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as { status: string };
    const now = squash(await screen(port));
    same = status.status === "stable" && now === last ? same + 1 : 0;
    last = now;
    if (same >= 3) return now;
    await Bun.sleep(1000);
  }
  throw new Error(`the screen did not settle within ${seconds}s; last screen:\n${last}`);
}
