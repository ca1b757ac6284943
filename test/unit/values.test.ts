import * as assert from 'assert';
import type { DispatchManifest, ManifestNode } from '../../src/covalent/manifest';
import { BridgeError } from '../../src/bridge/protocol';
import { isValueName } from '../../src/values/rendered';
import { sanitizeHtml } from '../../src/values/sanitizeHtml';
import { loadingCode, saveChoices } from '../../src/values/valueActions';
import { drawValue, type ValueServer } from '../../src/values/valueRenderer';
import { locatedBytes, locateValue } from '../../src/values/valueSources';
import { valueAsText } from '../../src/values/valueText';
import { ResultPreviews } from '../../src/store/resultPreviews';

/** The pure parts of drawn values: where a value lives, what is sent, sanitizing, saving, previews. */

const asset = (name: string, size: number) => ({ remoteUri: `http://server/api/v0/files/d/${name}`, size });

function node(nodeId: number, name: string, assets: ManifestNode['assets'], status = 'COMPLETED'): ManifestNode {
  return { nodeId, name, status, assets };
}

const manifest: DispatchManifest = {
  dispatchId: 'd',
  status: 'COMPLETED',
  assets: { result: asset('result.tobj', 300) },
  latticeAssets: { inputs: asset('inputs.tobj', 100), workflow_function: asset('function.tobj', 50) },
  nodes: new Map([
    [0, node(0, ':parameter:3', { value: asset('0/value.tobj', 10), output: { remoteUri: 'http://server/api/v0/files/d/0/output.tobj', size: 0 } })],
    [1, node(1, 'table', { output: asset('1/output.tobj', 25 * 1024 * 1024) })],
    [2, node(2, 'summary', { output: asset('2/output.tobj', 40) })],
    [3, node(3, 'later', { output: { remoteUri: 'http://server/api/v0/files/d/3/output.tobj', size: 0 } }, 'RUNNING')],
  ]),
  links: [
    { source: 1, target: 2, name: 'frame', paramType: 'arg', argIndex: 0 },
    { source: 0, target: 2, name: 'scale', paramType: 'kwarg' },
    { source: 1, target: 2, name: '!waiting_edge' },
  ],
};

describe('Values: where a dispatch keeps each value', () => {
  it('finds a task’s result, and its inputs as its parents’ outputs (a literal’s value), in Covalent’s order', () => {
    assert.deepStrictEqual(locateValue(manifest, 1, 'result'), { values: [{ name: 'result', asset: manifest.nodes.get(1)?.assets.output }] });
    const inputs = locateValue(manifest, 2, 'inputs');
    assert.ok('values' in inputs);
    assert.deepStrictEqual(inputs.values.map((entry) => entry.name), ['frame', 'scale']);
    assert.strictEqual(inputs.values[1]?.asset.remoteUri, 'http://server/api/v0/files/d/0/value.tobj');
    assert.deepStrictEqual(locateValue(manifest, 2, 'input:scale'), { values: [inputs.values[1]] });
  });

  it('says what is missing, in words', () => {
    assert.deepStrictEqual(locateValue(manifest, 3, 'result'), { missing: 'later has no result yet (running).' });
    assert.deepStrictEqual(locateValue(manifest, 9, 'result'), { missing: 'Dispatch d has no task 9.' });
    assert.deepStrictEqual(locateValue(manifest, 2, 'input:nope'), { missing: 'summary has no input nope (its inputs: frame, scale).' });
  });

  it('names a workflow’s inputs by its function, and weighs what would be downloaded', () => {
    const located = locateValue(manifest, undefined, 'input:rows');
    assert.ok('values' in located);
    assert.deepStrictEqual(located.values[0]?.workflowInputs, { functionAsset: manifest.latticeAssets.workflow_function, pick: 'rows' });
    assert.strictEqual(locatedBytes(located.values), 100);
  });

  it('accepts value names the API documents and nothing else', () => {
    for (const good of ['result', 'inputs', 'input:x']) assert.ok(isValueName(good), good);
    for (const bad of ['output', 'input:', '', 3, 'input:' + 'x'.repeat(400)]) assert.ok(!isValueName(bad), String(bad));
  });
});

