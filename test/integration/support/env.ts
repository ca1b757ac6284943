import * as vscode from 'vscode';

/** What the harness tells the extension host about the world it set up. */
export interface TestEnvironment {
  /** Address of the real Covalent server the harness started. */
  readonly serverAddress: string;
  readonly serverPort: number;
  /** Folder of that server's config/data/cache (for stopping and restarting it). */
  readonly serverHome: string;
  /** The harness's locked environment's interpreter, with Covalent installed: the server's (and a second server's, a Dask cluster's). */
  readonly python: string;
  /** The user's interpreter (bridge, replay, debugging): `COVALENT_TEST_CLIENT_PYTHON`, else the harness's. */
  readonly clientPython: string;
  /** The workspace folder: a fresh copy of `examples/`. */
  readonly workspaceFolder: string;
  /** Root of the extension's sources, for the harness's helpers. */
  readonly repoRoot: string;
  /** The harness's folder for this run: servers a test starts keep their files there (and are stopped with it). */
  readonly runDir: string;
  /** The authenticating proxy in front of the server, and the token it wants. */
  readonly proxyAddress: string;
  readonly proxyToken: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the integration tests through \`npm test\`.`);
  return value;
}

export function testEnvironment(): TestEnvironment {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The integration tests need the examples workspace open.');
  return {
    serverAddress: required('COVALENT_TEST_SERVER'),
    serverPort: Number(required('COVALENT_TEST_PORT')),
    serverHome: required('COVALENT_TEST_SERVER_HOME'),
    python: required('COVALENT_TEST_PYTHON'),
    clientPython: process.env.COVALENT_TEST_CLIENT_PYTHON || required('COVALENT_TEST_PYTHON'),
    workspaceFolder: folder.uri.fsPath,
    repoRoot: required('COVALENT_TEST_REPO_ROOT'),
    runDir: required('COVALENT_TEST_RUN_DIR'),
    proxyAddress: required('COVALENT_TEST_PROXY'),
    proxyToken: required('COVALENT_TEST_PROXY_TOKEN'),
  };
}
