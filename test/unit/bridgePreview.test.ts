import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgePool } from '../../src/bridge/bridgePool';
import type { PreviewParams, PreviewResult } from '../../src/bridge/protocol';
import { bridgePackage, MemoryLogger, rejection, venvPython } from './bridgeSupport';

/**
 * The bridge's previewGraph with a real interpreter and no server at all: the
 * graph Covalent builds for a dispatch, in the server's graph shape, with each
 * node's function and where it is defined.
 */
describe('Python bridge: graph preview (real interpreter, no server)', function () {
  this.timeout(60000);
  let python: string;
  let workspace: string;
  let pool: BridgePool;
  const file = (name: string) => path.join(workspace, name);
  const preview = (params: Omit<PreviewParams, 'workspaceFolders'>): Promise<PreviewResult> => pool.request(python, 'previewGraph', { ...params, workspaceFolders: [workspace] });

  before(() => {
    python = venvPython();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bridge-preview-'));
    const write = (name: string, lines: string[]) => {
      fs.mkdirSync(path.dirname(file(name)), { recursive: true });
      fs.writeFileSync(file(name), lines.join('\n') + '\n');
    };
    write('steps.py', ['import covalent as ct', '', '@ct.electron', 'def add(a, b):', '    return a + b']);
    write('flow.py', [
      'import covalent as ct',
      'from steps import add',
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
      'def flow(a, b):',
      '    total = add(a, b)',
      '    return [square(total), inner(total)]',
      '',
      'def check(n):',
      '    return 1 / n',
      '',
      '@ct.lattice',
      'def fragile(n):',
      '    check(n)',
      '    return square(n)',
      '',
      '@ct.lattice',
      'def sweep(n):',
      '    return [square(i) for i in range(n)]',
    ]);
  });

  beforeEach(() => (pool = new BridgePool(bridgePackage, new MemoryLogger())));
  afterEach(() => pool.stopAll());
  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('builds the transport graph in the server’s shape: kinds, edge names, and the function each node runs', async () => {
    const result = await preview({ file: file('flow.py'), lattice: 'flow', args: '1, 2' });
    assert.strictEqual(result.lattice, 'flow');
    assert.strictEqual(result.truncated, false);
    assert.strictEqual(result.nodes.length, result.nodeCount);
    assert.strictEqual(result.links.length, result.edgeCount);
    const byName = (name: string) => result.nodes.filter((node) => node.name === name);
    const [add] = byName('add');
    assert.ok(add);
    assert.strictEqual(add.type, 'function');
    assert.strictEqual(add.id, add.node_id);
    assert.deepStrictEqual([add.function, add.file, add.line], ['add', file('steps.py'), 3], 'the helper module’s function, at its decorator');
    const [sub] = byName(':sublattice:inner');
    assert.ok(sub, 'the sublattice is one node');
    assert.deepStrictEqual([sub.type, sub.function, sub.file, sub.line], ['sublattice', 'inner', file('flow.py'), 8]);
    const [post] = result.nodes.filter((node) => node.name.startsWith(':postprocess:'));
    assert.ok(post);
    assert.deepStrictEqual([post.type, post.function, post.line], ['function', 'flow', 13], 'post-processing links to the lattice');
    const parameters = result.nodes.filter((node) => node.type === 'parameter');
    assert.ok(parameters.some((node) => node.name === ':parameter:1') && parameters.some((node) => node.name === ':parameter:2'));
    assert.ok(parameters.every((node) => node.function === undefined), 'inputs run no function');
    const inputsOfAdd = result.links.filter((link) => link.target === add.node_id).map((link) => link.edge_name).sort();
    assert.deepStrictEqual(inputsOfAdd, ['a', 'b']);
    assert.ok(result.links.some((link) => link.target === post.node_id && link.edge_name === '!waiting_edge'));
    assert.deepStrictEqual(
      result.summary.find((row) => row.name === 'square'),
      { name: 'square', type: 'function', count: 1 },
    );
  });

  it('says which inputs do not parse, with the column, before importing anything', async () => {
    const error = await rejection(preview({ file: file('no_such_file.py'), lattice: 'flow', args: '1, 2)' }));
    assert.strictEqual(error.kind, 'inputSyntax');
    assert.strictEqual(error.data.column, 4);
  });

  it('gives the traceback and the user’s frames when the lattice raises while its graph is built', async () => {
    const error = await rejection(preview({ file: file('flow.py'), lattice: 'fragile', args: '0' }));
    assert.strictEqual(error.kind, 'graphFailed');
    assert.match(error.message, /Building the graph of fragile failed: ZeroDivisionError: division by zero \(flow\.py, line 19\)/);
    assert.deepStrictEqual(
      error.data.frames?.map((frame) => [path.basename(frame.file), frame.line, frame.name]),
      [
        ['flow.py', 23, 'fragile'],
        ['flow.py', 19, 'check'],
      ],
    );
    assert.match(error.data.traceback ?? '', /Traceback[\s\S]*build_graph[\s\S]*flow\.py", line 23, in fragile[\s\S]*flow\.py", line 19, in check[\s\S]*ZeroDivisionError/);
    assert.doesNotMatch(error.data.traceback ?? '', /<dynamic-code>/, 'each frame names its file, whatever cloudpickle calls the code it pickled');
    assert.doesNotMatch(error.data.traceback ?? '', /covalent_bridge/, 'the bridge’s own frames are left out');
  });

  it('sends counts only for a graph bigger than the editor draws', async () => {
    const result = await preview({ file: file('flow.py'), lattice: 'sweep', args: '30', maxNodes: 50 });
    assert.strictEqual(result.truncated, true);
    assert.strictEqual(result.nodeCount, 62, '30 parameters, 30 tasks, the list Covalent collects them in, and post-processing');
    assert.deepStrictEqual([result.nodes, result.links], [[], []]);
    assert.deepStrictEqual(result.summary, [
      { name: 'square', type: 'function', count: 30 },
      { name: ':electron_list:', type: 'electron_list', count: 1 },
      { name: ':postprocess:reconstruct', type: 'function', count: 1 },
      { name: '', type: 'parameter', count: 30 },
    ]);
  });
});