describe('Values: drawing one (the bridge stubbed: this is the editor’s side)', () => {
  const server = (texts: Record<string, string> = {}): ValueServer => ({
    serverAddress: 'http://server',
    manifest: () => Promise.resolve(manifest),
    assetUrl: (uri) => uri.replace('http://server', 'http://configured'),
    archiveText: (found) => Promise.resolve({ text: texts[found.remoteUri ?? ''] ?? 'text form', truncated: false }),
  });

  it('announces a value over the limit by its size and never asks the bridge', async () => {
    let asked = 0;
    const drawn = await drawValue(server(), () => (asked++, Promise.reject(new Error('no'))), { dispatchId: 'd', taskId: 1, value: 'result' }, { limitBytes: 20 * 1024 * 1024 });
    assert.deepStrictEqual(drawn.value, { kind: 'large', bytes: 25 * 1024 * 1024, limitBytes: 20 * 1024 * 1024 });
    assert.strictEqual(asked, 0);
  });

  it('sends the configured server’s addresses, takes pictures out by id and sanitizes HTML', async () => {
    let sent: unknown;
    const drawn = await drawValue(
      server(),
      (params) => {
        sent = params;
        return Promise.resolve({
          values: [{ name: 'result', value: { kind: 'mapping', type: 'dict', length: 2, entries: [
            { key: 'plot', value: { kind: 'image', mime: 'image/png', width: 4, height: 3, data: Buffer.from('png!').toString('base64') } },
            { key: 'page', value: { kind: 'html', html: '<b>x</b><script>alert(1)</script><i onclick="y()">z</i>' } },
          ] } }],
        });
      },
      { dispatchId: 'd', taskId: 2, value: 'result' },
      { limitBytes: 1e9, pixelRatio: 2 },
    );
    assert.deepStrictEqual(sent, { dispatcherAddress: 'http://server', values: [{ name: 'result', url: 'http://configured/api/v0/files/d/2/output.tobj' }], pixelRatio: 2, offset: undefined, rows: undefined });
    assert.strictEqual(drawn.value.kind, 'mapping');
    const [plot, page] = drawn.value.kind === 'mapping' ? drawn.value.entries : [];
    assert.deepStrictEqual(plot?.value, { kind: 'image', id: 'picture-1', mime: 'image/png', width: 4, height: 3, bytes: 4 });
    assert.strictEqual(Buffer.from(drawn.pictures.get('picture-1') ?? []).toString(), 'png!');
    assert.deepStrictEqual(page?.value, { kind: 'html', html: '<b>x</b><i>z</i>' });
  });

  it('shows the server’s text, with why, when the value does not unpickle here', async () => {
    const drawn = await drawValue(
      server({ 'http://server/api/v0/files/d/2/output.tobj': '{...}' }),
      () => Promise.reject(new BridgeError("the result needs the module 'torch'", { kind: 'notUnpicklable' })),
      { dispatchId: 'd', taskId: 2, value: 'result' },
      { limitBytes: 1e9 },
    );
    assert.deepStrictEqual(drawn.value, { kind: 'text', text: '{...}', truncated: false, note: "Shown as the server's text: the result needs the module 'torch'" });
  });

  it('lets other bridge failures through (a dead bridge is not a value)', async () => {
    await assert.rejects(
      drawValue(server(), () => Promise.reject(new BridgeError('died', { kind: 'bridgeDied' })), { dispatchId: 'd', taskId: 2, value: 'result' }, { limitBytes: 1e9 }),
      /died/,
    );
  });
});

describe('Values: sanitizing HTML', () => {
  it('keeps text and tables, drops what runs, loads or dresses as the page', () => {
    const html = sanitizeHtml(
      '<table class="dataframe action" border="1"><tr><th scope="col" style="x">a</th><td colspan="2" onmouseover="x()">1</td></tr></table>' +
        '<img src=x onerror=alert(1)><svg><script>alert(2)</script></svg><a href="javascript:alert(3)">link</a><style>body{}</style><iframe src="x"></iframe>',
    );
    assert.strictEqual(html, '<table><tr><th scope="col">a</th><td colspan="2">1</td></tr></table>link');
  });
});

