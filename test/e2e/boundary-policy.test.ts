// boundary's policy, for real: the module's wrapper around the real boundary
// (landjail: Landlock, which this kernel supports) in front of loopback servers
// only. Allowed hosts answer, others are refused; Claude under AgentAPI and in a
// terminal runs inside the jail; boundary's CA reaches Claude's MCP servers.

import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  boundaryWorkspace,
  curlInside,
  execInNetworkOf,
  expectNotStarted,
  jailedCommand,
  localhostCertificate,
  loopbackServer,
  startInPrivateNetwork,
  terminalPath,
  type BoundaryWorkspace,
  type LoopbackServer,
} from "../lib/boundary.ts";
import { useE2E } from "../lib/e2e.ts";
import { boundaryBinary, claudeBinary } from "../lib/paths.ts";
import { agentapiPid, ancestors, claudeProcesses, processIfAlive } from "../lib/processes.ts";
import { scratchDir } from "../lib/scratch.ts";
import { exitOf, readyPort } from "../lib/start-output.ts";
import { waitFor } from "../lib/wait.ts";
import { freePort } from "../lib/workspace.ts";

const e2e = useE2E();
const servers: LoopbackServer[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.stop();
});

function serve(hostname: string, name: string, tls?: { cert: string; key: string }): LoopbackServer {
  const s = loopbackServer(hostname, name, tls);
  servers.push(s);
  return s;
}

const boundaryExe = (ws: BoundaryWorkspace) => join(ws.moduleDir, "bin", "boundary");
const realBoundary = realpathSync(boundaryBinary);
/** A workspace that downloads nothing (so it can start in a network namespace with no way out):
 * AgentAPI from PATH, boundary as the `coder boundary` subcommand (the test double runs the real one). */
const offline = { install_agentapi: false, use_boundary_directly: false };
const withSubcommand = { CODER_DOUBLE_BOUNDARY: boundaryBinary };

