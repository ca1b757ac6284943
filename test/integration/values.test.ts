import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CovalentExtensionApi } from '../../src/extension';
import type { RenderedValue } from '../../src/values/rendered';
import { loadingCode } from '../../src/values/valueActions';
import type { ValueReport } from '../../src/webview/valueProtocol';
import type { ResultPanel } from '../../src/webview/resultPanel';
import { testEnvironment } from './support/env';
import { waitForTerminalStatus } from './support/covalentRest';
import { extensionApi, lastLine, runPython, waitFor } from './support/dispatching';
import { probeUntil, serverGraph } from './support/panels';
import { proxyStats } from './support/proxy';

/**
 * Values people look at: tasks of a real dispatch return a matplotlib figure, a
 * pandas table, numpy arrays, a dict of them, markup, and a 40 MB array; the
 * bridge draws them from the server's pickles (numpy, pandas and matplotlib are
 * in the test environment) and the panel paints them.
 */
const scratchFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-values-test-'));

const HOSTILE_MODULE = `
import covalent as ct
import numpy as np


class Markup:
    """A value whose HTML and text try to run script in the panel."""

    def _repr_html_(self):
        return (
            '<b>bold</b><img src=x onerror="window.__covalentInjected=1">'
            '<script>window.__covalentInjected=2</script>'
            '<a href="javascript:window.__covalentInjected=3" onclick="window.__covalentInjected=4">link</a>'
            '<table><tr><th>k</th><td style="color:red" onmouseover="x()">v</td></tr></table>'
        )

    def __str__(self):
        return '<script>window.__covalentInjected=5</script><img src=x onerror="window.__covalentInjected=6">'


@ct.electron
def markup():
    return Markup()


@ct.electron
def big(megabytes):
    return np.zeros(megabytes * 1024 * 1024 // 8)


@ct.electron
def count():
    return 42


@ct.lattice
def hostile(megabytes=40):
    return {"markup": markup(), "big": big(megabytes), "count": count()}
`;

async function dispatchByValue(env: ReturnType<typeof testEnvironment>, module: string, lattice: string, args: string): Promise<string> {
  const script = ['import sys, cloudpickle, covalent as ct', `import ${module}`, `cloudpickle.register_pickle_by_value(${module})`, `print(ct.dispatch(${module}.${lattice}, dispatcher_addr=sys.argv[1])(${args}))`].join('\n');
  return lastLine(await runPython(env, script, { morePaths: [scratchFolder], timeoutMs: 120000 }));
}

function renderValue(argument: { dispatchId: string; taskId?: number; value: string }): Thenable<RenderedValue> {
  return vscode.commands.executeCommand<RenderedValue>('covalent.renderValue', argument);
}