describe('Values: saving and loading code', () => {
  it('offers the formats of each kind, and the pickle for anything', () => {
    assert.deepStrictEqual(saveChoices({ kind: 'image', mime: 'image/png', width: 1, height: 1, bytes: 1 }).map((choice) => choice.extension), ['png', 'pkl']);
    assert.deepStrictEqual(
      saveChoices({ kind: 'table', type: 'dataframe', columns: [], dtypes: [], columnCount: 0, rowCount: 3, offset: 0, index: [], rows: [] }).map((choice) => choice.extension),
      ['csv', 'parquet', 'pkl'],
    );
    assert.deepStrictEqual(saveChoices({ kind: 'array', shape: [2], dtype: 'int64', size: 2, preview: '' }).map((choice) => choice.extension), ['npy', 'pkl']);
    assert.deepStrictEqual(saveChoices(undefined).map((choice) => choice.extension), ['pkl']);
  });

  it('writes ct.get_result code with the ids quoted as Python strings', () => {
    assert.strictEqual(
      loadingCode({ dispatchId: 'abc"d', taskId: 4, value: 'result' }, 'http://x:1'),
      'import covalent as ct\n\nresult = ct.get_result("abc\\"d", wait=False, dispatcher_addr="http://x:1")\nvalue = result.get_node_result(4)["output"].get_deserialized()\n',
    );
    assert.match(loadingCode({ dispatchId: 'd', value: 'result' }, 'http://x'), /value = result\.result\n$/);
  });
});

describe('Result previews for the tree’s tooltips', () => {
  it('previews a short one-line result, reads each once, and keeps no long one', async () => {
    const reads: string[] = [];
    const previews = new ResultPreviews((dispatchId, nodeIds) => {
      reads.push(`${dispatchId}/${nodeIds.join(',')}`);
      return Promise.resolve(new Map([[1, '42'], [2, 'x'.repeat(100)], [3, 'a\nb']]));
    });
    assert.strictEqual(await previews.preview('d', 1), '42');
    assert.strictEqual(await previews.preview('d', 1), '42');
    assert.strictEqual(await previews.preview('d', 2), undefined);
    assert.strictEqual(await previews.preview('d', 3), undefined);
    assert.strictEqual(await previews.preview('d', 2), undefined);
    assert.deepStrictEqual(reads, ['d/1', 'd/2', 'd/3']);
  });

  it('asks again after a failed read', async () => {
    let fail = true;
    const previews = new ResultPreviews(() => (fail ? Promise.reject(new Error('offline')) : Promise.resolve(new Map([[1, '7']]))));
    assert.strictEqual(await previews.preview('d', 1), undefined);
    fail = false;
    assert.strictEqual(await previews.preview('d', 1), '7');
  });
});

describe('Values as text (the task diff)', () => {
  it('puts a table in aligned columns under its header and dtypes, and a dict’s entries indented', () => {
    const text = valueAsText({
      kind: 'mapping',
      type: 'dict',
      length: 2,
      entries: [
        { key: 'frame', kind: 'table', value: { kind: 'table', type: 'dataframe', columns: ['x', 'label'], dtypes: ['int64', 'str'], columnCount: 2, rowCount: 3, offset: 0, index: ['0', '1'], rows: [['5', 'a'], ['10', 'bb']] } },
        { key: 'plot', kind: 'image', value: { kind: 'image', mime: 'image/png', width: 640, height: 480, bytes: 2048, source: 'matplotlib figure' } },
      ],
    });
    assert.strictEqual(
      text,
      [
        'dict · 2 entries',
        'frame:',
        '  DataFrame · 3 rows × 2 columns (the first 2)',
        '     x (int64)  label (str)',
        '  0          5            a',
        '  1         10           bb',
        'plot:',
        '  picture: matplotlib figure, 640 × 480 px, image/png, 2,048 bytes',
      ].join('\n'),
    );
  });
});
