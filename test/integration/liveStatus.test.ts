import * as assert from 'assert';
import * as http from 'http';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import type { DispatchTreeNode } from '../../src/views/dispatchesTree';
import type { LiveStatusViews } from '../../src/views/liveStatusViews';
import { testEnvironment } from './support/env';
import { dispatchStatus, getJson, waitForTerminalStatus } from './support/covalentRest';
import { dispatchWithPython, extensionApi, waitFor } from './support/dispatching';
import { harness } from '../support/harness';


async function liveStatus(): Promise<{ api: CovalentExtensionApi; views: LiveStatusViews }> {
  const api = await extensionApi();
  const views = api.services.liveViews;
  assert.ok(views, 'activate() starts live status');
  return { api, views };
}

function dispatchRow(views: LiveStatusViews, dispatchId: string): DispatchTreeNode | undefined {
  return views.tree.rootNodes().find((node) => node.kind === 'dispatch' && node.dispatchId === dispatchId);
}

function iconId(item: vscode.TreeItem): string | undefined {
  return item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined;
}

describe('Live status: the Dispatches tree, status bar and editor against the real server', function () {
  this.timeout(180000);
  const env = testEnvironment();

  before(async () => {
    await liveStatus();
    // The tree is visible, as when someone opens the Covalent view.
    await vscode.commands.executeCommand('covalent.dispatches.focus');
  });

  it('shows a dispatch made outside the editor in the tree within 2 s, runs it to COMPLETED, and lists its tasks with durations', async () => {
    const { views } = await liveStatus();
    await waitFor('the server to be online', () => views.poller.store.connection === 'online');
    await waitFor('the socket.io channel (hints, and drops noticed at once)', () => views.poller.socketState === 'connected', 10000);
    const dispatchId = await dispatchWithPython(env, 'redispatch_howto', 'workflow', '1, 2');
    const dispatchedAt = Date.now();
    const row = await waitFor('the dispatch in the tree', () => dispatchRow(views, dispatchId), 10000, 20);
    const appearedAfter = Date.now() - dispatchedAt;
    assert.ok(appearedAfter <= 2000, `the dispatch appeared in the tree after ${appearedAfter} ms`);

    const finished = await waitFor('COMPLETED in the tree', () => {
      const item = views.tree.getTreeItem(row);
      return iconId(item) === 'pass' ? item : undefined;
    });
    assert.strictEqual(await dispatchStatus(env.serverAddress, dispatchId), 'COMPLETED', 'the server agrees');
    assert.strictEqual(finished.label, 'workflow');
    assert.match(String(finished.description), /^7\/7 tasks · [\d.]+ (ms|s)/, `description: ${finished.description}`);
    assert.strictEqual(finished.contextValue, 'dispatch.finished');

    const taskRows = await views.tree.getChildren(row);
    const tasks = taskRows.map((node) => views.tree.getTreeItem(node));
    const graph = await getJson<{ graph: { nodes: { name: string }[] } }>(`${env.serverAddress}/api/v1/dispatches/${dispatchId}/graph`);
    const serverTasks = graph.graph.nodes.map((node) => node.name).filter((name) => !name.startsWith(':'));
    assert.deepStrictEqual(tasks.map((item) => item.label).sort(), serverTasks.sort());
    assert.ok(serverTasks.includes('task_0'));
    for (const item of tasks) {
      const label = typeof item.label === 'string' ? item.label : item.label?.label;
      assert.strictEqual(iconId(item), 'pass', `${label} completed`);
      assert.match(String(item.description), /^completed · [\d.]+ (ms|s)$/, `${label}: ${String(item.description)}`);
    }
  });

  it('shows the failing example FAILED in the tree, its error in Problems at the electron, and its status on the lattice', async () => {
    const { api, views } = await liveStatus();
    const file = vscode.Uri.file(path.join(env.workspaceFolder, 'failing_workflow.py'));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const dispatchId = await dispatchWithPython(env, 'failing_workflow', 'failing_workflow', '[1, 2, 3]');
    // What the Dispatch command records for a dispatch it makes.
    api.services.store.track(dispatchId, { fileUri: file.toString(), latticeName: 'failing_workflow', serverAddress: env.serverAddress, inputs: '[1, 2, 3]', submittedAt: Date.now() });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'FAILED');

    const row = await waitFor('the dispatch in the tree', () => dispatchRow(views, dispatchId));
    await waitFor('FAILED in the tree', () => iconId(views.tree.getTreeItem(row)) === 'error');
    const divide = await waitFor('divide FAILED among the tasks', async () => {
      const taskItems = (await views.tree.getChildren(row)).map((node) => views.tree.getTreeItem(node));
      return taskItems.find((item) => item.label === 'divide' && iconId(item) === 'error');
    });
    assert.match(String(divide.description), /^failed · [\d.]+ (ms|s)$/);

    const divideLine = document.getText().split('\n').findIndex((line) => line.startsWith('def divide('));
    const diagnostic = await waitFor('a Covalent diagnostic', () =>
      vscode.languages.getDiagnostics(file).find((candidate) => candidate.source === 'Covalent'),
    );
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(diagnostic.range.start.line, divideLine, 'at the electron that raised');
    assert.match(diagnostic.message, /^divide failed in dispatch [0-9a-f-]{36}: ZeroDivisionError: cannot divide 3 values by zero/);
    assert.match(diagnostic.message, /Traceback \(most recent call last\)/, 'the traceback is in the message');

    const lenses = await waitFor('the status lens', async () => {
      const found = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', file)) ?? [];
      return found.filter((lens) => lens.command?.title.includes('last dispatch')).length ? found : undefined;
    });
    const status = lenses.find((lens) => lens.command?.title.includes('last dispatch'));
    assert.match(status?.command?.title ?? '', /last dispatch failed · [\d.]+ (ms|s)/);
    assert.deepStrictEqual(status?.command?.arguments, [{ dispatchId }]);
    const dispatchLens = lenses.find((lens) => lens.command?.command === 'covalent.dispatch');
    assert.strictEqual(status?.range.start.line, dispatchLens?.range.start.line, 'the status sits on the line of the Dispatch lens, not on a row of its own');
    const latticeLine = document.getText().split('\n').findIndex((line) => line.startsWith('def failing_workflow('));
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', file, new vscode.Position(latticeLine, 5))) ?? [];
    const hoverText = hovers.flatMap((hover) => hover.contents.map((part) => (typeof part === 'string' ? part : part.value))).join('\n');
    assert.match(hoverText, /Last dispatch: failed/, 'the hover names the last dispatch');

    // Each electron shows its last status after its `def`.
    const lineOf = (name: string) => document.getText().split('\n').findIndex((line) => line.startsWith(`def ${name}(`));
    const inline = await waitFor('inline electron status', () => {
      const shown = views.editor.inlineStatus.get(file.toString()) ?? [];
      return shown.length >= 3 ? shown : undefined;
    });
    assert.match(inline.find((entry) => entry.line === lineOf('prepare'))?.text ?? '', /^✓ completed · [\d.]+ (ms|s)$/);
    assert.match(inline.find((entry) => entry.line === divideLine)?.text ?? '', /^✗ failed · [\d.]+ (ms|s)$/);
    assert.match(inline.find((entry) => entry.line === lineOf('total'))?.text ?? '', /^○ not run$/);

    // Dispatched from the editor, the task's code went by value: the server's traceback names no file
    // (cloudpickle 3.1.3 says "<dynamic-code>"); the Problem names the electron's file and links the raise.
    const raiseLine = document.getText().split('\n').findIndex((line) => line.includes('raise ZeroDivisionError'));
    const editorId = await vscode.commands.executeCommand<string>('covalent.dispatch', { uri: file.toString(), lattice: 'failing_workflow', args: '[1, 2, 3]' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, editorId), 'FAILED');
    const placed = await waitFor('the editor dispatch’s Problem', () =>
      vscode.languages.getDiagnostics(file).find((candidate) => candidate.source === 'Covalent' && candidate.code === editorId),
    );
    assert.match(placed.message, new RegExp(`failing_workflow\\.py", line ${raiseLine + 1}, in divide`), placed.message);
    assert.doesNotMatch(placed.message, /<dynamic-code>", line \d+, in divide/);
    const link = placed.relatedInformation?.find((info) => info.message === `divide, line ${raiseLine + 1}`);
    assert.strictEqual(link?.location.uri.fsPath, file.fsPath, 'the frame links to the file');
    assert.strictEqual(link?.location.range.start.line, raiseLine);

    // A later successful dispatch of the same lattice clears the diagnostic.
    const fixedId = await dispatchWithPython(env, 'failing_workflow', 'failing_workflow', '[1, 2, 3], by=2');
    api.services.store.track(fixedId, { fileUri: file.toString(), latticeName: 'failing_workflow', serverAddress: env.serverAddress, submittedAt: Date.now() });
    await waitFor('the diagnostic to clear', () => !vscode.languages.getDiagnostics(file).some((candidate) => candidate.source === 'Covalent'));
    assert.strictEqual(await dispatchStatus(env.serverAddress, fixedId), 'COMPLETED');
  });

  it('turns the status bar offline within 2 s of the server stopping and back within 5 s of it starting, losing nothing', async () => {
    const { api, views } = await liveStatus();
    await waitFor('online', () => views.statusBar.item.text.startsWith('$(server) Covalent'));
    const rowsBefore = views.tree.rootNodes().filter((node) => node.kind === 'dispatch').map((node) => (node.kind === 'dispatch' ? node.dispatchId : ''));
    assert.ok(rowsBefore.length >= 2, 'the earlier tests left dispatches in the tree');
    const { CovalentServer } = harness('covalentServer');
    const server = new CovalentServer({ python: env.python, home: env.serverHome, port: env.serverPort });

    await server.stop();
    let running: boolean;
    let startedAt: number;
    try {
      const stoppedAt = Date.now();
      await waitFor('the status bar to show offline', () => views.statusBar.item.text.includes('offline'), 10000, 20);
      const offlineAfter = Date.now() - stoppedAt;
      assert.ok(offlineAfter <= 2000, `offline shown ${offlineAfter} ms after the server stopped`);
      assert.strictEqual(api.services.store.connection, 'offline');
      const message = await waitFor('the tree to say why', () => views.tree.view.message, 2000);
      assert.match(message, /cannot be reached|did not answer/);
      assert.ok(views.tree.rootNodes().length >= rowsBefore.length, 'the rows stay while offline');
    } finally {
      await server.start();
      running = true;
      startedAt = Date.now();
    }
    assert.ok(running);
    await waitFor('the status bar to recover', () => views.statusBar.item.text.startsWith('$(server) Covalent'), 15000, 20);
    const onlineAfter = Date.now() - startedAt;
    assert.ok(onlineAfter <= 5000, `online again ${onlineAfter} ms after the server answered`);
    assert.strictEqual(views.tree.view.message, undefined, 'the error message is gone');
    const rowsAfter = views.tree.rootNodes().map((node) => (node.kind === 'dispatch' ? node.dispatchId : ''));
    for (const id of rowsBefore) assert.ok(rowsAfter.includes(id), `dispatch ${id} is still in the tree`);

    // And it keeps working: a new dispatch after the restart is followed to the end.
    const dispatchId = await dispatchWithPython(env, 'redispatch_howto', 'workflow', '3, 4');
    const row = await waitFor('the new dispatch in the tree', () => dispatchRow(views, dispatchId), 10000);
    await waitFor('COMPLETED after the restart', () => iconId(views.tree.getTreeItem(row)) === 'pass');
  });

  it('answers a server that sends garbage with a clear message, keeps every row renderable, and recovers when pointed back', async () => {
    const { api, views } = await liveStatus();
    const ownDispatches = views.tree.rootNodes().filter((node) => node.kind === 'dispatch' && api.services.store.get(node.dispatchId)?.origin);
    assert.ok(ownDispatches.length > 0);
    // Not a stand-in for Covalent: a bad server, answering HTML to everything.
    const garbage = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html><body>It works!</body></html>');
    });
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve));
    const port = (garbage.address() as { port: number }).port;
    const settings = vscode.workspace.getConfiguration('covalent');
    try {
      await settings.update('dispatcherAddress', `http://127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
      await waitFor('the status bar to show the bad server', () => views.statusBar.item.text.includes('offline'), 10000);
      const message = await waitFor('the tree message', () => views.tree.view.message, 10000);
      assert.match(message, /not what a Covalent 0\.240 server sends/);
      assert.match(message, /expected JSON, got HTML/);
      assert.match(message, /covalent\.dispatcherAddress/);
      // The tree shows the active server's dispatches: the harness server's are not this one's.
      const rows = views.tree.rootNodes();
      for (const own of ownDispatches) assert.ok(!rows.includes(own));
      for (const row of rows) assert.ok(views.tree.getTreeItem(row).label);
    } finally {
      await settings.update('dispatcherAddress', env.serverAddress, vscode.ConfigurationTarget.Global);
      garbage.close();
    }
    await waitFor('online again', () => views.statusBar.item.text.startsWith('$(server) Covalent'), 10000);
    await waitFor('the server list back in the tree', () => views.tree.rootNodes().length > ownDispatches.length, 10000);
    for (const own of ownDispatches) assert.ok(views.tree.rootNodes().includes(own), 'what the editor dispatched there is back');
    assert.strictEqual(views.tree.view.message, undefined);
  });
});
