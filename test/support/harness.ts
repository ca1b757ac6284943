import * as path from 'path';

/**
 * The JavaScript harness (test/harness: the Python environment, the Covalent
 * server, code-server) as the TypeScript tests and benchmarks see it: one typed
 * loader instead of untyped `require`s. No `vscode` here.
 */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

export interface HarnessServer {
  readonly address: string;
  readonly port: number;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  start(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
  killProcessGroup(): void;
  isAnswering(timeoutMs?: number): Promise<boolean>;
}

export interface HarnessDaskCluster {
  readonly schedulerAddress: string;
  readonly workerAddresses: readonly string[];
  describe(): { schedulerAddress: string; workerAddresses: string[] };
  kill(): void;
}

/** The harness's authenticating proxy (test/harness/authProxy.js). */
export interface HarnessAuthProxy {
  readonly address: string;
  readonly token: string;
  readonly stats: { readonly refused: number; readonly forwarded: number; readonly assets: number; readonly refusedPaths: readonly string[] };
  stop(): Promise<void>;
}

export interface CodeServer {
  readonly url: string;
  readonly port: number;
  stop(): void;
}

/** Module functions are properties (not methods): they are destructured from the module. */
interface HarnessModules {
  paths: { cacheDir: string; repoRoot: string };
  pythonEnv: { ensurePythonEnv: () => string; clientPython: () => string; venvDir: string };
  setupCodeServer: { ensureCodeServer: (version?: string) => { entry: string; node: string; version: string; args: string[] }; wantedVersion: () => string; MINIMUM_CODE_SERVER: string };
  covalentServer: {
    CovalentServer: {
      new (options: { python: string; home: string; port: number }): HarnessServer;
      create: (options: { python: string; home: string; port?: number }) => Promise<HarnessServer>;
    };
    freePort: () => Promise<number>;
    isolatedEnv: (home: string, port: number) => NodeJS.ProcessEnv;
  };
  codeServerHost: {
    startCodeServer: (options: { userDataDir: string; extensionsDir: string; workspace: string; env?: NodeJS.ProcessEnv; logFile: string; port?: number; workspaceTrust?: boolean }) => Promise<CodeServer>;
    workbenchUrl: (server: CodeServer, workspace: string, payload?: [string, string][]) => string;
    chromiumPath: () => string;
    CHROMIUM_ARGS: string[];
  };
  daskCluster: {
    DaskCluster: {
      start: (options: {
        python: string;
        home: string;
        workers?: number;
        threadsPerWorker?: number;
        env?: NodeJS.ProcessEnv;
        idleTimeout?: string;
        recordFile?: string;
        timeoutMs?: number;
      }) => Promise<HarnessDaskCluster>;
    };
    killRecorded: (recordFile: string) => boolean;
  };
  authProxy: {
    startAuthProxy: (target: string) => Promise<HarnessAuthProxy>;
  };
  workspace: {
    copyExamples: (target: string) => string;
    writeUserSettings: (userDataDir: string, options: { python: string; serverAddress: string; extra?: Record<string, unknown> }) => void;
  };
}

export function harness<K extends keyof HarnessModules>(name: K): HarnessModules[K] {
  // The harness is plain JavaScript outside the compiled tree: loaded by path.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(repoRoot, 'test', 'harness', `${name}.js`)) as HarnessModules[K];
}
