import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import type { ResultPanel } from '../../src/webview/resultPanel';
import { testEnvironment } from './support/env';
import { getJson, waitForTerminalStatus } from './support/covalentRest';
import { extensionApi, lastLine, runPython } from './support/dispatching';
import { probeUntil, serverGraph } from './support/panels';

/** Workflows these tests write live outside the workspace, so other tests' views of it do not change. */
const scratchFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-panel-test-'));

/** Runs Python in the workspace with the venv; the workflow modules are pickled by value so the server's workers need not import them. */
async function python(env: ReturnType<typeof testEnvironment>, lines: string[]): Promise<string> {
  const script = ['import sys, cloudpickle, covalent as ct', ...lines].join('\n');
  return lastLine(await runPython(env, script, { morePaths: [scratchFolder], timeoutMs: 90000 }));
}

/** Dispatches `module.lattice(args)` that way; returns what it printed last (the dispatch id). */
function dispatchByValue(env: ReturnType<typeof testEnvironment>, module: string, lattice: string, args: string): Promise<string> {
  return python(env, [`import ${module}`, `cloudpickle.register_pickle_by_value(${module})`, `print(ct.dispatch(${module}.${lattice}, dispatcher_addr=sys.argv[1])(${args}))`]);
}

describe('Result panel: the webview draws a real dispatch', function () {
  this.timeout(180000);
  const env = testEnvironment();
  let api: CovalentExtensionApi;
  let dispatchId: string;

  before(async () => {
    api = await extensionApi();
    dispatchId = await dispatchByValue(env, 'redispatch_howto', 'workflow', '1, 2');
    assert.match(dispatchId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, dispatchId), 'COMPLETED');
  });

  after(() => {
    for (const panel of api.services.panels.all()) panel.close();
  });

  /** Runs covalent.openResult for `id` and returns the panel it opened. */
  async function openPanel(id: string): Promise<ResultPanel> {
    await vscode.commands.executeCommand('covalent.openResult', { dispatchId: id });
    const panel = api.services.panels.get(id);
    assert.ok(panel, 'covalent.openResult opened a panel for the dispatch');
    return panel;
  }

  it('shows the seed workflow’s nodes, edges and statuses as the server has them', async () => {
    const panel = await openPanel(dispatchId);
    const expected = await serverGraph(env.serverAddress, dispatchId);
    const report = await probeUntil(
      panel,
      (drawn) => drawn.nodes.length === expected.nodes.length && drawn.nodes.every((node) => node.status === 'COMPLETED') && /COMPLETED/.test(drawn.header),
      'every task and the dispatch COMPLETED',
    );
    const drawnNodes = [...report.nodes].sort((a, b) => a.nodeId - b.nodeId).map(({ nodeId, name, status, kind }) => ({ nodeId, name, status, kind }));
    const serverNodes = [...expected.nodes].sort((a, b) => a.nodeId - b.nodeId).map(({ nodeId, name, status, kind }) => ({ nodeId, name, status, kind }));
    assert.deepStrictEqual(drawnNodes, serverNodes);
    assert.deepStrictEqual(report.edges.map((edge) => `${edge.source}>${edge.target}`).sort(), expected.edges);
    assert.ok(report.nodes.some((node) => node.name === 'task_0') && report.nodes.some((node) => node.kind === 'parameter'), 'tasks and parameters are drawn');
    assert.ok(report.nodes.every((node) => !node.reused), 'a first dispatch reuses nothing');
    assert.match(report.header, /workflow/);
    assert.match(report.header, /COMPLETED/);
    assert.ok(report.header.includes(dispatchId), 'the header shows the dispatch id');
    assert.strictEqual(report.injectedScriptRan, false);
  });

  it('shows the workflow’s inputs and result', async () => {
    const panel = api.services.panels.get(dispatchId);
    assert.ok(panel);
    panel.showTab('workflow');
    const report = await probeUntil(panel, (drawn) => /Result1\.5/.test(drawn.workflowText ?? ''), 'the workflow result 1.5');
    assert.match(report.workflowText ?? '', /Inputs\{'args': \(1, 2\), 'kwargs': \{\}\}/);
    panel.showTab('task');
  });

  it('shows a failed task’s traceback and names the failed tasks at workflow level', async () => {
    const failedId = await dispatchByValue(env, 'failing_workflow', 'failing_workflow', '[1, 2, 3]');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, failedId), 'FAILED');
    const panel = await openPanel(failedId);
    // The graph and the dispatch's own status arrive in separate polls: wait for both.
    const drawn = await probeUntil(panel, (report) => report.nodes.some((node) => node.name === 'divide' && node.status === 'FAILED') && report.header.includes('FAILED'), 'divide and the dispatch FAILED');
    panel.select(drawn.nodes.find((node) => node.name === 'divide')!.nodeId);
    const details = await probeUntil(panel, (report) => /ZeroDivisionError/.test(report.detailsText), 'the traceback');
    assert.match(details.detailsText, /cannot divide 3 values by zero/);
    assert.match(details.detailsText, /Traceback/);
    panel.showTab('workflow');
    const workflow = await probeUntil(panel, (report) => /Failed tasks/.test(report.workflowText ?? ''), 'the failed tasks at workflow level');
    assert.match(workflow.workflowText ?? '', /Failed tasks: divide/);
    assert.match(workflow.workflowText ?? '', /\[1, 2, 3\]/);
  });

  it('focuses the open panel instead of opening a second one', async () => {
    const before = api.services.panels.all().length;
    const first = api.services.panels.get(dispatchId);
    await vscode.commands.executeCommand('covalent.openResult', { dispatchId });
    assert.strictEqual(api.services.panels.all().length, before);
    assert.strictEqual(api.services.panels.get(dispatchId), first);
    // VS Code reports the focus change asynchronously.
    const deadline = Date.now() + 5000;
    while (!first?.webviewPanel.active && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(first?.webviewPanel.active, 'the panel is the active editor');
  });

  it('shows a selected task’s inputs, result and source, and the workflow’s timeline', async () => {
    const panel = api.services.panels.get(dispatchId);
    assert.ok(panel);
    const expected = await serverGraph(env.serverAddress, dispatchId);
    const task1 = expected.nodes.find((node) => node.name === 'task_1');
    assert.ok(task1);
    panel.select(task1.nodeId);
    const report = await probeUntil(panel, (drawn) => /def task_1/.test(drawn.detailsText), 'task_1’s details');
    assert.strictEqual(report.selectedNodeId, task1.nodeId);
    // The result as the server printed it, then its buttons (a plain number is not drawn again).
    assert.match(report.detailsText, /Result3(Save As…Copy loading code)?Error/, 'task_1 returned 1 + 2 = 3');
    assert.match(report.detailsText, /'args': \('1', '2'\)/, 'the inputs as the server prints them');
    assert.match(report.detailsText, /Executordask/);
    panel.showTab('timeline');
    const timeline = await probeUntil(panel, (drawn) => drawn.timelineBars > 0, 'timeline rows');
    assert.strictEqual(timeline.timelineBars, expected.nodes.filter((node) => node.kind !== 'parameter').length);
  });

  it('marks the reused tasks after a redispatch with reuse, and compares it with its parent', async () => {
    const redispatchId = await python(env, [
      'import redispatch_howto',
      'cloudpickle.register_pickle_by_value(redispatch_howto)',
      `print(ct.redispatch(${JSON.stringify(dispatchId)}, dispatcher_addr=sys.argv[1], replace_electrons={"task_2": redispatch_howto.task_2_redefined}, reuse_previous_results=True)())`,
    ]);
    assert.match(redispatchId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, redispatchId), 'COMPLETED');
    const panel = await openPanel(redispatchId);
    const expected = await serverGraph(env.serverAddress, redispatchId);
    const report = await probeUntil(
      panel,
      (drawn) => drawn.nodes.length === expected.nodes.length && drawn.nodes.every((node) => node.status === 'COMPLETED'),
      'the redispatch COMPLETED',
    );
    const reused = report.nodes.filter((node) => node.reused).map((node) => node.name).sort();
    const reusedOnServer = expected.nodes.filter((node) => node.reusedOnServer).map((node) => node.name).sort();
    assert.deepStrictEqual(reused, reusedOnServer, 'the panel marks exactly the tasks the server reused');
    assert.ok(reused.includes('task_0') && reused.includes('task_1'), `task_0 and task_1 are reused (got ${reused.join(', ')})`);
    assert.ok(!reused.includes('task_2_redefined'), 'the replaced task ran again');
    assert.deepStrictEqual(report.edges.map((edge) => `${edge.source}>${edge.target}`).sort(), expected.edges);

    panel.showTab('timeline');
    const timeline = await probeUntil(panel, (drawn) => drawn.timelineBars > 0, 'the timeline');
    assert.strictEqual(timeline.timelineReused, reusedOnServer.length, 'the timeline shows each reused task as a zero-length mark');

    panel.showTab('compare');
    const compared = await probeUntil(panel, (drawn) => drawn.compareRows > 0 && drawn.header.includes(dispatchId.slice(0, 8)), 'the comparison with the parent');
    assert.strictEqual(compared.compareRows, expected.nodes.filter((node) => node.kind !== 'parameter').length);
    assert.ok(compared.header.includes(dispatchId.slice(0, 8)), 'the header links the parent dispatch');
  });

  it('keeps selection and zoom while statuses change live (no redraw)', async () => {
    const runningId = await dispatchByValue(env, 'long_running', 'long_running', 'seconds=2, steps=2');
    const panel = await openPanel(runningId);
    const first = await probeUntil(panel, (drawn) => drawn.nodes.length > 0 && drawn.nodes.some((node) => node.status !== 'COMPLETED'), 'the graph while it runs');
    const selected = first.nodes.find((node) => node.name === 'gather');
    assert.ok(selected);
    panel.select(selected.nodeId);
    await probeUntil(panel, (drawn) => drawn.selectedNodeId === selected.nodeId, 'the selection');
    const before = await panel.probe();
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, runningId), 'COMPLETED');
    const after = await probeUntil(panel, (drawn) => drawn.nodes.every((node) => node.status === 'COMPLETED'), 'every task COMPLETED');
    assert.strictEqual(after.graphRenders, before.graphRenders, 'status changes did not redraw the graph');
    assert.strictEqual(after.graph?.fullRepaints, before.graph?.fullRepaints, 'status changes did not repaint the whole canvas');
    const changed = before.nodes.filter((node) => after.nodes.find((later) => later.nodeId === node.nodeId)?.status !== node.status).length;
    assert.ok((after.graph?.nodeRepaints ?? 0) - (before.graph?.nodeRepaints ?? 0) >= changed, `the ${changed} nodes whose status changed were repainted`);
    assert.ok(after.graph?.pixels.length && after.graph.pixels.every((pixel) => pixel.actual === pixel.expected), `the canvas shows each task's status colour: ${JSON.stringify(after.graph?.pixels)}`);
    assert.strictEqual(after.selectedNodeId, selected.nodeId, 'the selection stayed');
    assert.deepStrictEqual(after.transform, before.transform, 'the zoom and position stayed');
  });

  it('shows a result and stdout full of HTML and script as text, and runs none of it', async () => {
    const file = path.join(scratchFolder, 'hostile_output.py');
    fs.writeFileSync(
      file,
      [
        'import covalent as ct',
        'PAYLOAD = "<script>window.__covalentInjected = 1</script><img src=x onerror=\\"window.__covalentInjected = 2\\"><b>bold</b>"',
        '',
        '@ct.electron',
        'def hostile():',
        '    print(PAYLOAD)',
        '    return PAYLOAD',
        '',
        '@ct.lattice',
        'def hostile_workflow():',
        '    return hostile()',
        '',
      ].join('\n'),
    );
    const hostileId = await dispatchByValue(env, 'hostile_output', 'hostile_workflow', '');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, hostileId), 'COMPLETED');
    const panel = await openPanel(hostileId);
    const drawn = await probeUntil(panel, (report) => report.nodes.some((node) => node.name === 'hostile' && node.status === 'COMPLETED'), 'the hostile task');
    const task = drawn.nodes.find((node) => node.name === 'hostile');
    assert.ok(task);
    panel.select(task.nodeId);
    const report = await probeUntil(panel, (current) => current.detailsText.includes('Stdout<script>'), 'the hostile stdout');
    assert.ok(report.detailsText.includes('Result<script>window.__covalentInjected = 1</script><img src=x onerror="window.__covalentInjected = 2"><b>bold</b>'), 'the result is shown as text');
    assert.ok(report.detailsText.includes('Stdout<script>window.__covalentInjected = 1</script>'), 'stdout is shown as text');
    assert.strictEqual(report.foreignElements, 0, `no element came from the data (found ${report.foreignTags?.join(', ')}; scripts: ${report.scripts?.join(', ')})`);
    // Give an onerror handler time to fire if an <img> had been created.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.strictEqual((await panel.probe()).injectedScriptRan, false, 'no script from the data ran');
  });

  it('goes from a task to its definition in the workspace', async () => {
    const panel = api.services.panels.get(dispatchId);
    assert.ok(panel);
    const task1 = (await serverGraph(env.serverAddress, dispatchId)).nodes.find((node) => node.name === 'task_1');
    assert.ok(task1);
    await panel.goToTaskSource(task1.nodeId);
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is open');
    assert.strictEqual(path.basename(editor.document.uri.fsPath), 'redispatch_howto.py');
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^def task_1\(/);
  });

  it('cuts a large result and shows all of it on request', async () => {
    fs.writeFileSync(
      path.join(scratchFolder, 'large_result.py'),
      ['import covalent as ct', '', '@ct.electron', 'def produce():', '    return "x" * 40000 + "THE" + "-END"', '', '@ct.lattice', 'def large_result():', '    return produce()', ''].join('\n'),
    );
    const largeId = await dispatchByValue(env, 'large_result', 'large_result', '');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, largeId), 'COMPLETED');
    const panel = await openPanel(largeId);
    const drawn = await probeUntil(panel, (report) => report.nodes.some((node) => node.name === 'produce' && node.status === 'COMPLETED'), 'the produce task');
    panel.select(drawn.nodes.find((node) => node.name === 'produce')!.nodeId);
    const cut = await probeUntil(panel, (report) => /Show all/.test(report.detailsText), 'a cut result');
    assert.ok(!cut.detailsText.includes('THE-END'), 'only the start of the result is shown at first');
    panel.pressShowAll('result');
    const full = await probeUntil(panel, (report) => report.detailsText.includes('THE-END'), 'the whole result');
    assert.ok(full.detailsText.includes('x'.repeat(40000)));
  });

  it('reaches a sublattice’s own dispatch from its node', async () => {
    fs.writeFileSync(
      path.join(scratchFolder, 'nested_workflow.py'),
      [
        'import sys',
        'import cloudpickle',
        'import covalent as ct',
        '',
        '# The sublattice is built on the server: its function must travel by value, registered before the decorators run.',
        'cloudpickle.register_pickle_by_value(sys.modules[__name__])',
        '',
        '@ct.electron',
        'def square(x):',
        '    return x * x',
        '',
        '@ct.electron',
        '@ct.lattice',
        'def inner(x):',
        '    return square(x)',
        '',
        '@ct.lattice',
        'def outer(x):',
        '    return inner(x)',
        '',
      ].join('\n'),
    );
    const outerId = await dispatchByValue(env, 'nested_workflow', 'outer', '3');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, outerId), 'COMPLETED');
    const panel = await openPanel(outerId);
    const drawn = await probeUntil(panel, (report) => report.nodes.some((node) => node.kind === 'sublattice' && node.status === 'COMPLETED'), 'the sublattice node');
    const subNode = drawn.nodes.find((node) => node.kind === 'sublattice');
    assert.ok(subNode);
    const server = await getJson<{ graph: { nodes: { node_id: number; sublattice_dispatch_id: string | null }[] } }>(`${env.serverAddress}/api/v1/dispatches/${outerId}/graph`);
    const subDispatchId = server.graph.nodes.find((node) => node.node_id === subNode.nodeId)?.sublattice_dispatch_id;
    assert.ok(subDispatchId, 'the server names the sublattice’s dispatch');
    await panel.openSublattice(subNode.nodeId);
    const subPanel = api.services.panels.get(subDispatchId);
    assert.ok(subPanel, 'a panel opened for the sublattice’s dispatch');
    const inner = await probeUntil(subPanel, (report) => report.nodes.some((node) => node.name === 'square' && node.status === 'COMPLETED'), 'the sublattice’s tasks');
    assert.ok(inner.nodes.every((node) => node.name !== 'inner'));
  });

  it('restores a panel VS Code kept across a reload from the state its page saved', async () => {
    api.services.panels.get(dispatchId)?.close();
    // What VS Code hands the serializer after a reload: an empty panel of our type and the saved state.
    const kept = vscode.window.createWebviewPanel('covalent.result', 'restored', vscode.ViewColumn.Active, { enableScripts: true });
    const expected = await serverGraph(env.serverAddress, dispatchId);
    const task1 = expected.nodes.find((node) => node.name === 'task_1');
    assert.ok(task1);
    const restored = api.services.panels.restore(kept, { dispatchId, selectedNodeId: task1.nodeId, tab: 'task' });
    assert.ok(restored, 'the panel was adopted');
    assert.strictEqual(api.services.panels.get(dispatchId), restored);
    const report = await probeUntil(restored, (drawn) => drawn.nodes.length === expected.nodes.length && /def task_1/.test(drawn.detailsText), 'the restored graph and selection');
    assert.strictEqual(report.selectedNodeId, task1.nodeId);
    const junk = vscode.window.createWebviewPanel('covalent.result', 'junk', vscode.ViewColumn.Active, {});
    assert.strictEqual(api.services.panels.restore(junk, { dispatchId: '<script>' }), undefined, 'state that is not a panel’s is refused');
  });

  it('rejects a malformed id with a clear message and says when the server does not know a dispatch', async () => {
    await assert.rejects(() => Promise.resolve(vscode.commands.executeCommand('covalent.openResult', { dispatchId: '<img src=x>' })), /not a Covalent dispatch id/);
    await assert.rejects(() => Promise.resolve(vscode.commands.executeCommand('covalent.openResult', { id: 1 })), /needs \{ dispatchId/);
    const unknown = '00000000-0000-4000-8000-000000000000';
    const panel = await openPanel(unknown);
    const report = await probeUntil(panel, (drawn) => /does not know dispatch/.test(drawn.header), 'the unknown-dispatch message');
    assert.strictEqual(report.nodes.length, 0);
  });
});
