import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { BridgeLogger } from '../../src/bridge/bridgeProcess';
import { BridgeError } from '../../src/bridge/protocol';
import { harness, repoRoot } from '../support/harness';

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
