// The set-up every end-to-end test file shares: one release server for the file, and no workspace
// outliving its test.

import { afterAll, afterEach, beforeAll } from "bun:test";
import { startReleaseServer, type ReleaseServer } from "./release-server.ts";
import { disposeWorkspaces, workspace, type Workspace, type WorkspaceOptions } from "./workspace.ts";
import type { Inputs } from "./terraform.ts";
import { startScriptedModel, type ScriptedModel } from "./model.ts";

export interface E2E {
  /** The file's release server (started in beforeAll). */
  readonly server: ReleaseServer;
  /** workspace() against the file's release server. */
  workspace(inputs?: Inputs, options?: WorkspaceOptions): Promise<Workspace>;
  /** Runs `stop` after the current test, whether it passed or not. */
  afterTest(stop: () => void): void;
  /** A scripted model of the current test's own, stopped after it. */
  model(): ScriptedModel;
}

/** Call at the top of a test file: starts the release server before its tests and stops it after
 * them, and ends every workspace, then what afterTest was given, after each test. */
export function useE2E(): E2E {
  let running: ReleaseServer | undefined;
  beforeAll(() => {
    running = startReleaseServer();
  });
  afterAll(() => running?.stop());
  afterEach(() => disposeWorkspaces());
  const stops: (() => void)[] = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });
  const server = () => {
    if (!running) throw new Error("the release server starts in beforeAll: use it inside a test or hook");
    return running;
  };
  return {
    get server() {
      return server();
    },
    workspace: (inputs, options) => workspace(server(), inputs, options),
    afterTest: (stop) => stops.push(stop),
    model: () => {
      const m = startScriptedModel();
      stops.push(() => m.stop());
      return m;
    },
  };
}
