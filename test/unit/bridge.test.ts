import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { BridgePool } from '../../src/bridge/bridgePool';
import { isBridgeError } from '../../src/bridge/protocol';
import { bridgePackage, MemoryLogger, NOBODY, rejection, venvPython } from './bridgeSupport';

describe('Python bridge (real interpreter, no server)', function () {
  this.timeout(60000);
  let python: string;
  let folder: string;
  let logger: MemoryLogger;
  let pool: BridgePool;

  before(() => {
    python = venvPython();
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'covalent-bridge-unit-'));
    fs.writeFileSync(
      path.join(folder, 'wf.py'),
      [
        'import covalent as ct',
        'print("printed at import time")',
        '@ct.electron',
        'def add(a, b):',
        '    return a + b',
        '',
        '@ct.lattice',
        'def flow(a, b):',
        '    return add(a, b)',
        '',
        'not_a_lattice = 3',
        'if __name__ == "__main__":',
        '    raise SystemExit("the main block must not run")',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(folder, 'broken.py'), 'import covalent as ct\n\ndef helper():\n    raise RuntimeError("boom at import")\n\nhelper()\n');
    fs.writeFileSync(path.join(folder, 'slow.py'), 'import time\ntime.sleep(30)\n');
  });

  beforeEach(() => {
    logger = new MemoryLogger();
    pool = new BridgePool(bridgePackage, logger);
  });

  afterEach(async () => {
    await pool.stopAll();
  });

  after(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('starts with the interpreter and reports its Covalent version; user prints go to stderr, not the protocol', async () => {
    const info = await pool.get(python).ready;
    assert.strictEqual(info.covalentVersion, '0.240.0');
    const electrons = await pool.request(python, 'electrons', { file: path.join(folder, 'wf.py') });
    assert.deepStrictEqual(
      electrons.electrons.map((electron) => electron.name),
      ['add'],
    );
    assert.deepStrictEqual(electrons.lattices, ['flow']);
    assert.match(electrons.electrons[0]?.source ?? '', /^@ct\.electron\ndef add\(a, b\):/);
    assert.match(logger.text(), /\[python\] printed at import time/);
  });

  it('uses the unsaved buffer instead of the file when given one', async () => {
    const source = fs.readFileSync(path.join(folder, 'wf.py'), 'utf8').replace('return a + b', 'return a - b');
    const electrons = await pool.request(python, 'electrons', { file: path.join(folder, 'wf.py'), source });
    assert.match(electrons.electrons[0]?.source ?? '', /return a - b/);
  });

  it('rejects unparsable inputs with the column, before importing anything', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'slow.py'), lattice: 'flow', args: '1, 2)', dispatcherAddress: NOBODY }),
    );
    assert.strictEqual(error.kind, 'inputSyntax');
    assert.strictEqual(error.data.line, 0);
    assert.strictEqual(error.data.column, 4, error.message);
    const second = await rejection(pool.request(python, 'checkInputs', { args: 'a=1, b=[1, 2' }));
    assert.strictEqual(second.kind, 'inputSyntax');
  });

  it('names a missing lattice and lists the ones the module has', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'wf.py'), lattice: 'nope', args: '1, 2', dispatcherAddress: NOBODY }),
    );
    assert.strictEqual(error.kind, 'latticeNotFound');
    assert.match(error.message, /no lattice named 'nope'.*flow/);
    const notLattice = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'wf.py'), lattice: 'not_a_lattice', dispatcherAddress: NOBODY }),
    );
    assert.strictEqual(notLattice.kind, 'notALattice');
  });

  it('reports an import failure with its traceback, also on stderr', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'broken.py'), lattice: 'flow', dispatcherAddress: NOBODY }),
    );
    assert.strictEqual(error.kind, 'importFailed');
    assert.match(error.message, /RuntimeError: boom at import/);
    assert.match(error.data.traceback ?? '', /line 4, in helper/);
    assert.match(logger.text(), /\[python\].*raise RuntimeError\("boom at import"\)/);
  });

  it('evaluates inputs in the module namespace and says when that fails', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'wf.py'), lattice: 'flow', args: 'undefined_name, 2', dispatcherAddress: NOBODY }),
    );
    assert.strictEqual(error.kind, 'inputEvaluation');
    assert.match(error.message, /NameError/);
  });

  it('says the server is unreachable when nothing answers', async () => {
    const error = await rejection(
      pool.request(python, 'dispatch', { file: path.join(folder, 'wf.py'), lattice: 'flow', args: '1, 2', dispatcherAddress: NOBODY }),
    );
    assert.strictEqual(error.kind, 'serverUnreachable', error.message);
  });

  it('fails pending requests when the process is killed, and the next request gets a new bridge', async () => {
    const first = pool.get(python);
    await first.ready;
    const pending = pool.request(python, 'electrons', { file: path.join(folder, 'slow.py') });
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(first.pid ?? 0, 'SIGKILL');
    const error = await rejection(pending);
    assert.strictEqual(error.kind, 'bridgeDied');
    assert.match(error.message, /SIGKILL/);
    const info = await pool.get(python).ready;
    assert.notStrictEqual(info.pid, first.pid);
    const electrons = await pool.request(python, 'electrons', { file: path.join(folder, 'wf.py') });
    assert.strictEqual(electrons.lattices[0], 'flow');
  });

  it('imports a workflow file named like a module the bridge uses (json.py) without breaking the bridge', async () => {
    const shadow = path.join(folder, 'json.py');
    fs.writeFileSync(shadow, fs.readFileSync(path.join(folder, 'wf.py'), 'utf8'));
    const first = await pool.request(python, 'electrons', { file: shadow });
    assert.deepStrictEqual(first.lattices, ['flow']);
    // The bridge still speaks JSON afterwards.
    const second = await pool.request(python, 'electrons', { file: path.join(folder, 'wf.py') });
    assert.deepStrictEqual(second.lattices, ['flow']);
  });

  it('says which interpreter does not exist', async () => {
    const error = await rejection(pool.request('/nonexistent/python3', 'initialize', {}));
    assert.strictEqual(error.kind, 'interpreterNotFound');
    assert.match(error.message, /\/nonexistent\/python3 does not exist/);
  });

  it('says Covalent is missing from an interpreter without it', async function () {
    const bare = path.join(folder, 'bare-venv');
    execFileSync(python, ['-m', 'venv', '--without-pip', bare]);
    const barePython = path.join(bare, 'bin', 'python');
    const info = await pool.get(barePython).ready;
    assert.strictEqual(info.covalentVersion, null);
    assert.match(info.covalentImportError ?? '', /No module named 'covalent'/);
    const error = await rejection(
      pool.request(barePython, 'dispatch', { file: path.join(folder, 'wf.py'), lattice: 'flow', args: '1, 2', dispatcherAddress: NOBODY }),
    );
    assert.ok(isBridgeError(error, 'covalentMissing'));
  });
});
