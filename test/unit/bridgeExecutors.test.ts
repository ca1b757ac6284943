import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BridgePool } from '../../src/bridge/bridgePool';
import type { ExecutorSpec } from '../../src/bridge/protocol';
import { bridgePackage, MemoryLogger, NOBODY, rejection, venvPython } from './bridgeSupport';

const profile = (label: string, plugin: string, args: Record<string, unknown> = {}): ExecutorSpec => ({ label, plugin, args, profile: true });

describe('Python bridge: executors (real interpreter, no server)', function () {
  this.timeout(60000);
  let python: string;
  let folder: string;
  let pool: BridgePool;

  before(() => {
    python = venvPython();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bridge-executors-'));
    fs.writeFileSync(
      path.join(folder, 'wf.py'),
      ['import covalent as ct', '', '@ct.electron(executor="local")', 'def add(a, b):', '    return a + b', '', '@ct.lattice', 'def flow(a, b):', '    return add(a, b)', ''].join('\n'),
    );
    // Importing it would fail: errors about executors must come before any import.
    fs.writeFileSync(path.join(folder, 'explodes.py'), 'raise RuntimeError("imported")\n');
    pool = new BridgePool(bridgePackage, new MemoryLogger());
  });

  after(async () => {
    await pool.stopAll();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('lists the executor plugins installed in the interpreter (not abstract bases), with their parameters', async () => {
    const { plugins } = await pool.request(python, 'executorPlugins', {});
    assert.deepStrictEqual(plugins.map((plugin) => plugin.name), ['dask', 'local']);
    const dask = plugins.find((plugin) => plugin.name === 'dask');
    assert.strictEqual(dask?.className, 'DaskExecutor');
    assert.deepStrictEqual(dask?.parameters.find((parameter) => parameter.name === 'scheduler_address'), { name: 'scheduler_address', default: '', required: false });
  });

  it('gives each electron’s executor as its decorator names it', async () => {
    const { electrons } = await pool.request(python, 'electrons', { file: path.join(folder, 'wf.py') });
    assert.strictEqual(electrons[0]?.executor, 'local');
  });

  it('names the package of a plugin a profile asks for and the interpreter lacks, before importing anything', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'explodes.py'), lattice: 'flow', dispatcherAddress: NOBODY, executors: { all: profile('hpc', 'slurm', { address: 'login.example.org' }) } }),
    );
    assert.strictEqual(error.kind, 'executorNotInstalled');
    assert.match(error.message, /profile 'hpc' names the plugin 'slurm', which is not installed in .*python.* \(installed: dask, local\)\. Install it: pip install covalent-slurm-plugin/);
    assert.strictEqual(error.data.package, 'covalent-slurm-plugin');
  });

  it('says a name is neither a profile nor an installed plugin', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'explodes.py'), lattice: 'flow', dispatcherAddress: NOBODY, executors: { all: { label: 'clustre', plugin: 'clustre', args: {}, profile: false } } }),
    );
    assert.strictEqual(error.kind, 'executorNotInstalled');
    assert.match(error.message, /'clustre' is neither a profile of the covalent\.executors setting nor an executor plugin installed in .* \(installed: dask, local\)/);
  });

  it('passes on the plugin’s own words for arguments it refuses', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', {
        file: path.join(folder, 'explodes.py'),
        lattice: 'flow',
        dispatcherAddress: NOBODY,
        executors: { all: profile('cluster', 'dask', { scheduler_adress: 'tcp://127.0.0.1:8786' }) },
      }),
    );
    assert.strictEqual(error.kind, 'executorArguments');
    assert.match(error.message, /The executor profile 'cluster' \(DaskExecutor\) refuses the arguments scheduler_adress='tcp:\/\/127\.0\.0\.1:8786': TypeError: .*unexpected keyword argument 'scheduler_adress'/);
  });

  it('refuses a per-electron choice for a task the workflow does not have, before contacting the server', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'wf.py'), lattice: 'flow', args: '1, 2', dispatcherAddress: NOBODY, executors: { electrons: { ad: profile('cluster', 'dask') } } }),
    );
    assert.strictEqual(error.kind, 'electronNotInWorkflow');
    assert.match(error.message, /flow has no task named ad \(its tasks: add; an electron that runs inside a sublattice is chosen with its sublattice\)/);
    // With a task it has, the graph is built and only the (absent) server stops it.
    const unreachable = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'wf.py'), lattice: 'flow', args: '1, 2', dispatcherAddress: NOBODY, executors: { electrons: { add: profile('cluster', 'dask') } } }),
    );
    assert.strictEqual(unreachable.kind, 'serverUnreachable');
  });

  it('leaves an installed library’s electrons as written after a graph is built: one dispatch’s executor does not carry into the next', async () => {
    // Building a graph writes the lattice's executor into electrons that name none; the bridge lives on, and
    // a library's modules (here under a site-packages folder) are not imported again for the next request.
    const library = path.join(folder, 'lib', 'site-packages');
    fs.mkdirSync(library, { recursive: true });
    fs.writeFileSync(path.join(library, 'shared_steps.py'), ['import covalent as ct', '', '@ct.electron', 'def double(x):', '    return 2 * x', ''].join('\n'));
    const flows = path.join(folder, 'library_flows.py');
    fs.writeFileSync(
      flows,
      [
        'import sys',
        `sys.path.insert(0, ${JSON.stringify(library)})`,
        'import covalent as ct',
        'import shared_steps',
        '',
        '@ct.lattice(executor="local")',
        'def on_local(x):',
        '    return shared_steps.double(x)',
        '',
        '@ct.lattice',
        'def report():',
        '    raise RuntimeError("double runs on %s" % shared_steps.double.electron_object.metadata["executor"])',
        '',
      ].join('\n'),
    );
    const built = await pool.request(python, 'previewGraph', { file: flows, workspaceFolders: [folder], lattice: 'on_local', args: '1' });
    assert.ok(built.nodes.some((node) => node.name === 'double'));
    const error = await rejection(pool.request(python, 'previewGraph', { file: flows, workspaceFolders: [folder], lattice: 'report' }));
    assert.strictEqual(error.kind, 'graphFailed');
    assert.match(error.message, /double runs on None/, 'as written: no executor of its own');
  });
});