describe("landjail with the module's policy", () => {
  test("the chat's Claude runs inside boundary; allowed hosts answer, all others are refused", async () => {
    const userConfig = join(scratchDir("user"), ".my-config");
    const deployment = serve("127.0.0.1", "deployment");
    const extra = serve("127.0.0.2", "extra");
    const ws = await boundaryWorkspace(
      e2e.server,
      { boundary_jail_type: "landjail", boundary_allowlist: ["domain=127.0.0.2"] },
      // The deployment is reached by name; the same server by address is not on the list.
      { accessUrl: `http://localhost:${deployment.port}`, env: { XDG_CONFIG_HOME: userConfig } },
    );

    const [run] = await ws.agent.start();
    expect(run?.output).toContain("boundary works: landjail (Landlock)");
    expect(exitOf(run)).toBe(0);

    const claude = await waitFor("Claude under AgentAPI", () => claudeProcesses(ws.agent)[0]);
    const chain = ancestors(claude.pid);
    expect(chain.map((p) => p.pid)).toContain(agentapiPid(ws.moduleDir));
    const jail = chain.filter((p) => p.exe === boundaryExe(ws));
    expect(jail.length).toBeGreaterThan(0);
    expect(jail.at(-1)!.argv).toContain("--proxy-port");
    expect(jailedCommand(jail.at(-1)!.argv)[0]).toBe(join(ws.moduleDir, "bin", "claude"));
    // Landlock requires no_new_privs: a process outside the jail does not have it.
    expect(claude.noNewPrivs).toBe(true);
    expect(claude.cwd).toBe(ws.workdir);
    expect(claude.env.get("NODE_EXTRA_CA_CERTS")).toBe(ws.caCert);
    expect(claude.env.get("SSL_CERT_FILE")).toBe(ws.caCert);
    // boundary's CA is the module's, whatever the passwd home is; Claude sees the user's own settings.
    expect(existsSync(ws.caCert)).toBe(true);
    expect(claude.env.get("XDG_CONFIG_HOME")).toBe(userConfig);
    expect(claude.env.has("CODER_CONFIG_DIR")).toBe(false);

    // boundary logs to files, not into the terminal AgentAPI reads Claude's screen from.
    const port = readyPort(run!.output);
    const screen = await waitFor("Claude's screen", async () => {
      const body = await (await fetch(`http://127.0.0.1:${port}/messages`)).text();
      return body.includes("Claude Code") ? body : undefined;
    });
    expect(screen).not.toContain("level=");
    expect(readdirSync(join(ws.moduleDir, "boundary", "logs")).some((f) => /^boundary-.*\.log$/.test(f))).toBe(true);

    const byName = await curlInside(ws, `http://localhost:${deployment.port}/`);
    expect(byName.status).toBe("200");
    expect(byName.body).toBe("deployment ok");
    expect((await curlInside(ws, `${extra.url}/`)).status).toBe("200");
    expect(extra.hits).toBe(1);

    const hits = deployment.hits;
    const denied = await curlInside(ws, `${deployment.url}/`);
    expect(denied.status).toBe("403");
    expect(denied.body).toContain("Request Blocked by Boundary");
    // Going around the proxy is refused by the kernel.
    const direct = await curlInside(ws, `${deployment.url}/`, ["--noproxy", "*"]);
    expect(direct.status).toBe("000");
    expect(deployment.hits).toBe(hits);
  });

  test("claude in a terminal runs inside boundary, and the CA it injects lets MCP servers use HTTPS", async () => {
    const cert = localhostCertificate();
    const site = serve("127.0.0.1", "tls-site", { cert: cert.cert, key: cert.key });
    const probes = scratchDir("ca-probe");
    // An MCP server that records its environment and tries HTTPS. It detaches, because Claude
    // ends a server that does not speak MCP before the request would finish.
    const probe = join(probes, "probe.sh");
    writeFileSync(
      probe,
      [
        "#!/bin/sh",
        "setsid sh -c '",
        `  f=$(mktemp "${probes}/env.XXXXXX")`,
        `  { env; printf "nonewprivs=%s\\n" "$(sed -n "s/^NoNewPrivs:[[:space:]]*//p" /proc/self/status)";`,
        `    printf "https=%s\\n" "$(curl -s -o /dev/null -w "%{http_code}" --max-time 10 https://localhost:${site.port}/)"; } >"$f.tmp"`,
        `  mv "$f.tmp" "$f"`,
        "' </dev/null >/dev/null 2>&1 &",
        "",
      ].join("\n"),
    );
    const ws = await boundaryWorkspace(
      e2e.server,
      {
        boundary_jail_type: "landjail",
        mcp: JSON.stringify({ mcpServers: { "ca-probe": { command: "/bin/sh", args: [probe] } } }),
      },
      // boundary itself (outside the jail) trusts the site; inside, only boundary's CA is trusted.
      { accessUrl: `https://localhost:${site.port}`, env: { SSL_CERT_FILE: cert.file } },
    );
    const [run] = await ws.agent.start();
    expect(exitOf(run)).toBe(0);

    const shim = join(ws.agent.binDir, "claude");
    expect(lstatSync(shim).isSymbolicLink()).toBe(false);
    const list = await ws.agent.exec("claude", ["mcp", "list"], {
      cwd: ws.workdir,
      env: { ...ws.agent.env, PATH: terminalPath(ws), FROM_TERMINAL: "yes" },
    });
    expect(list.all).toContain("ca-probe");

    const fromTerminal = await waitFor("the MCP server started by the terminal's claude", () =>
      readdirSync(probes)
        .filter((f) => /^env\.[A-Za-z0-9]+$/.test(f))
        .map((f) => readFileSync(join(probes, f), "utf8"))
        .find((text) => text.includes("FROM_TERMINAL=yes") && /^https=/m.test(text)),
    );
    for (const name of [
      "SSL_CERT_FILE",
      "NODE_EXTRA_CA_CERTS",
      "REQUESTS_CA_BUNDLE",
      "CURL_CA_BUNDLE",
      "GIT_SSL_CAINFO",
    ]) {
      expect(`\n${fromTerminal}`).toContain(`\n${name}=${ws.caCert}\n`);
    }
    expect(fromTerminal).toContain("nonewprivs=1");
    expect(fromTerminal).not.toMatch(/^(XDG_CONFIG_HOME|CODER_CONFIG_DIR)=/m);
    // Only boundary's CA is trusted in there, so this answer came through boundary's TLS interception.
    expect(fromTerminal).toContain("https=200");
    expect(site.hits).toBeGreaterThan(0);
  });

  test("a config file gives the rules and the jail type; the module's rules still apply", async () => {
    const deployment = serve("127.0.0.1", "deployment");
    const extra = serve("127.0.0.2", "extra");
    const ws = await boundaryWorkspace(
      e2e.server,
      { boundary_config_path: "$HOME/policy/boundary.yaml" },
      { accessUrl: `http://localhost:${deployment.port}` },
    );
    execFileSync("mkdir", ["-p", join(ws.agent.home, "policy")]);
    // nsjail (boundary's default) cannot run here, so starting at all proves jail_type was read.
    writeFileSync(
      join(ws.agent.home, "policy", "boundary.yaml"),
      "jail_type: landjail\nallowlist:\n  - domain=127.0.0.2\n",
    );
    const [run] = await ws.agent.start();
    expect(run?.output).toContain("boundary works: landjail (Landlock)");
    expect(exitOf(run)).toBe(0);
    expect((await curlInside(ws, `${extra.url}/`)).status).toBe("200");
    expect((await curlInside(ws, `http://localhost:${deployment.port}/`)).status).toBe("200");
    expect((await curlInside(ws, `${deployment.url}/`)).status).toBe("403");
  });

  test("the configured model backend and Claude Code's own hosts are on the list", async () => {
    const gateway = serve("127.0.0.3", "gateway");
    const ws = await boundaryWorkspace(
      e2e.server,
      { boundary_jail_type: "landjail" },
      {
        env: {
          ANTHROPIC_BASE_URL: `${gateway.url}/v1`,
          // Claude Code reads yes and TRUE as on, like 1: so must the host list.
          CLAUDE_CODE_USE_BEDROCK: "yes",
          AWS_REGION: "eu-west-1",
          CLAUDE_CODE_USE_VERTEX: "TRUE",
          CLOUD_ML_REGION: "us-east5",
        },
      },
    );
    const [run] = await ws.agent.start();
    expect(exitOf(run)).toBe(0);
    const config = readFileSync(join(ws.moduleDir, "boundary", "config.yaml"), "utf8");
    for (const host of [
      "api.anthropic.com",
      "claude.ai",
      "platform.claude.com",
      "statsig.anthropic.com",
      "*.ingest.us.sentry.io",
      "mydeployment.coder.com",
      "127.0.0.3",
      "bedrock-runtime.eu-west-1.amazonaws.com",
      "us-east5-aiplatform.googleapis.com",
      "oauth2.googleapis.com",
    ]) {
      expect(config).toContain(`  - 'domain=${host}'\n`);
    }
    expect((await curlInside(ws, `${gateway.url}/v1/messages`)).status).toBe("200");
  });
});

