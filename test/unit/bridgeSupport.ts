import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { BridgePool } from '../../src/bridge/bridgePool';
import type { BridgeLogger } from '../../src/bridge/bridgeProcess';
import { BridgeError } from '../../src/bridge/protocol';
import { harness, type HarnessServer, repoRoot } from '../support/harness';
import { SDK_SWEEP_SCRIPT } from '../support/sweeps';

/** What the bridge unit tests share: the bridge package, the harness's interpreter, a logger, rejections. */

export const bridgePackage = path.join(repoRoot, 'src', 'bridge', 'python', 'covalent_bridge');

/** An address where nothing listens. */
export const NOBODY = 'http://127.0.0.1:9';

/** The user's interpreter for the bridge's tests: `COVALENT_TEST_CLIENT_PYTHON` (a matrix pass), else the harness's locked one. */
export function venvPython(): string {
  return harness('pythonEnv').clientPython();
}

/** Collects what the bridge logs (its stderr among it). */
export class MemoryLogger implements BridgeLogger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(message);
  }
  warn(message: string): void {
    this.lines.push(message);
  }
  error(message: string): void {
    this.lines.push(message);
  }
  text(): string {
    return this.lines.join('\n');
  }
}

export async function rejection(promise: Promise<unknown>): Promise<BridgeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof BridgeError, `expected a BridgeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

/** Writes `files` (path → lines) under `root`. */
export function writeTree(root: string, files: Record<string, string[]>): void {
  for (const [file, lines] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), lines.join('\n') + '\n');
  }
}

/** What a bridge suite against a real Covalent server has, once its `before` ran. */
export interface ServerSuite {
  readonly server: HarnessServer;
  readonly pool: BridgePool;
  /** The project folder: the suite's files are in it. */
  readonly folder: string;
}

/**
 * A real Covalent server (on the harness's lock unless `python` names another
 * interpreter) and a bridge pool, started before the calling `describe`'s tests
 * and stopped after them, beside a project folder holding `files`. Call it
 * inside `describe`.
 */
export function realServerSuite(name: string, files: Record<string, string[]>, options: { python?: string; logger?: BridgeLogger } = {}): ServerSuite {
  let started: ServerSuite | undefined;
  let home: string | undefined;
  let pool: BridgePool | undefined;
  let server: HarnessServer | undefined;
  before(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), `covalent-bridge-${name}-`));
    const folder = path.join(home, 'project');
    writeTree(folder, files);
    const { CovalentServer } = harness('covalentServer');
    server = await CovalentServer.create({ python: options.python ?? harness('pythonEnv').ensurePythonEnv(), home: path.join(home, 'server') });
    await server.start();
    pool = new BridgePool(bridgePackage, options.logger ?? new MemoryLogger(), server.env);
    started = { server, pool, folder };
  });
  after(async () => {
    await pool?.stopAll();
    await server?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });
  const get = (): ServerSuite => {
    if (!started) throw new Error('the suite’s server is not started yet: use it inside its tests');
    return started;
  };
  return {
    get server() {
      return get().server;
    },
    get pool() {
      return get().pool;
    },
    get folder() {
      return get().folder;
    },
  };
}

/**
 * The plain SDK's dispatch of the suite's sweep (`flatwork.py`), in a process of its
 * own with `python`: its dispatch id, then its result when it runs.
 */
export async function sdkSweep(suite: ServerSuite, python: string, tasks: number, run: boolean): Promise<string[]> {
  const { stdout } = await promisify(execFile)(python, ['-c', SDK_SWEEP_SCRIPT, suite.server.address, suite.folder, String(tasks), run ? 'run' : 'register'], {
    env: suite.server.env,
    cwd: suite.folder,
    timeout: 240000,
  });
  return stdout.trim().split('\n');
}
