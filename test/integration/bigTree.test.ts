import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import type { DispatchTreeNode } from '../../src/views/dispatchesTree';
import { dispatchStatus } from './support/covalentRest';
import { dispatchSuite, extensionApi, getDispatchIds, waitFor } from './support/dispatching';
import { probeUntil, serverGraph } from './support/panels';

const TASKS = 10000;

const WIDE = ['import covalent as ct', '', '', '@ct.electron', 'def tick():', '    return 1', '', '', '@ct.lattice', 'def wide(n):', '    return [tick() for _ in range(n)]', ''].join('\n');

type DispatchRow = Extract<DispatchTreeNode, { kind: 'dispatch' }>;

function label(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('Big workflows: the Dispatches tree pages 10,000 tasks, the panel draws them, and the preview builds and draws them', function () {
  // Registering 10,000 tasks takes from under a minute to several on a busy 2-core machine; this suite registers once.
  this.timeout(900000);
  const { env, scratchFile } = dispatchSuite();
  let api: CovalentExtensionApi;

  before(async () => {
    api = await extensionApi();
    // With the default request timeout (10 s): the server answers the register post of
    // 10,000 tasks only after tens of seconds, which the bridge allows for by its size.
    assert.strictEqual(vscode.workspace.getConfiguration('covalent').get('requestTimeoutMs'), 10000);
    await vscode.commands.executeCommand('covalent.dispatches.focus');
  });

  after(() => {
    for (const panel of api.services.panels.all()) panel.close();
  });

  it('shows a saved wide(10000) with 100 task rows and a Show more row, 200 after a click (kept across a refresh), and the panel draws every task', async () => {
    const file = scratchFile('wide_tree.py');
    fs.writeFileSync(file, WIDE);
    const dispatchId = await vscode.commands.executeCommand<string>('covalent.saveWithoutRunning', { uri: vscode.Uri.file(file).toString(), lattice: 'wide', args: String(TASKS) });
    assert.match(dispatchId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(await dispatchStatus(env.serverAddress, dispatchId), 'NEW_OBJECT', 'saved, not started');

    const tree = api.services.liveViews.tree;
    const row = await waitFor(
      'the saved dispatch in the tree',
      () => tree.rootNodes().find((node): node is DispatchRow => node.kind === 'dispatch' && node.dispatchId === dispatchId),
      30000,
    );
    // Expanding it watches its graph; the first fetch of 10,000 tasks may outlast the tree's own wait.
    const taskRows = async (count: number) =>
      waitFor(`${count} task rows and a Show more row`, async () => {
        const children = await tree.getChildren(row);
        return children.filter((node) => node.kind === 'task').length === count ? children : undefined;
      }, 180000, 500);

    const first = await taskRows(100);
    assert.strictEqual(first.length, 101, 'a page of tasks and one row more');
    const tasks = first.slice(0, 100).map((node) => tree.getTreeItem(node));
    for (const item of tasks) {
      assert.strictEqual(label(item), 'tick');
      assert.strictEqual(item.description, 'new object');
    }
    assert.strictEqual(new Set(first.slice(0, 100).map((node) => (node.kind === 'task' ? node.nodeId : -1))).size, 100, 'a hundred different tasks');
    const more = first[100];
    assert.ok(more?.kind === 'moreTasks', 'the last row shows more');
    const moreItem = tree.getTreeItem(more);
    assert.strictEqual(label(moreItem), 'Show 100 more (9,900 left)');
    assert.ok(moreItem.iconPath instanceof vscode.ThemeIcon && moreItem.iconPath.id === 'ellipsis');
    assert.strictEqual(moreItem.collapsibleState, vscode.TreeItemCollapsibleState.None);
    assert.ok(moreItem.command, 'a click (or Enter) runs its command');

    // What VS Code runs when the row is clicked.
    const clickArguments: unknown[] = moreItem.command.arguments ?? [];
    const shown = await vscode.commands.executeCommand<number>(moreItem.command.command, ...clickArguments);
    assert.strictEqual(shown, 200);
    const second = await taskRows(200);
    assert.strictEqual(second.length, 201);
    assert.deepStrictEqual(second.slice(0, 100), first.slice(0, 100), 'the first page stays as it was, the next follows');
    assert.strictEqual(second[200], more, 'the same Show more row, now below 200');
    assert.strictEqual(label(tree.getTreeItem(more)), 'Show 100 more (9,800 left)');

    // A refresh redraws the dispatch with the same page count.
    await vscode.commands.executeCommand('covalent.refresh');
    const refreshed = await tree.getChildren(row);
    assert.strictEqual(refreshed.filter((node) => node.kind === 'task').length, 200, 'still 200 rows after a refresh');

    // The result panel draws the whole graph: the 10,000 tasks and Covalent's helper nodes (the input n).
    const expected = await serverGraph(env.serverAddress, dispatchId);
    assert.strictEqual(expected.nodes.filter((node) => node.name === 'tick').length, TASKS);
    await vscode.commands.executeCommand('covalent.openResult', { dispatchId });
    const panel = api.services.panels.get(dispatchId);
    assert.ok(panel, 'covalent.openResult opened a panel for the dispatch');
    const report = await probeUntil(panel, (drawn) => drawn.nodes.length === expected.nodes.length, `all ${expected.nodes.length} nodes`, 300000);
    const drawnTicks = report.nodes.filter((node) => node.name === 'tick');
    assert.strictEqual(drawnTicks.length, TASKS);
    assert.ok(drawnTicks.every((node) => node.status === 'NEW_OBJECT'), 'saved, not started');
    assert.deepStrictEqual(report.nodes.map((node) => node.nodeId).sort((a, b) => a - b), expected.nodes.map((node) => node.nodeId).sort((a, b) => a - b));
    assert.ok(report.graphRenders >= 1, 'the graph was drawn');
    assert.ok((report.graph?.visibleNodes ?? 0) > 0, `the canvas painted some of them: ${JSON.stringify(report.graph?.detail)}`);
  });

  it('previews wide(10000) before any dispatch: the graph built by the bridge, every node drawn, nothing sent to the server', async () => {
    const file = scratchFile('wide_preview.py');
    fs.writeFileSync(file, WIDE);
    const uri = vscode.Uri.file(file);
    const before = await getDispatchIds(env.serverAddress);
    const counts = await vscode.commands.executeCommand<{ nodes: number; edges: number }>('covalent.previewGraph', { uri: uri.toString(), lattice: 'wide', args: String(TASKS) });
    assert.deepStrictEqual(await getDispatchIds(env.serverAddress), before, 'nothing was dispatched');
    // The 10,000 tasks, the list Covalent collects them in, and post-processing: under the 20,000 the graph view draws.
    assert.strictEqual(counts.nodes, TASKS + 2);
    const panel = api.services.panels.preview({ uri, lattice: 'wide' });
    assert.ok(panel, 'a preview panel of wide is open');
    assert.notStrictEqual(panel.shown.graph?.truncated, true, 'the whole graph, not its counts');
    const report = await probeUntil(panel, (drawn) => drawn.nodes.length === TASKS + 2, `all ${TASKS + 2} nodes`, 300000);
    assert.strictEqual(report.nodes.filter((node) => node.name === 'tick').length, TASKS);
    assert.ok((report.graph?.visibleNodes ?? 0) > 0, `the canvas painted some of them: ${JSON.stringify(report.graph?.detail)}`);
  });
});