describe("fail closed", () => {
  test("a bad rule stops the start: no AgentAPI, no Claude, and terminal claude refuses too", async () => {
    const ws = await boundaryWorkspace(e2e.server, { boundary_config_path: "~/bad.yaml" });
    writeFileSync(join(ws.agent.home, "bad.yaml"), "jail_type: landjail\nallowlist:\n  - bogus=1\n");
    const [run] = await ws.agent.start();
    expect(exitOf(run, 1)).toBe(1);
    expect(run?.output).toContain("boundary cannot start: an allow rule is invalid");
    expect(run?.output).toContain("Fix: correct the rule");
    expect(run?.output).toContain("Claude Code was not started");
    expect(run?.output).not.toContain("AgentAPI is ready");
    expectNotStarted(ws);

    const terminal = await ws.agent.exec("claude", ["--version"], { env: { ...ws.agent.env, PATH: terminalPath(ws) } });
    expect(terminal.exitCode).not.toBe(0);
    expect(terminal.stdout).not.toContain("Claude Code");
    expect(claudeProcesses(ws.agent)).toEqual([]);
  });

  test("nsjail without its tools names the missing ones and the fix, before touching the network", async () => {
    // The agent's PATH here has no /usr/sbin, where iptables and sysctl live on this machine.
    const ws = await boundaryWorkspace(e2e.server, offline, { env: withSubcommand });
    const run = await startInPrivateNetwork(ws);
    expect(exitOf(run, 1)).toBe(1);
    expect(run.output).toContain("boundary cannot start: nsjail (the jail type in use) needs iptables sysctl on PATH");
    expect(run.output).toContain('set boundary_jail_type = "landjail"');
    expect(run.output).toContain("Claude Code was not started");
    expectNotStarted(ws);
    // boundary itself never ran: nothing but the --help probe reached `coder boundary`.
    expect(ws.agent.coderCalls().filter((c) => c[0] === "boundary")).toEqual([["boundary", "--help"]]);
  });

  test("boundary_fail_open starts Claude unfiltered, with a loud warning", async () => {
    const ws = await boundaryWorkspace(e2e.server, { ...offline, boundary_fail_open: true }, { env: withSubcommand });
    const run = await startInPrivateNetwork(ws);
    expect(exitOf(run)).toBe(0);
    expect(run.output).toContain("nsjail (the jail type in use) needs iptables sysctl");
    expect(run.output).toContain("Claude Code runs WITHOUT NETWORK FILTERING");
    expect(run.output).toContain("boundary:      FAILED: Claude Code runs UNFILTERED");
    const claude = await waitFor("Claude under AgentAPI", () => claudeProcesses(ws.agent)[0]);
    expect(ancestors(claude.pid).some((p) => p.exe === realBoundary)).toBe(false);
    expect(claude.env.has("SSL_CERT_FILE") && claude.env.get("SSL_CERT_FILE") === ws.caCert).toBe(false);
    expect(realpathSync(join(ws.agent.binDir, "claude"))).toBe(realpathSync(claudeBinary));
  });
});

