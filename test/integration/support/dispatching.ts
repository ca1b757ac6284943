import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFile } from 'child_process';
import { promisify } from 'util';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../../src/extension';
import { getJson } from './covalentRest';
import { testEnvironment, type TestEnvironment } from './env';

/**
 * Helpers of the integration tests: the extension's API, waiting, dispatching
 * with the environment's Python, the server's own view of dispatches.
 */

// Waiting needs no VS Code: the unit tests use the same helpers.
export { waitFor, waitForDespiteErrors, within } from '../../support/wait';

export const EXTENSION_ID = 'covalent-vscode.covalent-vscode';

/**
 * What the dispatch suites share; call it inside `describe`: the environment,
 * the seed document, and a scratch folder made before the suite and removed
 * after it. Files these tests write live there, outside the workspace folder:
 * other tests index that folder.
 */
export function dispatchSuite(): { env: TestEnvironment; howto: vscode.Uri; scratchFile: (name: string) => string } {
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

/** The ids of the dispatches the server holds, sorted ("nothing was left" means these did not change). */
export async function getDispatchIds(server: string): Promise<string[]> {
  const body = await getJson<{ dispatches: { dispatch_id: string }[] }>(`${server}/api/v2/dispatches?count=100000&status_only=true`);
  return body.dispatches.map((dispatch) => dispatch.dispatch_id).sort();
}

/** Runs `action` and checks the server then holds as many dispatches as before ("nothing was dispatched"). */
export async function nothingDispatched<T>(server: string, action: () => Promise<T>): Promise<T> {
  const before = await dispatchCount(server);
  const outcome = await action();
  await sleep(300);
  assert.strictEqual(await dispatchCount(server), before, 'the server holds no new dispatch');
  return outcome;
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const execFileAsync = promisify(execFile);

/**
 * Runs `script` with the environment's Python, as a user's terminal would: in
 * the workspace folder, which is importable (and so are `morePaths`); the
 * server's address is `sys.argv[1]`. Returns what it printed.
 */
export async function runPython(env: TestEnvironment, script: string, options: { morePaths?: readonly string[]; timeoutMs?: number } = {}): Promise<string> {
  const { stdout } = await execFileAsync(env.python, ['-c', script, env.serverAddress], {
    cwd: env.workspaceFolder,
    env: { ...process.env, PYTHONPATH: [env.workspaceFolder, ...(options.morePaths ?? [])].join(path.delimiter) },
    timeout: options.timeoutMs ?? 60000,
  });
  return stdout;
}

/** The last line a script printed (where the tests' scripts print a dispatch id). */
export function lastLine(stdout: string): string {
  return stdout.trim().split('\n').pop() ?? '';
}

/** Dispatches `lattice(args)` from a workspace module with the SDK in the environment's Python; returns the dispatch id. */
export async function dispatchWithPython(env: TestEnvironment, module: string, lattice: string, args: string): Promise<string> {
  const script = ['import sys, covalent as ct', `from ${module} import ${lattice}`, `print(ct.dispatch(${lattice}, dispatcher_addr=sys.argv[1])(${args}))`].join('\n');
  const stdout = await runPython(env, script);
  const dispatchId = lastLine(stdout);
  assert.match(dispatchId, /^[0-9a-f-]{36}$/, `a dispatch id, got: ${stdout}`);
  return dispatchId;
}

/**
 * Opens `uri` in an editor with the settings that dispatch unsaved text as it is
 * (`covalent.unsavedFiles` dispatchBuffer, auto-save off), runs `use`, then
 * reverts the editor and restores the settings.
 */
export async function withUnsavedEditor<T>(uri: vscode.Uri, use: (editor: vscode.TextEditor) => Promise<T>): Promise<T> {
  const files = vscode.workspace.getConfiguration('files');
  const settings = vscode.workspace.getConfiguration('covalent');
  await files.update('autoSave', 'off', vscode.ConfigurationTarget.Global);
  await settings.update('unsavedFiles', 'dispatchBuffer', vscode.ConfigurationTarget.Global);
  const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  try {
    return await use(editor);
  } finally {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await settings.update('unsavedFiles', undefined, vscode.ConfigurationTarget.Global);
    await files.update('autoSave', undefined, vscode.ConfigurationTarget.Global);
  }
}

/** Replaces the first `text` in the editor's document (unsaved). */
export async function replaceInEditor(editor: vscode.TextEditor, text: string, replacement: string): Promise<void> {
  const document = editor.document;
  const offset = document.getText().indexOf(text);
  assert.ok(offset >= 0, `${text} is in ${document.uri.fsPath}`);
  await editor.edit((edit) => edit.replace(new vscode.Range(document.positionAt(offset), document.positionAt(offset + text.length)), replacement));
  assert.ok(document.isDirty);
}
