import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PreviewCounts } from '../../src/commands/preview';
import type { CovalentExtensionApi } from '../../src/extension';
import type { PreviewPanel } from '../../src/webview/previewPanel';
import { dispatchResultString, waitForTerminalStatus } from './support/covalentRest';
import { dispatchSuite, dispatchWithPython, expectRejection, extensionApi, nothingDispatched as nothingDispatchedOn, waitFor, waitForDespiteErrors, within } from './support/dispatching';
import { probeUntil, serverGraph } from './support/panels';

/**
 * Preview Graph against the real server and the real bridge: the graph Covalent
 * builds locally is the graph the server holds after dispatching the same
 * inputs, the preview dispatches nothing, the panel draws it, and its Dispatch
 * button dispatches exactly what is shown.
 */
describe('Graph preview: a workflow’s graph before any dispatch', function () {
  this.timeout(180000);
  const { env, howto, scratchFile } = dispatchSuite();
  let api: CovalentExtensionApi;
  const seed = () => ({ uri: howto.toString(), lattice: 'workflow', args: '1, 2' });

  function previewOf(uri: vscode.Uri, lattice: string): PreviewPanel {
    const panel = api.services.panels.preview({ uri, lattice });
    assert.ok(panel, `a preview panel of ${lattice} is open`);
    return panel;
  }

  const nothingDispatched = <T>(action: () => Promise<T>): Promise<T> => nothingDispatchedOn(env.serverAddress, action);

  /** The editor the last "go to source" opened: its file and the text of the selected line. */
  async function openedAt(): Promise<{ file: string; line: string }> {
    const editor = await waitFor('an editor to open', () => vscode.window.activeTextEditor, 10000);
    return { file: path.basename(editor.document.uri.fsPath), line: editor.document.lineAt(editor.selection.active.line).text };
  }

  // Previews remember their inputs as the lattices' last used ones: the suites after this one find them as they were.
  const INPUTS_KEY = 'covalent.inputsByLattice';
  let rememberedBefore: unknown;

  before(async () => {
    api = await extensionApi();
    rememberedBefore = api.services.extension.workspaceState.get(INPUTS_KEY);
  });

  after(async () => {
    await api.services.extension.workspaceState.update(INPUTS_KEY, rememberedBefore);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('builds the seed workflow(1, 2) locally: the server’s graph of that dispatch, node for node and edge for edge, and nothing dispatched', async () => {
    const counts = await nothingDispatched(() => Promise.resolve(vscode.commands.executeCommand<PreviewCounts>('covalent.previewGraph', seed())));
    const shown = previewOf(howto, 'workflow').shown;
    assert.strictEqual(shown.state, 'ready');
    assert.ok(shown.graph);
    // The same workflow and inputs dispatched from a terminal, as a user would: the server's own graph.
    const dispatchId = await dispatchWithPython(env, 'redispatch_howto', 'workflow', '1, 2');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
    const server = await serverGraph(env.serverAddress, dispatchId);
    assert.deepStrictEqual(counts, { nodes: server.nodes.length, edges: server.labelledEdges.length });
    const nodes = (list: readonly { nodeId: number; name: string; kind: string }[]) => list.map((node) => `${node.nodeId} ${node.name} ${node.kind}`).sort();
    assert.deepStrictEqual(nodes(shown.graph.tasks), nodes(server.nodes));
    assert.deepStrictEqual(shown.graph.edges.map((edge) => `${edge.source}>${edge.target}:${edge.label}`).sort(), server.labelledEdges);
  });

  it('draws the preview in the result panel’s graph view: every node, no statuses, a preview header, no Timeline or Compare', async () => {
    const panel = previewOf(howto, 'workflow');
    const expected = await waitFor('the preview graph', () => panel.shown.graph, 5000);
    const drawn = await probeUntil(panel, (report) => report.nodes.length === expected.tasks.length, 'the previewed graph');
    assert.deepStrictEqual(
      drawn.nodes.map((node) => `${node.nodeId} ${node.name} ${node.kind} ${node.status}`).sort(),
      expected.tasks.map((task) => `${task.nodeId} ${task.name} ${task.kind} NEW_OBJECT`).sort(),
    );
    const edgeSet = (edges: readonly { source: number; target: number }[]) => [...new Set(edges.map((edge) => `${edge.source}>${edge.target}`))].sort();
    assert.deepStrictEqual(edgeSet(drawn.edges), edgeSet(expected.edges));
    assert.match(drawn.header, /workflow\(1, 2\)/);
    assert.match(drawn.header, /nothing dispatched/);
    assert.deepStrictEqual(drawn.tabs, ['Task', 'Summary']);
    panel.showTab('workflow');
    const summary = await probeUntil(panel, (report) => /task_2/.test(report.workflowText ?? ''), 'the summary');
    assert.match(summary.workflowText ?? '', /parameters \(inputs and constants\)\s*parameter\s*3/);
  });

  it('links each node to its source: a package’s electrons, its sublattice and its post-processing', async () => {
    const flow = vscode.Uri.file(path.join(env.workspaceFolder, 'pipeline', 'flow.py'));
    const counts = await nothingDispatched(() =>
      Promise.resolve(vscode.commands.executeCommand<PreviewCounts>('covalent.previewGraph', { uri: flow.toString(), lattice: 'summary', args: 'values=[1, 2, 3], by=1' })),
    );
    assert.ok(counts.nodes > 10);
    const panel = previewOf(flow, 'summary');
    const graph = panel.shown.graph;
    assert.ok(graph);
    const node = (predicate: (name: string) => boolean) => {
      const found = graph.tasks.find((task) => predicate(task.name));
      assert.ok(found);
      return found;
    };
    const total = node((name) => name === 'total');
    await panel.goToSource(total.nodeId);
    assert.deepStrictEqual(await openedAt(), { file: 'steps.py', line: 'def total(values):' });
    await panel.goToSource(node((name) => name === ':sublattice:shifted').nodeId);
    assert.deepStrictEqual(await openedAt(), { file: 'flow.py', line: 'def shifted(values, by):' });
    await panel.goToSource(node((name) => name.startsWith(':postprocess:')).nodeId);
    assert.deepStrictEqual(await openedAt(), { file: 'flow.py', line: 'def summary(values, by=0):' });
    await probeUntil(panel, (report) => report.nodes.length === counts.nodes, 'the package’s graph');
    panel.select(total.nodeId);
    const details = await probeUntil(panel, (report) => /Defined at/.test(report.detailsText), 'the selected node');
    assert.match(details.detailsText, /Defined atpipeline\/steps\.py:10/);
    assert.match(details.detailsText, /Go to source/);
    panel.close();
  });

  it('previews a notebook’s lattice: the graph of its .py twin, each node linked to its cell, nothing dispatched', async () => {
    const notebook = vscode.Uri.file(path.join(env.workspaceFolder, 'redispatch_howto.ipynb'));
    const fromFile = previewOf(howto, 'workflow').shown.graph;
    assert.ok(fromFile);
    const counts = await within('the notebook’s preview', 90000, nothingDispatched(() => Promise.resolve(vscode.commands.executeCommand<PreviewCounts>('covalent.previewGraph', { uri: notebook.toString(), lattice: 'workflow', args: '1, 2' }))));
    assert.deepStrictEqual(counts, { nodes: fromFile.nodeCount, edges: fromFile.edgeCount });
    const panel = previewOf(notebook, 'workflow');
    const graph = panel.shown.graph;
    assert.ok(graph);
    const shape = (list: readonly { nodeId: number; name: string; kind: string }[]) => list.map((node) => `${node.nodeId} ${node.name} ${node.kind}`).sort();
    assert.deepStrictEqual(shape(graph.tasks), shape(fromFile.tasks));
    const task1 = graph.tasks.find((task) => task.name === 'task_1');
    assert.ok(task1);
    assert.deepStrictEqual({ ...task1.source }, { function: 'task_1', file: notebook.fsPath, cell: 2, line: 6 });
    await within('Go to source of task_1', 20000, panel.goToSource(task1.nodeId));
    const editor = await waitFor('the notebook at the electron’s cell', () => {
      const active = vscode.window.activeNotebookEditor;
      return active?.notebook.uri.toString() === notebook.toString() ? active : undefined;
    }, 10000);
    assert.strictEqual(editor.selection.start, 2, 'the cell that defines task_1');
    panel.select(task1.nodeId);
    const details = await probeUntil(panel, (report) => /Defined at/.test(report.detailsText), 'the selected node');
    assert.match(details.detailsText, /Defined atredispatch_howto\.ipynb, cell 3:6/);
    panel.close();
    await within('showing the notebook again', 20000, vscode.window.showNotebookDocument(editor.notebook));
    await within('closing the notebook', 20000, vscode.commands.executeCommand('workbench.action.closeActiveEditor'));
  });

  it('its Dispatch button dispatches exactly what is shown and opens the result', async () => {
    const panel = previewOf(howto, 'workflow');
    // Other inputs used since (a Dispatch lens would take these): the button still dispatches what the panel shows.
    await api.services.choices.inputs.remember(howto.toString(), 'workflow', '1, 4');
    const started = Date.now();
    panel.pressAction('dispatch');
    const dispatched = await waitFor(
      'a dispatch from the preview',
      () => api.services.store.all().find((state) => (state.origin?.submittedAt ?? 0) >= started && state.origin?.latticeName === 'workflow'),
      60000,
    );
    assert.strictEqual(dispatched.origin?.fileUri, howto.toString());
    assert.strictEqual(dispatched.origin?.inputs, '1, 2');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatched.dispatchId), 'COMPLETED');
    assert.strictEqual(await dispatchResultString(env.serverAddress, dispatched.dispatchId), '1.5');
    const server = await serverGraph(env.serverAddress, dispatched.dispatchId);
    assert.deepStrictEqual(panel.shown.graph?.edges.map((edge) => `${edge.source}>${edge.target}:${edge.label}`).sort(), server.labelledEdges);
    await waitFor('the dispatch’s result panel', () => api.services.panels.get(dispatched.dispatchId), 10000);
    api.services.panels.get(dispatched.dispatchId)?.close();
  });

  it('inputs that do not parse: says where, and the panel says so too', async () => {
    const error = await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.previewGraph', { ...seed(), args: '1, 2)' }), /not valid Python call arguments: unmatched '\)' \(line 1, column 5\)/),
    );
    assert.match(error.message, /Nothing was dispatched/);
    const report = await probeUntil(previewOf(howto, 'workflow'), (drawn) => /not valid Python call arguments/.test(drawn.header), 'the problem in the header');
    assert.strictEqual(report.nodes.length, 0, 'no stale graph under the problem');
    await expectRejection(vscode.commands.executeCommand('covalent.previewGraph', { ...seed(), lattice: 'no_such_workflow' }), /no lattice named 'no_such_workflow' \(lattices here: workflow\)/);
    await expectRejection(vscode.commands.executeCommand('covalent.previewGraph', { uri: howto.toString() }), /Expected `lattice`/);
  });

  it('a lattice that raises while its graph is built: the traceback, its frames linked to the source', async () => {
    const fragile = scratchFile('fragile_workflow.py');
    fs.writeFileSync(
      fragile,
      ['import covalent as ct', '', '@ct.electron', 'def task(x):', '    return x', '', 'def check(n):', '    return 10 / n', '', '@ct.lattice', 'def fragile(n):', '    check(n)', '    return task(n)', ''].join('\n'),
    );
    const uri = vscode.Uri.file(fragile);
    const error = await nothingDispatched(() =>
      expectRejection(vscode.commands.executeCommand('covalent.previewGraph', { uri: uri.toString(), lattice: 'fragile', args: '0' }), /Building the graph of fragile failed: ZeroDivisionError: division by zero \(fragile_workflow\.py, line 8\)/),
    );
    assert.match(error.message, /traceback is in the Covalent output/);
    const panel = previewOf(uri, 'fragile');
    const report = await probeUntil(panel, (drawn) => /fragile_workflow\.py:8 in check/.test(drawn.header), 'the traceback’s frames in the header');
    assert.match(report.header, /fragile_workflow\.py:12 in fragile/);
    panel.showTab('workflow');
    const summary = await probeUntil(panel, (drawn) => /Traceback/.test(drawn.workflowText ?? ''), 'the traceback');
    assert.match(summary.workflowText ?? '', /line 12, in fragile[\s\S]*ZeroDivisionError: division by zero/);
    await panel.openFrame(1);
    assert.deepStrictEqual(await openedAt(), { file: 'fragile_workflow.py', line: '    return 10 / n' });
    panel.close();
  });

  it('a graph too big to draw: says how many nodes and shows the counts per electron instead', async () => {
    const sweep = scratchFile('big_sweep.py');
    fs.writeFileSync(sweep, ['import covalent as ct', '', '@ct.electron', 'def square(x):', '    return x * x', '', '@ct.lattice', 'def sweep(n):', '    return [square(i) for i in range(n)]', ''].join('\n'));
    const uri = vscode.Uri.file(sweep);
    const counts = await nothingDispatched(() => Promise.resolve(vscode.commands.executeCommand<PreviewCounts>('covalent.previewGraph', { uri: uri.toString(), lattice: 'sweep', args: '10001' })));
    // 10,001 tasks, their 10,001 literal inputs, the list Covalent collects them in, and post-processing.
    assert.strictEqual(counts.nodes, 20004);
    const panel = previewOf(uri, 'sweep');
    assert.strictEqual(panel.shown.graph?.truncated, true);
    const report = await probeUntil(panel, (drawn) => /more than the 20,000/.test(drawn.graph?.message ?? '') && /square/.test(drawn.workflowText ?? ''), 'the summary instead of the graph');
    assert.match(report.graph?.message ?? '', /This graph has 20,004 nodes, more than the 20,000 the graph view draws/);
    assert.strictEqual(report.nodes.length, 0);
    assert.match(report.workflowText ?? '', /square\s*function\s*10,001/);
    panel.close();
  });

  it('keeps the newest build when an older, bigger one ends after it: its graph and its inputs', async () => {
    const file = scratchFile('race_sweep.py');
    fs.writeFileSync(file, ['import covalent as ct', '', '@ct.electron', 'def square(x):', '    return x * x', '', '@ct.lattice', 'def sweep(n):', '    return [square(i) for i in range(n)]', ''].join('\n'));
    const uri = vscode.Uri.file(file);
    const preview = (args: string) => Promise.resolve(vscode.commands.executeCommand<PreviewCounts>('covalent.previewGraph', { uri: uri.toString(), lattice: 'sweep', args }));
    // A 5,000-task sweep takes seconds to build and send; the 3-task one asked for just after is back first.
    const older = preview('5000');
    await waitFor('the older build under way', () => api.services.panels.preview({ uri, lattice: 'sweep' })?.shown.state === 'building' || undefined, 10000);
    const newer = await preview('3');
    assert.strictEqual((await older).nodes, 10002, 'the older build still answers its caller');
    assert.strictEqual(newer.nodes, 8);
    const panel = previewOf(uri, 'sweep');
    assert.strictEqual(panel.shown.args, '3');
    assert.strictEqual(panel.shown.graph?.nodeCount, 8);
    await probeUntil(panel, (report) => report.nodes.length === 8, 'the newest graph drawn');
    assert.strictEqual(api.services.choices.rememberedInputs(uri, 'sweep'), '3');
    panel.close();
  });

  it('is offered above each lattice and in the Workflows view, and a panel kept across a reload builds its graph again', async () => {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(howto));
    const lenses = await waitForDespiteErrors('the Preview graph lens', async () => {
      const found = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', howto)) ?? [];
      return found.find((lens) => lens.command?.command === 'covalent.previewGraph');
    });
    assert.strictEqual(lenses.command?.title, 'Preview graph');
    assert.deepStrictEqual({ ...(lenses.command?.arguments?.[0] as object) }, { uri: howto.toString(), lattice: 'workflow' });
    const menus = (vscode.extensions.all.find((extension) => extension.id === 'covalent-vscode.covalent-vscode')?.packageJSON as { contributes: { menus: Record<string, { command: string; when?: string }[]> } }).contributes.menus;
    assert.ok(menus['view/item/context']?.some((item) => item.command === 'covalent.previewGraph' && /covalent\.workflows/.test(item.when ?? '')));

    previewOf(howto, 'workflow').close();
    const kept = vscode.window.createWebviewPanel('covalent.preview', 'restored', vscode.ViewColumn.Active, { enableScripts: true });
    const restored = api.services.panels.restorePreview(kept, { preview: { uri: howto.toString(), lattice: 'workflow', args: '1, 2' }, view: { direction: 'RIGHT' } });
    assert.ok(restored);
    const report = await probeUntil(restored, (drawn) => drawn.nodes.length === 7 && drawn.graph?.layout.direction === 'RIGHT', 'the rebuilt preview, laid out left-right');
    assert.match(report.header, /workflow\(1, 2\)/);
    const junk = vscode.window.createWebviewPanel('covalent.preview', 'junk', vscode.ViewColumn.Active, {});
    assert.strictEqual(api.services.panels.restorePreview(junk, { preview: { uri: howto.toString(), lattice: '<script>', args: '' } }), undefined);
    restored.close();
  });
});