describe('Values: figures, tables and arrays drawn from a real dispatch', function () {
  this.timeout(300000);
  const env = testEnvironment();
  let api: CovalentExtensionApi;
  let gallery: string;
  let hostile: string;
  /** The gallery redispatched with other inputs (the Compare tab's test makes it). */
  let redispatched: string;
  const tasks = new Map<string, number>();
  const hostileTasks = new Map<string, number>();

  before(async () => {
    api = await extensionApi();
    fs.writeFileSync(path.join(scratchFolder, 'hostile_values.py'), HOSTILE_MODULE);
    gallery = await dispatchByValue(env, 'rich_values', 'gallery', 'rows=1000, size=8');
    hostile = await dispatchByValue(env, 'hostile_values', 'hostile', '40');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, gallery), 'COMPLETED');
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, hostile), 'COMPLETED');
    for (const [id, names] of [
      [gallery, tasks],
      [hostile, hostileTasks],
    ] as const) {
      for (const node of (await serverGraph(env.serverAddress, id)).nodes) names.set(node.name, node.nodeId);
    }
  });

  after(() => {
    for (const panel of api.services.panels.all()) panel.close();
  });

  function task(name: string, from = tasks): number {
    const id = from.get(name);
    assert.ok(id !== undefined, `the dispatch has a task ${name} (${[...from.keys()].join(', ')})`);
    return id;
  }

  it('covalent.renderValue gives a figure as a PNG of its pixel size', async () => {
    const drawn = await renderValue({ dispatchId: gallery, taskId: task('figure'), value: 'result' });
    assert.strictEqual(drawn.kind, 'image', JSON.stringify(drawn).slice(0, 300));
    assert.strictEqual(drawn.mime, 'image/png');
    // figsize (4, 3) at dpi 100, drawn for a pixel ratio of 1.
    assert.deepStrictEqual([drawn.width, drawn.height], [400, 300]);
    assert.ok(drawn.bytes > 1000, `a real picture (${drawn.bytes} bytes)`);
  });

  it('gives a DataFrame as a table: its columns, dtypes and row count', async () => {
    const drawn = await renderValue({ dispatchId: gallery, taskId: task('table'), value: 'result' });
    assert.strictEqual(drawn.kind, 'table', JSON.stringify(drawn).slice(0, 300));
    assert.deepStrictEqual(drawn.columns, ['x', 'y', 'label']);
    assert.strictEqual(drawn.rowCount, 1000);
    assert.deepStrictEqual(drawn.dtypes.slice(0, 2), ['int64', 'float64']);
    assert.strictEqual(drawn.rows.length, 50, 'only the first page of rows is sent');
    assert.deepStrictEqual(drawn.rows[1], ['1', '2.5', 'row 1']);
  });

  it('gives an array its shape, dtype and statistics, and a small one a heat map', async () => {
    const drawn = await renderValue({ dispatchId: gallery, taskId: task('array'), value: 'result' });
    assert.strictEqual(drawn.kind, 'array', JSON.stringify(drawn).slice(0, 300));
    assert.deepStrictEqual(drawn.shape, [8, 8]);
    assert.strictEqual(drawn.dtype, 'float64');
    assert.deepStrictEqual([drawn.min, drawn.max, drawn.mean], [0, 63, 31.5]);
    assert.strictEqual(drawn.heatmap?.length, 8);
  });

  it('gives dicts their entries, each drawn, and inputs by name', async () => {
    const drawn = await renderValue({ dispatchId: gallery, value: 'result' });
    assert.strictEqual(drawn.kind, 'mapping', JSON.stringify(drawn).slice(0, 300));
    assert.deepStrictEqual(
      drawn.entries.map((entry) => `${entry.key}:${entry.kind}`),
      ['figure:image', 'table:table', 'array:array', 'summary:mapping'],
    );
    const rows = await renderValue({ dispatchId: gallery, value: 'input:rows' });
    assert.deepStrictEqual(rows.kind === 'text' && rows.text, '1000');
    const inputs = await renderValue({ dispatchId: gallery, taskId: task('summary'), value: 'inputs' });
    assert.strictEqual(inputs.kind, 'mapping');
    assert.deepStrictEqual(
      inputs.entries.map((entry) => `${entry.key}:${entry.kind}`),
      ['frame:table', 'matrix:array'],
    );
  });

  it('answers bad requests in words', async () => {
    await assert.rejects(Promise.resolve(renderValue({ dispatchId: gallery, value: 'output' })), /'result', 'inputs' or 'input:NAME'/);
    const missing = await renderValue({ dispatchId: gallery, taskId: task('summary'), value: 'input:nope' });
    assert.strictEqual(missing.kind, 'missing');
    assert.match(missing.kind === 'missing' ? missing.message : '', /has no input nope \(its inputs: frame, matrix\)/);
  });

  it('sanitizes markup: HTML keeps its text and tables, nothing that runs', async () => {
    const drawn = await renderValue({ dispatchId: hostile, taskId: task('markup', hostileTasks), value: 'result' });
    assert.strictEqual(drawn.kind, 'html', JSON.stringify(drawn).slice(0, 300));
    assert.match(drawn.html, /<b>bold<\/b>/);
    assert.match(drawn.html, /<td>v<\/td>/);
    assert.doesNotMatch(drawn.html, /script|onerror|onclick|onmouseover|javascript:|<img|style=/i);
  });

  it('saves a table as CSV, an array as .npy and anything as its pickle, and copies code that loads it', async () => {
    const folder = fs.mkdtempSync(path.join(scratchFolder, 'saved-'));
    const csv = path.join(folder, 'table.csv');
    await api.services.values.export({ dispatchId: gallery, taskId: task('table'), value: 'result' }, 'csv', csv);
    const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
    assert.deepStrictEqual([lines.length, lines[0], lines[2]], [1001, ',x,y,label', '1,1,2.5,row 1']);
    const npy = path.join(folder, 'array.npy');
    await api.services.values.export({ dispatchId: gallery, taskId: task('array'), value: 'result' }, 'npy', npy);
    assert.strictEqual(fs.readFileSync(npy).subarray(0, 6).toString('latin1'), '\x93NUMPY');
    await assert.rejects(api.services.values.export({ dispatchId: gallery, taskId: task('figure'), value: 'result' }, 'csv', csv), /cannot be written as csv/);

    const pickle = await api.services.values.pickle({ dispatchId: gallery, taskId: task('figure'), value: 'result' });
    assert.ok(pickle);
    fs.writeFileSync(path.join(folder, 'figure.pkl'), pickle);
    const code = loadingCode({ dispatchId: gallery, taskId: task('table'), value: 'result' }, env.serverAddress);
    const printed = await runPython(env, [
      'import pickle',
      `figure = pickle.load(open(${JSON.stringify(path.join(folder, 'figure.pkl'))}, "rb"))`,
      'print(type(figure).__name__, [int(size) for size in figure.get_size_inches() * figure.dpi])',
      code,
      'print(type(value).__name__, value.shape)',
    ].join('\n'));
    assert.match(printed, /Figure \[400, 300\]\s+DataFrame \(1000, 3\)/);
  });

  it('announces a 40 MB result by its size and downloads it only when asked', async () => {
    const bigTask = task('big', hostileTasks);
    // Through the authenticating proxy, which counts the bytes of every asset it sends.
    await vscode.commands.executeCommand('covalent.setServerToken', { address: env.proxyAddress, token: env.proxyToken });
    api.services.store.track(hostile, { serverAddress: env.proxyAddress });
    try {
      await proxyStats(env.proxyAddress, true);
      const drawn = await renderValue({ dispatchId: hostile, taskId: bigTask, value: 'result' });
      assert.strictEqual(drawn.kind, 'large', JSON.stringify(drawn).slice(0, 300));
      assert.ok(drawn.bytes > 40 * 1024 * 1024, `its size from the manifest (${drawn.bytes})`);
      assert.strictEqual(drawn.limitBytes, 20 * 1024 * 1024);
      const before = await proxyStats(env.proxyAddress);
      const downloaded = Object.entries(before.assetBytes).filter(([, bytes]) => bytes > 1024 * 1024);
      assert.deepStrictEqual(downloaded, [], 'no large asset went through the proxy');

      const panel = await openPanel(hostile);
      panel.select(bigTask);
      const announced = await valueReport(panel, bigTask, 'result', (value) => value.kind === 'large');
      // The archive holds the pickle in base64: 40 MB of floats are 53.3 MB on the server.
      assert.match(announced.text, /^53\.3 MB: larger than 20\.0 MB \(covalent\.maxValueMB\), so it was not downloaded/);
      assert.deepStrictEqual(Object.entries((await proxyStats(env.proxyAddress)).assetBytes).filter(([, bytes]) => bytes > 1024 * 1024), [], 'the panel did not download it either');

      panel.pressValueButton(bigTask, 'result', 'fetch');
      const fetched = await valueReport(panel, bigTask, 'result', (value) => value.kind === 'array', 120000);
      assert.match(fetched.shapeLine ?? '', /shape \(5242880,\) · float64 · min 0 · max 0 · mean 0/);
      const after = await proxyStats(env.proxyAddress);
      const total = Object.values(after.assetBytes).reduce((sum, bytes) => sum + bytes, 0);
      assert.ok(total > 40 * 1024 * 1024, `Fetch downloaded it through the proxy (${total} bytes)`);
    } finally {
      api.services.panels.get(hostile)?.close();
      api.services.store.remove(hostile);
      await vscode.commands.executeCommand('covalent.setServerToken', { address: env.proxyAddress, token: '' });
    }
  });

  async function openPanel(id: string): Promise<ResultPanel> {
    await vscode.commands.executeCommand('covalent.openResult', { dispatchId: id });
    const panel = api.services.panels.get(id);
    assert.ok(panel, 'covalent.openResult opened a panel');
    return panel;
  }

  async function valueReport(panel: ResultPanel, nodeId: number | null, value: string, accept: (report: ValueReport) => boolean, timeoutMs = 60000): Promise<ValueReport> {
    const report = await probeUntil(
      panel,
      (drawn) => (drawn.values ?? []).some((entry) => entry.nodeId === nodeId && entry.value === value && accept(entry)),
      `the ${value} of ${nodeId ?? 'the workflow'} painted`,
      timeoutMs,
    );
    const found = (report.values ?? []).find((entry) => entry.nodeId === nodeId && entry.value === value && accept(entry));
    assert.ok(found);
    return found;
  }

  it('paints each kind in the panel: the picture at its size, the table’s header and count, the shape line', async () => {
    const panel = await openPanel(gallery);
    panel.select(task('figure'));
    const figure = await valueReport(panel, task('figure'), 'result', (value) => value.kind === 'image' && (value.naturalWidth ?? 0) > 0);
    const ratio = figure.naturalWidth !== undefined ? figure.naturalWidth / 400 : 0;
    assert.ok(ratio >= 1 && Number.isInteger(ratio * 2), `drawn for the page's pixel ratio (${figure.naturalWidth} px wide)`);
    assert.strictEqual(figure.naturalHeight, 300 * ratio);

    panel.select(task('table'));
    const table = await valueReport(panel, task('table'), 'result', (value) => value.kind === 'table');
    assert.deepStrictEqual(table.header, ['', 'x', 'y', 'label']);
    assert.strictEqual(table.rowsShown, 50);
    assert.match(table.countLine ?? '', /50 of 1,000 rows shown/);
    panel.pressValueButton(task('table'), 'result', 'more');
    const more = await valueReport(panel, task('table'), 'result', (value) => (value.rowsShown ?? 0) === 100);
    assert.match(more.countLine ?? '', /100 of 1,000 rows shown/);

    panel.select(task('array'));
    const array = await valueReport(panel, task('array'), 'result', (value) => value.kind === 'array');
    assert.match(array.shapeLine ?? '', /^ndarray · shape \(8, 8\) · float64 · min 0 · max 63 · mean 31\.5$/);
    assert.strictEqual(array.heatmapCells, 64);

    panel.showTab('workflow');
    const result = await valueReport(panel, null, 'result', (value) => value.kind === 'mapping');
    assert.deepStrictEqual(result.entries, ['figure', 'table', 'array', 'summary']);
    const inputs = await valueReport(panel, null, 'inputs', (value) => value.kind === 'mapping');
    assert.deepStrictEqual(inputs.entries, ['rows', 'size']);
    panel.showTab('task');
  });

  it('shows a task’s result next to its parent’s in the Compare tab: a table next to a table', async () => {
    redispatched = await vscode.commands.executeCommand<string>('covalent.redispatch', { dispatchId: gallery, args: 'rows=20, size=4' });
    assert.strictEqual(await waitForTerminalStatus(env.serverAddress, redispatched), 'COMPLETED');
    const panel = await openPanel(redispatched);
    panel.showTab('compare');
    await probeUntil(panel, (drawn) => drawn.compareRows > 0, 'the comparison with the parent');
    panel.pressValueButton(task('table'), 'result', 'sideBySide');
    const report = await probeUntil(
      panel,
      (drawn) => (drawn.values ?? []).filter((value) => value.nodeId === task('table') && value.kind === 'table').length === 2,
      'both tables painted',
    );
    const tables = (report.values ?? []).filter((value) => value.nodeId === task('table') && value.kind === 'table');
    const parent = tables.find((value) => value.dispatchId === gallery);
    const now = tables.find((value) => value.dispatchId === undefined);
    assert.match(parent?.countLine ?? '', /50 of 1,000 rows shown/);
    assert.strictEqual(now?.countLine, '20 rows');
    assert.deepStrictEqual(now?.header, parent?.header);
    panel.close();
  });

  it('compares a task across dispatches: tables drawn in the text diff, figures in an image diff', async () => {
    assert.ok(redispatched, 'the test before redispatched the gallery');
    const tables = await vscode.commands.executeCommand<{ left: vscode.Uri; right: vscode.Uri; pictures?: unknown }>('covalent.compareTask', { dispatchId: redispatched, otherDispatchId: gallery, taskId: task('table') });
    const [now, before] = await Promise.all([vscode.workspace.openTextDocument(tables.left), vscode.workspace.openTextDocument(tables.right)]);
    assert.match(now.getText(), /── Result, drawn ──\nDataFrame · 20 rows × 3 columns\n +x \(int64\) +y \(float64\) +label \(str\)\n +0 +0 +0\.0 +row 0/);
    assert.match(before.getText(), /DataFrame · 1,000 rows × 3 columns \(the first 50\)/);
    assert.strictEqual(tables.pictures, undefined, 'tables are no pictures');
    const figures = await vscode.commands.executeCommand<{ pictures?: { left: vscode.Uri; right: vscode.Uri } }>('covalent.compareTask', { dispatchId: redispatched, otherDispatchId: gallery, taskId: task('figure') });
    assert.ok(figures.pictures, 'both figures side by side');
    for (const picture of [figures.pictures.left, figures.pictures.right]) {
      const bytes = await vscode.workspace.fs.readFile(picture);
      assert.strictEqual(Buffer.from(bytes.subarray(1, 4)).toString(), 'PNG');
    }
    const shown = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
    // VS Code's image diff names its tab by the two files.
    assert.ok(shown.some((tab) => /^figure-[0-9a-f]{8}\.png ↔ figure-[0-9a-f]{8}\.png$/.test(tab.label)), `the picture diff is open (${shown.map((tab) => tab.label).join(', ')})`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows a small result in the Dispatches tree’s tooltip of its task', async () => {
    if (!api.services.store.get(hostile)) api.services.store.track(hostile, { serverAddress: env.serverAddress });
    const watch = api.services.store.watchGraph(hostile);
    try {
      await waitFor('the graph in the store', () => api.services.store.graph(hostile)?.tasks.some((entry) => entry.name === 'count' && entry.status === 'COMPLETED'), 60000);
      const tree = api.services.liveViews.tree;
      const resolve = (name: string) => tree.resolveTreeItem(new vscode.TreeItem(name), { kind: 'task', dispatchId: hostile, nodeId: task(name, hostileTasks) });
      const small = await resolve('count');
      assert.match((small.tooltip as vscode.MarkdownString).value, /Result `42`/);
      // numpy's own short form of 5 million zeros is one line: that is a preview too.
      assert.match(((await resolve('big')).tooltip as vscode.MarkdownString).value, /Result `\[0\. 0\. 0\. \.\.\. 0\. 0\. 0\.\]`/);
      const long = await resolve('markup');
      assert.strictEqual(long.tooltip, undefined, 'a long result is for the panel, not the tooltip');
    } finally {
      watch.dispose();
    }
  });

  it('never lets markup in a result run in the panel', async () => {
    const panel = await openPanel(hostile);
    panel.select(task('markup', hostileTasks));
    await valueReport(panel, task('markup', hostileTasks), 'result', (value) => value.kind === 'html' && /bold/.test(value.text));
    const report = await panel.probe();
    assert.strictEqual(report.injectedScriptRan, false);
    assert.strictEqual(report.eventHandlerAttributes, 0, 'no element carries an on… handler');
    assert.deepStrictEqual(report.foreignTags, [], 'nothing but sanitized markup got into the page');
    assert.strictEqual(report.foreignElements, 0);
    panel.close();
  });
});
