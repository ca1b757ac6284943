import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgePool } from '../../src/bridge/bridgePool';
import { bridgePackage, MemoryLogger, NOBODY, rejection, venvPython, writeTree } from './bridgeSupport';

/**
 * Workflows shaped like projects, imported by the real bridge the way Python
 * would. Without a server: a dispatch that gets as far as the server
 * (`serverUnreachable`) imported the code and bound the inputs.
 */
describe('Python bridge: workflows in projects (real interpreter, no server)', function () {
  this.timeout(60000);
  let python: string;
  let workspace: string;
  let pool: BridgePool;
  let logger: MemoryLogger;
  const flow = () => path.join(workspace, 'proj', 'pipeline', 'flow.py');
  const dispatch = (file: string, args: string | undefined, folders: string[] = [workspace], lattice = 'flow') =>
    pool.request(python, 'dispatch', { file, lattice, args, workspaceFolders: folders, dispatcherAddress: NOBODY });

  before(() => {
    python = venvPython();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bridge-projects-'));
    writeTree(workspace, {
      'helpers.py': ['DEFAULT_BY = 2', 'def double(x):', '    return 2 * x'],
      'proj/pipeline/__init__.py': [''],
      'proj/pipeline/steps.py': ['import covalent as ct', 'from helpers import double', '', '@ct.electron', 'def add(a, b):', '    return double(a) + b'],
      'proj/pipeline/flow.py': [
        'import os',
        'import covalent as ct',
        'from helpers import DEFAULT_BY',
        'from .steps import add',
        'WORKING_DIRECTORY = os.getcwd()',
        '',
        '@ct.lattice',
        'def flow(values, by=DEFAULT_BY):',
        '    return [add(value, by) for value in values]',
      ],
      'broken_pkg/__init__.py': ['raise RuntimeError("the package refuses to import")'],
      'broken_pkg/flow.py': ['import covalent as ct', '@ct.lattice', 'def flow():', '    return 1'],
      'circular/__init__.py': [''],
      'circular/a.py': ['import covalent as ct', 'from .b import helper', '@ct.lattice', 'def flow():', '    return helper()'],
      'circular/b.py': ['from .a import flow', 'def helper():', '    return 1'],
      'shadow/random.py': ['def pick():', '    return 4'],
      'shadow/flow.py': ['import covalent as ct', 'from random import pick', '@ct.lattice', 'def flow():', '    return pick()'],
      'locked/resources.py': ['import threading', 'LOCK = threading.Lock()', 'def guarded(x):', '    with LOCK:', '        return x'],
      'locked/flow.py': [
        'import covalent as ct',
        'from resources import guarded',
        '@ct.electron',
        'def task(x):',
        '    return guarded(x)',
        '@ct.lattice',
        'def flow(x):',
        '    return task(x)',
      ],
    });
  });

  beforeEach(() => {
    logger = new MemoryLogger();
    pool = new BridgePool(bridgePackage, logger);
  });

  afterEach(async () => {
    await pool.stopAll();
  });

  after(() => fs.rmSync(workspace, { recursive: true, force: true }));

  it('imports a package module under its dotted name: relative imports and the workspace’s own modules work', async () => {
    const { lattices, electrons } = await pool.request(python, 'electrons', { file: flow(), workspaceFolders: [workspace] });
    assert.deepStrictEqual(lattices, ['flow']);
    assert.deepStrictEqual(electrons, [], 'add belongs to pipeline.steps, not to this file');
    const error = await rejection(dispatch(flow(), 'values=[1, 2], by=3'));
    assert.strictEqual(error.kind, 'serverUnreachable', error.message);
  });

  it('asks for the parameters a lattice needs, as inputs to fill in (defaults from the project’s modules)', async () => {
    const error = await rejection(dispatch(flow(), undefined));
    assert.strictEqual(error.kind, 'inputsMissing', error.message);
    assert.deepStrictEqual(error.data.missing, ['values']);
    assert.strictEqual(error.data.template, 'values=, by=2');
    assert.match(error.message, /flow needs a value for values \(its parameters: values=, by=2\)/);
  });

  it('reads an edited helper module at the next request of the same warm bridge', async () => {
    const helpers = path.join(workspace, 'helpers.py');
    const original = fs.readFileSync(helpers, 'utf8');
    try {
      assert.strictEqual((await rejection(dispatch(flow(), undefined))).data.template, 'values=, by=2');
      fs.writeFileSync(helpers, original.replace('DEFAULT_BY = 2', 'DEFAULT_BY = 5'));
      assert.strictEqual((await rejection(dispatch(flow(), undefined))).data.template, 'values=, by=5');
    } finally {
      fs.writeFileSync(helpers, original);
    }
  });

  it('runs the workflow with the workspace folder as working directory', async () => {
    // The module records os.getcwd() at import: evaluate it as the inputs.
    const error = await rejection(dispatch(flow(), 'values=[WORKING_DIRECTORY]'));
    assert.strictEqual(error.kind, 'serverUnreachable');
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bridge-elsewhere-'));
    try {
      fs.writeFileSync(path.join(other, 'probe.py'), 'import os, covalent as ct\nHERE = os.getcwd()\n@ct.lattice\ndef flow(x):\n    return x\n');
      // A file outside every workspace folder is its own project: its folder is the working directory.
      const outside = await rejection(dispatch(path.join(other, 'probe.py'), 'x=HERE == ' + JSON.stringify(fs.realpathSync(other)) + ' or 1/0'));
      assert.strictEqual(outside.kind, 'serverUnreachable', outside.message);
      const inside = await rejection(dispatch(flow(), 'values=[WORKING_DIRECTORY == ' + JSON.stringify(fs.realpathSync(workspace)) + ' or 1/0]'));
      assert.strictEqual(inside.kind, 'serverUnreachable', inside.message);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('names a package whose __init__ raises, with its traceback', async () => {
    const error = await rejection(dispatch(path.join(workspace, 'broken_pkg', 'flow.py'), ''));
    assert.strictEqual(error.kind, 'importFailed');
    assert.match(error.message, /RuntimeError: the package refuses to import/);
    assert.match(error.data.traceback ?? '', /broken_pkg\/__init__\.py/);
  });

  it('names a circular import', async () => {
    const error = await rejection(dispatch(path.join(workspace, 'circular', 'a.py'), ''));
    assert.strictEqual(error.kind, 'importFailed');
    assert.match(error.message, /circular import/);
  });

  it('says which project module shadows the standard library', async () => {
    const error = await rejection(dispatch(path.join(workspace, 'shadow', 'flow.py'), '', [path.join(workspace, 'shadow')]));
    assert.strictEqual(error.kind, 'importFailed');
    assert.match(error.message, /random\.py shadows the standard library's module of that name.*rename it/);
  });

  it('names a module-level value that cannot be pickled, before anything reaches a server', async () => {
    const error = await rejection(dispatch(path.join(workspace, 'locked', 'flow.py'), '1', [path.join(workspace, 'locked')]));
    assert.strictEqual(error.kind, 'notPicklable', error.message);
    assert.match(error.message, /LOCK in resources\.py \(a lock\) cannot be pickled.*Create it inside the function/);
  });

  it('keeps its own modules out of the user’s way: a project module named like one of the bridge’s is the user’s', async () => {
    const folder = path.join(workspace, 'named_like_bridge');
    writeTree(folder, {
      'sdk.py': ['VALUE = 7'],
      'flow.py': ['import covalent as ct', 'from sdk import VALUE', '@ct.lattice', 'def flow(x):', '    return x'],
    });
    const error = await rejection(dispatch(path.join(folder, 'flow.py'), 'VALUE if VALUE == 7 else 1/0', [folder]));
    assert.strictEqual(error.kind, 'serverUnreachable', error.message);
    // Nor is the folder that holds the bridge package on the user's sys.path.
    const probe = await rejection(
      dispatch(path.join(folder, 'flow.py'), 'not any(__import__("os").path.isdir(__import__("os").path.join(entry, "covalent_bridge")) for entry in __import__("sys").path) or 1/0', [folder]),
    );
    assert.strictEqual(probe.kind, 'serverUnreachable', probe.message);
  });
});
