import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../../src/extension';
import { getJson } from './covalentRest';
import { testEnvironment, TestEnvironment } from './env';

/** Helpers of the dispatch tests: the extension's API, the server's own view of dispatches. */

export const EXTENSION_ID = 'covalent-vscode.covalent-vscode';

/**
 * What the dispatch suites share; call it inside `describe`: the environment,
 * the seed document, and a scratch folder made before the suite and removed
 * after it. Files these tests write live there, outside the workspace folder:
 * other tests index that folder.
 */
export function dispatchSuite(): { env: TestEnvironment; howto: vscode.Uri; scratchFile(name: string): string } {
  const env = testEnvironment();
  const howto = vscode.Uri.file(path.join(env.workspaceFolder, 'redispatch_howto.py'));
  let scratch: string;
  before(() => (scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-dispatch-test-'))));
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));
  return { env, howto, scratchFile: (name) => path.join(scratch, name) };
}

export async function extensionApi(): Promise<CovalentExtensionApi> {
  const extension = vscode.extensions.getExtension<CovalentExtensionApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed`);
  return extension.activate();
}

/** How many dispatches the server holds: "nothing was dispatched" means this did not change. */
export async function dispatchCount(server: string): Promise<number> {
  // `metadata.count` is the size of the page, so ask for a page larger than any test run makes.
  const body = await getJson<{ dispatches: unknown[] }>(`${server}/api/v2/dispatches?count=100000&status_only=true`);
  return body.dispatches.length;
}

export interface GraphNode {
  readonly node_id: number;
  readonly name: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
  readonly status: string;
}

/** The transport graph as the server reports it (UI API). */
export async function graphNodes(server: string, dispatchId: string): Promise<GraphNode[]> {
  const body = await getJson<{ graph: { nodes: GraphNode[] } }>(`${server}/api/v1/dispatches/${dispatchId}/graph`);
  return body.graph.nodes;
}

/** Reused by a redispatch: the server recorded a start time equal to the end time. */
export function reused(nodes: readonly GraphNode[], nodeId: number): boolean {
  const node = nodes.find((candidate) => candidate.node_id === nodeId);
  assert.ok(node, `node ${nodeId} is in the graph`);
  return node.started_at !== null && node.started_at === node.completed_at;
}

export async function expectRejection(promise: Thenable<unknown>, pattern: RegExp): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof Error, `an Error, got ${String(error)}`);
    assert.match(error.message, pattern);
    return error;
  }
  assert.fail(`expected a rejection matching ${pattern}`);
}

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60000, stepMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
