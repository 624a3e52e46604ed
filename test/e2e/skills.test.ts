// skills: each skill's SKILL.md in the work dir's .agents/skills (where Coder Agents reads a
// project's skills) and in ~/.claude/skills (Claude Code's personal skills, which the real Claude
// offers the model), reconciled on every start: what the template drops is taken out, what is the
// user's (their own skill, or one of the module's they changed) stays.

import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { useE2E } from "../lib/e2e.ts";
import { identity, modeOf } from "../lib/files.ts";
import { modelEnv, startScriptedModel } from "../lib/model.ts";
import { claudeBinary } from "../lib/paths.ts";
import { preinstalled } from "../lib/preinstalled.ts";
import type { Workspace } from "../lib/workspace.ts";

const e2e = useE2E();
const image = preinstalled("claude");
const model = startScriptedModel();
afterAll(() => model.stop());

const skill = (name: string, description: string, body = "Follow the steps.\n") =>
  `---\nname: ${name}\ndescription: ${description}\n---\n\n# ${name}\n\n${body}`;
const projectSkill = (ws: Workspace, name: string) => join(ws.workdir, ".agents", "skills", name, "SKILL.md");
const personalSkill = (ws: Workspace, name: string) => join(ws.agent.home, ".claude", "skills", name, "SKILL.md");
const read = (path: string) => readFileSync(path, "utf8");

/** Starts the template with `skills`, in the same home and work dir as `previous` when given (or in
 * `workdir`); `before` runs first, with the work dir made. */
async function start(
  skills: Record<string, string>,
  options: { previous?: Workspace; workdir?: string; umask?: number; before?: (ws: Workspace) => void } = {},
) {
  const { previous } = options;
  const workdir = options.workdir ?? previous?.workdir;
  const ws = await e2e.workspace(
    { ...image.inputs, report_tasks: false, skills, ...(workdir ? { workdir } : {}) },
    { ...image.options, ...(previous ? { home: previous.agent.home } : {}) },
  );
  if (previous) await previous.agent.stop();
  mkdirSync(ws.workdir, { recursive: true });
  options.before?.(ws);
  const before = process.umask(options.umask ?? 0o022);
  let run;
  try {
    [run] = await ws.agent.start();
  } finally {
    process.umask(before);
  }
  expect(run?.exitCode).toBe(0);
  return { ws, output: run!.output };
}

/** The skills the real Claude offers the model in the work dir: it lists them with their descriptions. */
async function skillsClaudeOffers(ws: Workspace): Promise<string> {
  const prompt = `Which skills are there? ${crypto.randomUUID()}`;
  const r = await execa(claudeBinary, ["-p", "--dangerously-skip-permissions", prompt], {
    cwd: ws.workdir,
    env: { ...modelEnv(model), HOME: ws.agent.home, PATH: "/usr/local/bin:/usr/bin:/bin", IS_SANDBOX: "1" },
    extendEnv: false,
    stdin: "ignore",
    reject: false,
    timeout: 40_000,
  });
  expect(r.exitCode).toBe(0);
  const request = model.requests().find((q) => q.lastUserText.includes(prompt));
  return JSON.stringify(request?.body ?? {});
}