describe.skipIf(!existsSync("/usr/sbin/iptables"))("nsjail, in a network namespace of the test's own", () => {
  test("without CAP_NET_ADMIN the start stops and names the capability", async () => {
    const ws = await boundaryWorkspace(e2e.server, offline, { path: ["/usr/sbin"], env: withSubcommand });
    const run = await startInPrivateNetwork(ws, { withoutCapability: "net_admin" });
    expect(exitOf(run, 1)).toBe(1);
    expect(run.output).toContain(
      "boundary cannot start: the jail's network cannot be set up: CAP_NET_ADMIN is not available",
    );
    expect(run.output).toContain("Fix: grant CAP_NET_ADMIN to the workspace container");
    expectNotStarted(ws);
  });

  test("without user namespaces the start stops and says so", async () => {
    const ws = await boundaryWorkspace(e2e.server, offline, { path: ["/usr/sbin"], env: withSubcommand });
    const run = await startInPrivateNetwork(ws, { noUserNamespaces: true });
    expect(exitOf(run, 1)).toBe(1);
    // boundary reports this one only in its log, with a successful exit: the missing marker gives it away.
    expect(run.output).toContain("boundary cannot start: the jail's user namespace cannot be created");
    expect(run.output).toContain("Fix: allow user namespaces");
    expectNotStarted(ws);
  });

  test("the chat's Claude gets its own network, its status still reaches the agent API; allowed hosts answer through the proxy, others are refused", async () => {
    const port = await freePort();
    const ws = await boundaryWorkspace(e2e.server, offline, {
      path: ["/usr/sbin"],
      env: { ...withSubcommand, CODER_AGENT_URL: `http://127.0.0.1:${port}/` },
      accessUrl: `http://localhost:${port}`,
    });
    const statusLog = join(scratchDir("status"), "statuses.jsonl");
    const run = await startInPrivateNetwork(ws, { serverPort: port, statusLog });
    expect(run.output).toContain("boundary works: nsjail (own network namespace)");
    expect(run.output).toMatch(/status: +Claude Code hooks, relayed to Coder/);
    expect(exitOf(run)).toBe(0);

    const claude = await waitFor("Claude under AgentAPI", () => claudeProcesses(ws.agent)[0]);
    const agentapi = agentapiPid(ws.moduleDir);
    expect(ancestors(claude.pid).some((p) => p.exe === realBoundary)).toBe(true);
    expect(readlinkSync(`/proc/${claude.pid}/ns/net`)).not.toBe(readlinkSync(`/proc/${agentapi}/ns/net`));

    // The jailed Claude's hooks reach the agent API (the recording server in the test's namespace)
    // through the relay outside the jail: a prompt sent to the chat is reported as working.
    const prompt = `Status from the jail ${randomUUID()}`;
    const message = JSON.stringify({ type: "user", content: prompt });
    const chat = `http://127.0.0.1:${readyPort(run.output)}/message`;
    await waitFor("AgentAPI to take the prompt", async () => {
      const sent = await execInNetworkOf(ws, agentapi, "curl", [
        "-fsS",
        "-o",
        "/dev/null",
        "-H",
        "content-type: application/json",
        "--data-binary",
        message,
        chat,
      ]);
      return sent.exitCode === 0 ? true : undefined;
    });
    // No model is configured for this Claude, so the turn fails: reported as a failure, also from the jail.
    // Complete lines only: the server may have created the file, or begun a line, and not yet written it.
    const statuses = () => {
      const text = existsSync(statusLog) ? readFileSync(statusLog, "utf8") : "";
      return text
        .slice(0, text.lastIndexOf("\n") + 1)
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { app_slug: string; state: string; message: string; uri: string });
    };
    await waitFor("the failed turn to be reported", () =>
      statuses().some((s) => s.state === "failure") ? true : undefined,
    );
    const [working, failure] = statuses();
    expect(working).toEqual({ app_slug: "ccw", state: "working", message: prompt, uri: "" });
    expect(failure?.state).toBe("failure");
    expect(failure?.message).toContain("Not logged in");

    // boundary gives every nsjail jail the same subnet; a second one (a terminal's claude) would
    // have no network while the chat's runs, so it is refused with the reason.
    const terminal = await ws.agent.exec("nsenter", [`--net=/proc/${agentapi}/ns/net`, "--", "claude", "--version"], {
      env: { ...ws.agent.env, PATH: terminalPath(ws) },
    });
    expect(terminal.exitCode).not.toBe(0);
    expect(terminal.stderr).toContain("another nsjail jail (the chat's Claude?) already runs");

    // With the chat stopped, a jail of its own: every TCP connection out of it ends at boundary's
    // proxy (192.168.100.1 is the jail's gateway, inside the test's namespace), which goes on only
    // to allowed hosts.
    const site = ws.agent.processes().find((pid) => processIfAlive(pid)?.argv.join(" ").includes("private-server.ts"))!;
    process.kill(agentapi, "SIGTERM");
    await waitFor("the chat's jail to be gone", () => (claudeProcesses(ws.agent).length === 0 ? true : undefined));
    await waitFor("the jail's network to be removed", () => {
      const links = execFileSync("nsenter", [`--net=/proc/${site}/ns/net`, "--", "ip", "-o", "link"], {
        encoding: "utf8",
      });
      return links.includes("veth_h_") ? undefined : true;
    });
    const via = (host: string) => ["--resolve", `${host}:${port}:192.168.100.1`];
    const allowed = await curlInside(ws, `http://localhost:${port}/`, via("localhost"), site);
    expect(allowed.status).toBe("200");
    expect(allowed.body).toBe("private ok");
    const denied = await curlInside(ws, `http://blocked.test:${port}/`, via("blocked.test"), site);
    expect(denied.status).toBe("403");
    expect(denied.body).toContain("Request Blocked by Boundary");
    // The jail's loopback is its own: the server next to it is out of reach.
    expect((await curlInside(ws, `http://127.0.0.1:${port}/`, [], site)).status).toBe("000");
  });
});
