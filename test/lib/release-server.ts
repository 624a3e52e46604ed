// A loopback HTTP server standing in for the remote download endpoints the
// installers use (GitHub releases, claude.ai). It serves real artifacts: the
// AgentAPI and boundary binaries built by tools/bootstrap.sh and the Claude
// Code binary from npm, so download, retry, checksum and failure paths run for real.

import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import {
  agentapiBinary,
  agentapiVersion,
  boundaryBinary,
  boundaryVersion,
  claudeBinary,
  claudeVersion,
  root,
} from "./paths.ts";

/** A release archive laid out like boundary's: boundary-linux-<arch>.tar.gz holding boundary-linux-<arch>. */
function boundaryArchive(asset: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), "claude-module-boundary-release-"));
  try {
    copyFileSync(boundaryBinary, join(dir, asset));
    execFileSync("tar", ["-czf", `${asset}.tar.gz`, asset], { cwd: dir });
    return readFileSync(join(dir, `${asset}.tar.gz`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A version no boundary release has: its URL serves the real binary, which reports another version. */
export const boundaryMislabeledVersion = "v9.9.9";

export interface ReleaseServer {
  url: string;
  /** Base URL to give the module as agentapi_releases_url. */
  agentapiReleasesUrl: string;
  /** URL to give the module as claude_installer_url. */
  claudeInstallerUrl: string;
  /** Base URL to give the module as boundary_releases_url. */
  boundaryReleasesUrl: string;
  /** sha256 of the served boundary archive (for boundary_sha256). */
  readonly boundaryArchiveSha256: string;
  /** How many requests each path received. */
  hits: Map<string, number>;
  /** Answer the next `count` requests to `path` with HTTP 500 (count Infinity: always). */
  fail(path: string, count: number): void;
  /** Serve `body` at `path` from now on (e.g. a broken installer, or a binary under another version's URL). */
  serve(path: string, body: () => ConstructorParameters<typeof Response>[0]): void;
  /** How many requests `path` received. */
  hitsOf(path: string): number;
  downloads(): number;
  stop(): void;
}

export function startReleaseServer(): ReleaseServer {
  const hits = new Map<string, number>();
  const failures = new Map<string, number>();
  const overrides = new Map<string, () => ConstructorParameters<typeof Response>[0]>();
  const installer = readFileSync(join(root, "test", "doubles", "claude-installer.sh"), "utf8");
  const agentapiAsset = `agentapi-linux-amd64`;
  const boundaryAsset = "boundary-linux-amd64";
  // Built on first use: most tests never download boundary.
  let tarball: Buffer | undefined;
  const boundaryTarball = () => (tarball ??= boundaryArchive(boundaryAsset));

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request): Response {
      const path = new URL(request.url).pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const failing = failures.get(path) ?? 0;
      if (failing > 0) {
        failures.set(path, failing - 1);
        return new Response("injected failure", { status: 500 });
      }
      const override = overrides.get(path);
      if (override) return new Response(override());
      const base: string = `http://127.0.0.1:${server.port}`;
      switch (path) {
        case `/agentapi/download/${agentapiVersion}/${agentapiAsset}`:
        case `/agentapi/latest/download/${agentapiAsset}`:
          return new Response(Bun.file(agentapiBinary));
        case `/boundary/download/${boundaryVersion}/${boundaryAsset}.tar.gz`:
        case `/boundary/download/${boundaryMislabeledVersion}/${boundaryAsset}.tar.gz`:
          return new Response(boundaryTarball());
        case "/claude/install.sh":
          return new Response(installer.replaceAll("__BASE_URL__", base));
        case "/claude/latest":
        case "/claude/stable":
          return new Response(claudeVersion);
        case `/claude/binary/${claudeVersion}`:
          return new Response(Bun.file(claudeBinary));
        default:
          return new Response("not found", { status: 404 });
      }
    },
  });

  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    agentapiReleasesUrl: `${url}/agentapi`,
    claudeInstallerUrl: `${url}/claude/install.sh`,
    boundaryReleasesUrl: `${url}/boundary`,
    get boundaryArchiveSha256() {
      return createHash("sha256").update(boundaryTarball()).digest("hex");
    },
    hits,
    fail(path, count) {
      failures.set(path, count);
    },
    serve(path, body) {
      overrides.set(path, body);
    },
    hitsOf(path) {
      return hits.get(path) ?? 0;
    },
    downloads() {
      return [...hits.values()].reduce((a, b) => a + b, 0);
    },
    stop() {
      server.stop(true);
    },
  };
}