describe("skills", () => {
  test("each skill is in .agents/skills and ~/.claude/skills with the user's modes, Claude offers it, and a warm restart writes nothing", async () => {
    const skills = {
      "deploy-check": skill("deploy-check", "Checks a deploy of the quokka service. Use after a release."),
      review: skill("review", "Reviews a change.", "Quotes ' \" and $HOME stay as written.\n\n\n"),
    };
    const first = await start(skills, { umask: 0o002 });
    for (const [name, text] of Object.entries(skills)) {
      for (const file of [projectSkill(first.ws, name), personalSkill(first.ws, name)]) {
        expect(read(file)).toBe(text);
        expect(modeOf(file)).toBe(0o664);
        expect(modeOf(join(file, ".."))).toBe(0o775);
      }
    }
    expect(first.output).toMatch(/skills: +deploy-check, review in \S+\/\.agents\/skills and \S+\/\.claude\/skills/);
    expect(first.output).toContain("skill 'deploy-check' installed in");

    // The real Claude Code lists the personal skill, with its description, to the model.
    expect(await skillsClaudeOffers(first.ws)).toContain(
      "- deploy-check: Checks a deploy of the quokka service. Use after a release.",
    );

    // A warm restart with the same skills touches no file of the user's or the module's record.
    const files = [
      ...Object.keys(skills).flatMap((n) => [projectSkill(first.ws, n), personalSkill(first.ws, n)]),
      ...readdirSync(join(first.ws.moduleDir, "skills"), { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name)),
    ];
    const before = files.map(identity);
    const warm = await start(skills, { previous: first.ws });
    expect(files.map(identity)).toEqual(before);
    expect(warm.output).not.toMatch(/skill '[^']+' (installed|updated|removed)/);
    expect(warm.output).toMatch(/skills: +deploy-check, review in /);
  });

  test("a dropped skill is taken out, the user's own and a changed one stay (warned), a deleted one comes back; off takes the module's out", async () => {
    const mine = "---\nname: mine\ndescription: The user's own.\n---\nTheirs.\n";
    const first = await start(
      {
        alpha: skill("alpha", "Alpha."),
        beta: skill("beta", "Beta."),
        gamma: skill("gamma", "Gamma."),
        mine: skill("mine", "The template's."),
      },
      {
        before: (ws) => {
          mkdirSync(join(projectSkill(ws, "mine"), ".."), { recursive: true });
          writeFileSync(projectSkill(ws, "mine"), mine);
        },
      },
    );
    // A directory the user made is theirs: kept, and said so.
    expect(read(projectSkill(first.ws, "mine"))).toBe(mine);
    expect(read(personalSkill(first.ws, "mine"))).toBe(skill("mine", "The template's."));
    expect(first.output).toMatch(/skill\(s\) mine in \S+\/\.agents\/skills are not as the module wrote them/);
    expect(first.output).toMatch(/yours kept: mine/);

    // The user changes beta in ~/.claude/skills, adds a file of theirs to alpha's directory and
    // deletes gamma in the work dir; the template drops alpha, changes beta and adds delta.
    const edited = skill("beta", "Beta, as the user wants it.");
    writeFileSync(personalSkill(first.ws, "beta"), edited);
    const notes = join(first.ws.workdir, ".agents", "skills", "alpha", "notes.md");
    writeFileSync(notes, "the user's notes\n");
    rmSync(join(projectSkill(first.ws, "gamma"), ".."), { recursive: true });
    const second = await start(
      {
        beta: skill("beta", "Beta 2."),
        gamma: skill("gamma", "Gamma."),
        delta: skill("delta", "Delta."),
        mine: skill("mine", "The template's."),
      },
      { previous: first.ws },
    );
    const ws = second.ws;
    expect(existsSync(join(personalSkill(ws, "alpha"), ".."))).toBe(false);
    expect(existsSync(projectSkill(ws, "alpha"))).toBe(false);
    expect(read(notes)).toBe("the user's notes\n");
    expect(read(personalSkill(ws, "beta"))).toBe(edited);
    expect(read(projectSkill(ws, "beta"))).toBe(skill("beta", "Beta 2."));
    expect(read(projectSkill(ws, "gamma"))).toBe(skill("gamma", "Gamma."));
    expect(read(projectSkill(ws, "delta"))).toBe(skill("delta", "Delta."));
    expect(read(projectSkill(ws, "mine"))).toBe(mine);
    expect(second.output).toMatch(/skill\(s\) beta in \S+\/\.claude\/skills are not as the module wrote them/);
    expect(second.output).toContain("holds files of yours and stays");
    expect(second.output).toMatch(/yours kept: (mine beta|beta mine)$/m);

    // Off: the module's skills leave both directories; the user's stay; nothing of the module's is left.
    const third = await start({}, { previous: ws });
    expect(readdirSync(join(ws.workdir, ".agents", "skills")).sort()).toEqual(["alpha", "mine"]);
    expect(readdirSync(join(ws.agent.home, ".claude", "skills"))).toEqual(["beta"]);
    expect(read(personalSkill(ws, "beta"))).toBe(edited);
    expect(third.output).toMatch(/skills: +\d+ of the module's taken out/);
    expect(existsSync(join(ws.moduleDir, "skills"))).toBe(false);

    // Off again, with no record left: the step does nothing and says nothing.
    const fourth = await start({}, { previous: third.ws });
    expect(fourth.output).not.toContain("skill");
  });

  test("a new work dir gets the skills and the old one's are taken out; off and never on, nothing is made", async () => {
    const skills = { alpha: skill("alpha", "Alpha.") };
    const first = await start(skills);
    expect(read(projectSkill(first.ws, "alpha"))).toBe(skills.alpha);
    const moved = join(first.ws.workdir, "..", "elsewhere");
    const second = await start(skills, { previous: first.ws, workdir: moved });
    expect(read(projectSkill(second.ws, "alpha"))).toBe(skills.alpha);
    expect(existsSync(join(first.ws.workdir, ".agents", "skills", "alpha"))).toBe(false);
    expect(read(personalSkill(second.ws, "alpha"))).toBe(skills.alpha);

    const off = await start({});
    expect(existsSync(join(off.ws.workdir, ".agents"))).toBe(false);
    expect(existsSync(join(off.ws.agent.home, ".claude", "skills"))).toBe(false);
    expect(existsSync(join(off.ws.moduleDir, "skills"))).toBe(false);
    expect(off.output).not.toContain("skill");
  });
});
