// The set-up every end-to-end test file shares: one release server for the file, and no workspace
// outliving its test.

import { afterAll, afterEach, beforeAll } from "bun:test";
import { startReleaseServer, type ReleaseServer } from "./release-server.ts";
import { disposeWorkspaces, workspace, type Workspace, type WorkspaceOptions } from "./workspace.ts";
import type { Inputs } from "./terraform.ts";

export interface E2E {
  /** The file's release server (started in beforeAll). */
  readonly server: ReleaseServer;
  /** workspace() against the file's release server. */
  workspace(inputs?: Inputs, options?: WorkspaceOptions): Promise<Workspace>;
}

/** Call at the top of a test file: starts the release server before its tests and stops it after
 * them, and ends every workspace after each test. */
export function useE2E(): E2E {
  let running: ReleaseServer | undefined;
  beforeAll(() => {
    running = startReleaseServer();
  });
  afterAll(() => running?.stop());
  afterEach(() => disposeWorkspaces());
  const server = () => {
    if (!running) throw new Error("the release server starts in beforeAll: use it inside a test or hook");
    return running;
  };
  return {
    get server() {
      return server();
    },
    workspace: (inputs, options) => workspace(server(), inputs, options),
  };
}
